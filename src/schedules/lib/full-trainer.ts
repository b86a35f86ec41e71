/**
 * The real trainer: gradients from the lazy engine on each data shard's own batches, optimizer steps
 * on flat vectors, rank-order vector math and averaging, and test-set evaluation. Batches are drawn
 * when the gradient is requested, so a shard's data order depends only on its own stream and on how
 * many batches were drawn from it.
 */
import type { ClassificationDataset } from '../../training/datasets/dataset.ts';
import type { BatchSampler } from '../../training/datasets/batch-sampler.ts';
import { fillBatch } from '../../training/datasets/fill-batch.ts';
import type { GradientEngine } from '../../training/engine/gradient-engine.ts';
import type { GradBatch } from '../../training/engine/batch.ts';
import {
  makePiecedSnapshot,
  makeSnapshot,
  readSnapshot,
  snapshotPieces,
  snapshotSize,
  type ParamSnapshot,
  type SnapshotPiece,
} from '../../training/engine/snapshot.ts';
import { evaluateOn, type EvalSet } from '../../training/evaluate.ts';
import type { LayoutEntry } from '../../training/models/layout.ts';
import type { LrSchedule } from '../../training/optimizers/lr-schedules.ts';
import type { Optimizer } from '../../training/optimizers/optimizer.ts';
import { FullOptimizerState } from './full-optimizer-state.ts';
import { FullStagedTrainer } from './full-staged.ts';
import { optimizerFromSpec } from './optimizer-spec.ts';
import { PARAM_MATH } from './param-math.ts';
import { checkRange, tilingOrder } from './param-range.ts';
import type {
  ApplyOptions,
  DataKey,
  GradientRef,
  OptimizerSpec,
  OptimizerState,
  ParamMath,
  ParamRange,
  TensorSlot,
  Trainer,
  TrainerEval,
  Vec,
} from './trainer.ts';

/** What the full trainer is built from (the runner assembles it from the scenario). */
export interface FullTrainerParts {
  /** The engine; its model's layout is the trainer's `layout`. */
  readonly engine: GradientEngine;
  readonly train: ClassificationDataset;
  readonly test: EvalSet;
  /** One sampler per data key (key k draws from `samplers[k]`), each over its shard of `train`. */
  readonly samplers: readonly BatchSampler[];
  readonly batchSize: number;
  readonly initialParams: Float32Array;
  /** A fresh scenario optimizer per call (one per replica or shard). */
  readonly newOptimizer: () => Optimizer;
  /** The scenario's learning-rate schedule. */
  readonly lr: LrSchedule;
}

/** One piece of a composed snapshot: `range` of `snapshot`. */
interface SnapshotPart {
  readonly snapshot: ParamSnapshot;
  readonly range: ParamRange;
}

/** A layout entry as the schedules see it (its init scheme and fans stay with the model). */
function tensorSlot(e: LayoutEntry): TensorSlot {
  return Object.freeze({ name: e.name, shape: Object.freeze([...e.shape]), offset: e.offset, size: e.size });
}

/** The real trainer. */
export class FullTrainer implements Trainer {
  readonly full = true;
  readonly paramCount: number;
  readonly layout: readonly TensorSlot[];
  readonly math: ParamMath = PARAM_MATH;
  readonly dataKeys: number;
  private readonly p: FullTrainerParts;

  /** @throws RangeError if the initial parameters do not fit the model's layout. */
  constructor(parts: FullTrainerParts) {
    const layout = parts.engine.model.layout;
    if (parts.initialParams.length !== layout.size) {
      throw new RangeError(`initial parameters have ${parts.initialParams.length} values, the model ${layout.size}`);
    }
    this.p = parts;
    this.paramCount = parts.initialParams.length;
    this.dataKeys = parts.samplers.length;
    this.layout = Object.freeze(layout.entries.map(tensorSlot));
  }

  shardSize(key: DataKey): number {
    return this.sampler(key).size;
  }

  trainSize(): number {
    return this.p.train.n;
  }

  initial(): ParamSnapshot {
    return makeSnapshot(0, this.p.initialParams.slice());
  }

  /** @throws RangeError for a key outside 0 .. dataKeys − 1. */
  private sampler(key: DataKey): BatchSampler {
    const s = Number.isInteger(key) ? this.p.samplers[key] : undefined;
    if (s === undefined) throw new RangeError(`no data shard ${key} (data keys 0 .. ${this.dataKeys - 1})`);
    return s;
  }

  private batch(key: DataKey, rows = this.p.batchSize): GradBatch {
    const idx = this.sampler(key).next(rows);
    const d = this.p.train.d;
    // A fresh buffer per request: a pending request reads it later, so it must never be reused.
    const x = new Float32Array(idx.length * d);
    const y = new Int32Array(idx.length);
    fillBatch(this.p.train, idx, x, y);
    return { x, y, n: idx.length };
  }

  gradient(snapshot: ParamSnapshot, key: DataKey): GradientRef {
    return this.p.engine.request(snapshot, this.batch(key));
  }

  meanGradient(snapshot: ParamSnapshot, keys: readonly DataKey[]): GradientRef {
    return this.p.engine.requestMean(
      snapshot,
      keys.map((k) => this.batch(k)),
    );
  }

  /** @throws RangeError for a spec naming an unknown optimizer, bad options or a bad `lr`. */
  optimizer(spec?: OptimizerSpec): FullOptimizerState {
    if (spec === undefined) return new FullOptimizerState(this.p.newOptimizer(), undefined);
    const { optimizer, lr } = optimizerFromSpec(spec);
    return new FullOptimizerState(optimizer, lr);
  }

  lr(step: number): number {
    return this.p.lr(step);
  }

  /**
   * @throws TypeError if `opt` was not made by a `FullTrainer`.
   * @throws RangeError if the vector or snapshot is not `paramCount` long, the range is outside it,
   *   or the learning rate is not a finite number >= 0 (from the optimizer).
   */
  apply(
    opt: OptimizerState,
    snapshot: ParamSnapshot,
    grad: GradientRef | Vec,
    version: number,
    o: ApplyOptions = {},
  ): ParamSnapshot {
    if (!(opt instanceof FullOptimizerState)) {
      throw new TypeError('FullTrainer.apply: an optimizer state of another trainer');
    }
    const g = grad instanceof Float32Array ? grad : grad.value().grad;
    const n = this.paramCount;
    const size = snapshotSize(snapshot);
    if (size !== n || g.length !== n) {
      throw new RangeError(`apply: snapshot has ${size} values, gradient ${g.length}, the model ${n}`);
    }
    // The rate of the step about to be taken: `steps` is read before the optimizer counts it.
    const lr = (o.lr ?? opt.lr ?? this.p.lr(opt.steps)) * (o.lrScale ?? 1);
    const range: ParamRange = o.range ?? [0, n];
    checkRange('apply', range, n);
    const [start, end] = range;
    if (start === 0 && end === n) return makeSnapshot(version, opt.optimizer.step(snapshot.params, g, lr));
    // A shard: only its range is copied and stepped; the rest is shared with `snapshot`.
    const stepped = new Float32Array(end - start);
    const from = snapshotPieces(snapshot, start, end);
    if (from.length === 1) opt.optimizer.stepInto(from[0]!.values, stepped, g.subarray(start, end), lr);
    else {
      readSnapshot(snapshot, start, end, stepped);
      opt.optimizer.stepInPlace(stepped, g.subarray(start, end), lr);
    }
    return makePiecedSnapshot(version, n, [
      ...snapshotPieces(snapshot, 0, start),
      { start, end, values: stepped },
      ...snapshotPieces(snapshot, end, n),
    ]);
  }

  /** @throws RangeError unless `params` is `paramCount` long. */
  snapshot(params: Vec, version: number): ParamSnapshot {
    if (params.length !== this.paramCount) {
      throw new RangeError(`snapshot: ${params.length} values, the model has ${this.paramCount}`);
    }
    return makeSnapshot(version, params);
  }

  /** @throws RangeError unless the ranges tile [0, paramCount) and every snapshot is full-length. */
  compose(parts: readonly SnapshotPart[], version: number): ParamSnapshot {
    const n = this.paramCount;
    const order = tilingOrder(
      'compose',
      parts.map((q) => q.range),
      n,
    );
    // Pieces of the parts, shared rather than copied.
    const pieces: SnapshotPiece[] = [];
    for (const i of order) {
      const { snapshot, range } = parts[i]!;
      const size = snapshotSize(snapshot);
      if (size !== n) throw new RangeError(`compose: part ${i} has ${size} values, the model ${n}`);
      pieces.push(...snapshotPieces(snapshot, range[0], range[1]));
    }
    return makePiecedSnapshot(version, n, pieces);
  }

  /** @throws RangeError on an empty list, snapshots of the wrong length, or bad weights. */
  average(snapshots: readonly ParamSnapshot[], version: number, weights?: readonly number[]): ParamSnapshot {
    const first = snapshots[0];
    if (first !== undefined && first.params.length !== this.paramCount) {
      throw new RangeError(`average: snapshots have ${first.params.length} values, the model ${this.paramCount}`);
    }
    return makeSnapshot(
      version,
      this.math.mean(
        snapshots.map((s) => s.params),
        weights,
      ),
    );
  }

  evaluate(snapshot: ParamSnapshot): TrainerEval {
    const r = evaluateOn(this.p.engine, snapshot.params, this.p.test);
    return { loss: r.loss, accuracy: r.accuracy, predictedClasses: r.predictedClasses };
  }

  /** @throws RangeError for a model that is not a dense stack, or more stages than layers. */
  staged(stages: number | readonly number[]): FullStagedTrainer {
    return new FullStagedTrainer(
      this.p.engine.model,
      stages,
      (key, rows) => this.batch(key, rows),
      (step) => this.p.lr(step),
    );
  }
}
