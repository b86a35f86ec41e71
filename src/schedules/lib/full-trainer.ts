/**
 * The real trainer: gradients from the lazy engine on each worker's own batches, optimizer steps on
 * flat vectors, rank-order averaging and test-set evaluation. Batches are drawn when the gradient is
 * requested, so a worker's data order depends only on its own stream and its own step count.
 */
import type { ClassificationDataset } from '../../training/datasets/dataset.ts';
import type { BatchSampler } from '../../training/datasets/batch-sampler.ts';
import { fillBatch } from '../../training/datasets/fill-batch.ts';
import type { GradientEngine } from '../../training/engine/gradient-engine.ts';
import type { GradBatch } from '../../training/engine/batch.ts';
import { makeSnapshot, type ParamSnapshot } from '../../training/engine/snapshot.ts';
import { evaluate, type EvalSet } from '../../training/evaluate.ts';
import type { LrSchedule } from '../../training/optimizers/lr-schedules.ts';
import type { Optimizer } from '../../training/optimizers/optimizer.ts';
import type { GradientRef, OptimizerState, Trainer, TrainerEval } from './trainer.ts';

/** What the full trainer is built from (the runner assembles it from the scenario). */
export interface FullTrainerParts {
  readonly engine: GradientEngine;
  readonly train: ClassificationDataset;
  readonly test: EvalSet;
  /** One sampler per worker, over its shard of `train`. */
  readonly samplers: readonly BatchSampler[];
  readonly batchSize: number;
  readonly initialParams: Float32Array;
  /** A fresh optimizer per call (one per replica or shard). */
  readonly newOptimizer: () => Optimizer;
  readonly lr: LrSchedule;
}

/** The real trainer. */
export class FullTrainer implements Trainer {
  readonly full = true;
  readonly paramCount: number;
  private readonly p: FullTrainerParts;

  constructor(parts: FullTrainerParts) {
    this.p = parts;
    this.paramCount = parts.initialParams.length;
  }

  trainSize(): number {
    return this.p.train.n;
  }

  initial(): ParamSnapshot {
    return makeSnapshot(0, this.p.initialParams.slice());
  }

  private batch(worker: number): GradBatch {
    const s = this.p.samplers[worker];
    if (s === undefined) throw new RangeError(`no data shard for worker ${worker}`);
    const idx = s.next(this.p.batchSize);
    const d = this.p.train.d;
    // A fresh buffer per request: a pending request reads it later, so it must never be reused.
    const x = new Float32Array(idx.length * d);
    const y = new Int32Array(idx.length);
    fillBatch(this.p.train, idx, x, y);
    return { x, y, n: idx.length };
  }

  gradient(snapshot: ParamSnapshot, worker: number): GradientRef {
    return this.p.engine.request(snapshot, this.batch(worker));
  }

  meanGradient(snapshot: ParamSnapshot, workers: readonly number[]): GradientRef {
    return this.p.engine.requestMean(snapshot, workers.map((w) => this.batch(w)));
  }

  optimizer(): OptimizerState {
    return this.p.newOptimizer();
  }

  lr(step: number): number {
    return this.p.lr(step);
  }

  apply(opt: OptimizerState, snapshot: ParamSnapshot, grad: GradientRef | null, lr: number, version: number, start = 0, end = snapshot.params.length): ParamSnapshot {
    if (grad === null) throw new Error('the full trainer needs a gradient to apply');
    const g = grad.value().grad;
    const o = opt as Optimizer;
    if (start === 0 && end === snapshot.params.length) return makeSnapshot(version, o.step(snapshot.params, g, lr));
    const out = snapshot.params.slice();
    o.stepInPlace(out.subarray(start, end), g.subarray(start, end), lr);
    return makeSnapshot(version, out);
  }

  average(snapshots: readonly ParamSnapshot[], version: number): ParamSnapshot {
    const n = snapshots[0]!.params.length;
    const out = new Float32Array(n);
    const k = snapshots.length;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += snapshots[r]!.params[i]!;
      out[i] = s / k;
    }
    return makeSnapshot(version, out);
  }

  evaluate(snapshot: ParamSnapshot): TrainerEval {
    const r = evaluate(this.p.engine.model, snapshot.params, this.p.test);
    return { loss: r.loss, accuracy: r.accuracy, predictedClasses: r.predictedClasses };
  }
}
