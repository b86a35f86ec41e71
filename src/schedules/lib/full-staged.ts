/**
 * The real staged trainer: a dense model cut by `splitDenseModel`, micro-batches drawn from the
 * trainer's data shards, and stage passes from pipeline-stages.ts.
 *
 * Lazy per handle, not grouped: `forward` and `backward` return handles whose first read runs that one
 * pass (and, through the handles it reads, any pass it depends on), memoised. Passes of several
 * micro-batches on one (stage, snapshot) are not yet merged into one pass as `requestMean` merges
 * batches; the results would be the same (the passes are row-wise), only slower on many micro-batches.
 */
import type { GradBatch } from '../../training/engine/batch.ts';
import {
  lossGradient,
  splitDenseModel,
  stageBackward,
  stageForward,
  type StagedModel,
  type StageStash,
} from '../../training/engine/pipeline-stages.ts';
import { makeSnapshot, type ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { Model } from '../../training/models/model.ts';
import { EMPTY_ACT, type ActRef, type StagedBackward, type StagedTrainer } from './staged.ts';
import type { DataKey, GradientRef } from './trainer.ts';

/** Draws the next `rows` samples of shard `key` (the full trainer's samplers). */
export type DrawBatch = (key: DataKey, rows: number) => GradBatch;

/** A memoised thunk: computes once, on the first read. */
function once<T>(f: () => T): () => T {
  let done = false;
  let v: T | undefined;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v as T;
  };
}

/** A micro-batch's activations at one boundary, with what the backward passes need to follow it. */
class FullAct implements ActRef {
  /**
   * @param rows samples of the micro-batch.
   * @param labels the micro-batch's labels (they travel with it to the last stage's loss).
   * @param stage the stage whose forward made it (−1 for an input), so `backward` can check it.
   * @param compute the values, and the forward stash when `stage` >= 0.
   */
  constructor(
    readonly rows: number,
    readonly labels: Int32Array,
    readonly stage: number,
    private readonly compute: () => { readonly values: Float32Array; readonly stash: StageStash | null },
  ) {}

  value(): Float32Array {
    return this.compute().values;
  }

  stash(): StageStash {
    return this.compute().stash!;
  }
}

/** ∂L/∂(stage input) of one micro-batch, with its loss (which comes down from the last stage). */
class GradAct implements ActRef {
  constructor(
    readonly rows: number,
    private readonly compute: () => { readonly values: Float32Array; readonly loss: number },
  ) {}

  value(): Float32Array {
    return this.compute().values;
  }

  loss(): number {
    return this.compute().loss;
  }
}

/** Real stage passes of a dense model. */
export class FullStagedTrainer implements StagedTrainer {
  readonly stages: number;
  readonly stageParamCounts: readonly number[];
  private readonly staged: StagedModel;

  /**
   * @param model the trainer's model; only dense stacks (MLP, logistic regression) split.
   * @param layersPerStage the number of stages, or the layers of each.
   * @param draw the trainer's batch drawing.
   * @throws RangeError for a model that is not a dense stack, or more stages than layers (naming both).
   */
  constructor(
    model: Model,
    layersPerStage: number | readonly number[],
    private readonly draw: DrawBatch,
  ) {
    this.staged = splitDenseModel(model, layersPerStage);
    this.stages = this.staged.stages.length;
    this.stageParamCounts = Object.freeze(this.staged.stages.map((s) => s.layout.size));
  }

  split(snapshot: ParamSnapshot): readonly ParamSnapshot[] {
    return this.staged.split(snapshot.params).map((p) => makeSnapshot(snapshot.version, p));
  }

  /** @throws RangeError unless there is one snapshot per stage of the stage's size. */
  join(parts: readonly ParamSnapshot[], version: number): ParamSnapshot {
    if (parts.length !== this.stages) throw new RangeError(`join: ${parts.length} parts for ${this.stages} stages`);
    return makeSnapshot(version, this.staged.join(parts.map((p) => p.params)));
  }

  /** @throws RangeError for an unknown key or `rows` not an integer >= 1. */
  input(key: DataKey, rows: number): ActRef {
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`a micro-batch needs rows >= 1, got ${rows}`);
    const b = this.draw(key, rows);
    const values = b.x.subarray(0, b.n * this.staged.model.inputSize);
    return new FullAct(b.n, b.y.subarray(0, b.n), -1, () => ({ values, stash: null }));
  }

  /** @throws RangeError for a bad stage, or `x` not the previous stage's output (an input for stage 0). */
  forward(stage: number, wF: ParamSnapshot, x: ActRef): ActRef {
    const s = this.stage(stage);
    if (!(x instanceof FullAct) || x.stage !== stage - 1)
      throw new RangeError(`forward(${stage}): x must be ${stage === 0 ? 'an input' : `stage ${stage - 1}'s output`}`);
    const compute = once(() => {
      const r = stageForward(s, wF.params, x.value(), x.rows);
      return { values: r.output, stash: r.stash };
    });
    return new FullAct(x.rows, x.labels, stage, compute);
  }

  /**
   * @throws RangeError for a bad stage, `y` not this stage's forward output, or `dOut` not null exactly
   *   for the last stage.
   */
  backward(stage: number, wB: ParamSnapshot, y: ActRef, dOut: ActRef | null): StagedBackward {
    const s = this.stage(stage);
    if (!(y instanceof FullAct) || y.stage !== stage)
      throw new RangeError(`backward(${stage}): y must be stage ${stage}'s forward output`);
    if (s.last !== (dOut === null))
      throw new RangeError(`backward(${stage}): dOut must be null exactly for the last stage`);
    if (dOut !== null && !(dOut instanceof GradAct))
      throw new RangeError(`backward(${stage}): dOut must be stage ${stage + 1}'s dIn`);
    const numClasses = this.staged.model.numClasses;
    const pass = once(() => {
      let upstream: Float32Array;
      let loss: number;
      if (dOut === null) {
        const lg = lossGradient(y.value(), y.labels, y.rows, numClasses);
        upstream = lg.dLogits;
        loss = lg.loss;
      } else {
        upstream = dOut.value();
        loss = dOut.loss();
      }
      // Stage 0's input gradient would be ∂L/∂data, which nothing reads.
      const r = stageBackward(s, wB.params, y.stash(), upstream, stage > 0);
      return { grad: r.grad, inputGrad: r.inputGrad, loss };
    });
    const grad: GradientRef = {
      value: () => {
        const r = pass();
        return { grad: r.grad, loss: r.loss };
      },
    };
    const dIn =
      stage === 0
        ? EMPTY_ACT
        : new GradAct(y.rows, () => {
            const r = pass();
            return { values: r.inputGrad!, loss: r.loss };
          });
    return { dIn, grad };
  }

  private stage(i: number): StagedModel['stages'][number] {
    const s = Number.isInteger(i) ? this.staged.stages[i] : undefined;
    if (s === undefined) throw new RangeError(`no stage ${i} (stages 0 .. ${this.stages - 1})`);
    return s;
  }
}
