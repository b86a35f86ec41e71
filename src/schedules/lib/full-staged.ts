/**
 * The real staged trainer: a dense model cut by `splitDenseModel`, micro-batches drawn from the
 * trainer's data shards, and stage passes from pipeline-stages.ts.
 *
 * Lazy and grouped, like the gradient engine: `forward` and `backward` only queue a request. The first
 * read of a handle runs every pending request of the same kind on the same (stage, weight snapshot
 * identity) as one pass (stage-batches.ts), so the M micro-batches of one stage on one version cost
 * one forward and one backward pass; reading the inputs those requests need runs their own groups
 * first. Groups are keyed weakly by snapshot, so an abandoned request holds nothing once its snapshot
 * is dropped.
 */
import type { GradBatch } from '../../training/engine/batch.ts';
import {
  lossGradient,
  splitDenseModel,
  type PipelineStage,
  type StageBackward,
  type StagedModel,
  type StageForward,
  type StageStash,
} from '../../training/engine/pipeline-stages.ts';
import { stageBackwardMany, stageForwardMany } from '../../training/engine/stage-batches.ts';
import { makeSnapshot, type ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { Model } from '../../training/models/model.ts';
import { FullOptimizerState } from './full-optimizer-state.ts';
import { EMPTY_ACT, type ActRef, type StagedBackward, type StagedTrainer } from './staged.ts';
import type { ApplyOptions, DataKey, GradientRef, OptimizerState, Vec } from './trainer.ts';

/** Draws the next `rows` samples of shard `key` (the full trainer's samplers). */
export type DrawBatch = (key: DataKey, rows: number) => GradBatch;

/** Requests waiting for their group's pass: per stage, per weight snapshot (by identity). */
class Groups<T extends { done: boolean }> {
  private readonly byStage: WeakMap<ParamSnapshot, T[]>[];

  constructor(stages: number) {
    this.byStage = Array.from({ length: stages }, () => new WeakMap());
  }

  add(stage: number, w: ParamSnapshot, req: T): void {
    const m = this.byStage[stage]!;
    const g = m.get(w);
    if (g === undefined) m.set(w, [req]);
    else g.push(req);
  }

  /** Takes the pending group of (stage, w) out, so requests made from now on form a new one. */
  take(stage: number, w: ParamSnapshot): T[] {
    const m = this.byStage[stage]!;
    const g = m.get(w) ?? [];
    m.delete(w);
    return g.filter((r) => !r.done);
  }
}

interface ForwardReq {
  done: boolean;
  readonly x: FullAct;
  result: StageForward | null;
}

interface BackwardReq {
  done: boolean;
  readonly y: FullAct;
  readonly dOut: GradAct | null;
  result: (StageBackward & { readonly loss: number }) | null;
}

/** Passes run so far (a pass serves every micro-batch of its group). */
export interface StagedStats {
  readonly forwardPasses: number;
  readonly backwardPasses: number;
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
  private readonly forwards: Groups<ForwardReq>;
  private readonly backwards: Groups<BackwardReq>;
  private readonly counters = { forwardPasses: 0, backwardPasses: 0 };

  /**
   * @param model the trainer's model; only dense stacks (MLP, logistic regression) split.
   * @param layersPerStage the number of stages, or the layers of each.
   * @param draw the trainer's batch drawing.
   * @param lr the scenario's learning-rate schedule by optimizer step.
   * @throws RangeError for a model that is not a dense stack, or more stages than layers (naming both).
   */
  constructor(
    model: Model,
    layersPerStage: number | readonly number[],
    private readonly draw: DrawBatch,
    private readonly lr: (step: number) => number = () => {
      throw new Error('FullStagedTrainer: no learning-rate schedule given');
    },
  ) {
    this.staged = splitDenseModel(model, layersPerStage);
    this.stages = this.staged.stages.length;
    this.stageParamCounts = Object.freeze(this.staged.stages.map((s) => s.layout.size));
    this.forwards = new Groups(this.stages);
    this.backwards = new Groups(this.stages);
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

  /** Passes run so far: M micro-batches of one (stage, snapshot) read together count once. */
  stats(): StagedStats {
    return { ...this.counters };
  }

  /** @throws RangeError for a bad stage, or `x` not the previous stage's output (an input for stage 0). */
  forward(stage: number, wF: ParamSnapshot, x: ActRef): ActRef {
    this.stage(stage);
    if (!(x instanceof FullAct) || x.stage !== stage - 1)
      throw new RangeError(`forward(${stage}): x must be ${stage === 0 ? 'an input' : `stage ${stage - 1}'s output`}`);
    const req: ForwardReq = { done: false, x, result: null };
    this.forwards.add(stage, wF, req);
    return new FullAct(x.rows, x.labels, stage, () => {
      if (req.result === null) this.runForward(stage, wF);
      return { values: req.result!.output, stash: req.result!.stash };
    });
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
    const req: BackwardReq = { done: false, y, dOut, result: null };
    this.backwards.add(stage, wB, req);
    const pass = (): NonNullable<BackwardReq['result']> => {
      if (req.result === null) this.runBackward(stage, wB);
      return req.result!;
    };
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

  apply(
    opt: OptimizerState,
    stage: number,
    w: ParamSnapshot,
    grad: Vec,
    version: number,
    o: Omit<ApplyOptions, 'range'> = {},
  ): ParamSnapshot {
    if (!(opt instanceof FullOptimizerState))
      throw new TypeError('FullStagedTrainer.apply: an optimizer state of another trainer');
    const n = this.stage(stage).layout.size;
    if (w.params.length !== n || grad.length !== n)
      throw new RangeError(
        `apply: stage ${stage} has ${n} values, weights ${w.params.length}, gradient ${grad.length}`,
      );
    // The rate of the step about to be taken: `steps` is read before the optimizer counts it.
    const lr = (o.lr ?? opt.lr ?? this.lr(opt.steps)) * (o.lrScale ?? 1);
    return makeSnapshot(version, opt.optimizer.step(w.params, grad, lr));
  }

  snapshot(stage: number, params: Vec, version: number): ParamSnapshot {
    const n = this.stage(stage).layout.size;
    if (params.length !== n) throw new RangeError(`snapshot: stage ${stage} has ${n} values, got ${params.length}`);
    return makeSnapshot(version, params);
  }

  private runForward(stage: number, wF: ParamSnapshot): void {
    const group = this.forwards.take(stage, wF);
    // Inputs first: reading them may run the previous stage's groups.
    const inputs = group.map((r) => ({ x: r.x.value(), n: r.x.rows }));
    const out = stageForwardMany(this.staged.stages[stage]!, wF.params, inputs);
    this.counters.forwardPasses++;
    group.forEach((r, j) => {
      r.result = out[j]!;
      r.done = true;
    });
  }

  private runBackward(stage: number, wB: ParamSnapshot): void {
    const group = this.backwards.take(stage, wB);
    const numClasses = this.staged.model.numClasses;
    const losses: number[] = [];
    const items = group.map((r) => {
      const stash = r.y.stash();
      if (r.dOut !== null) {
        losses.push(r.dOut.loss());
        return { stash, dOut: r.dOut.value() };
      }
      // The last stage: the gradient of the micro-batch's mean loss with respect to its logits.
      const lg = lossGradient(stash.output, r.y.labels, r.y.rows, numClasses);
      losses.push(lg.loss);
      return { stash, dOut: lg.dLogits };
    });
    // Stage 0's input gradient would be ∂L/∂data, which nothing reads.
    const out = stageBackwardMany(this.staged.stages[stage]!, wB.params, items, stage > 0);
    this.counters.backwardPasses++;
    group.forEach((r, j) => {
      r.result = { ...out[j]!, loss: losses[j]! };
      r.done = true;
    });
  }

  private stage(i: number): PipelineStage {
    const s = Number.isInteger(i) ? this.staged.stages[i] : undefined;
    if (s === undefined) throw new RangeError(`no stage ${i} (stages 0 .. ${this.stages - 1})`);
    return s;
  }
}
