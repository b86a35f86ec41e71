/**
 * The math side as a schedule sees it (design.md §3): snapshots, gradient requests, optimizer steps,
 * averaging and evaluation. In `timing-only` mode the trainer is `NULL_TRAINER`, which allocates
 * nothing, so the same schedule code runs at thousands of GPUs.
 */
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';

/** A lazily computed gradient (mirrors the engine's handle, or nothing in timing-only mode). */
export interface GradientRef {
  /** The gradient and its batch loss; the first read computes every pending request. */
  value(): { readonly grad: Float32Array; readonly loss: number };
}

/** What an evaluation of the global model reports (see `EvalResult` in training/evaluate.ts). */
export interface TrainerEval {
  /** Mean test loss; NaN or ±Infinity when the model's outputs are not finite. */
  readonly loss: number;
  /** Test accuracy; NaN when some sample's logits are not finite. */
  readonly accuracy: number;
  /** Distinct classes predicted over samples with finite logits; 1 is a collapsed model. */
  readonly predictedClasses: number;
}

/** An optimizer's state for one model replica (or one parameter-server shard). */
export interface OptimizerState {
  readonly steps: number;
}

/** The math the schedules drive. */
export interface Trainer {
  /** False for the timing-only null trainer. */
  readonly full: boolean;
  /** Training-set size, for epoch accounting. */
  trainSize(): number;
  /** The initial parameters, version 0. */
  initial(): ParamSnapshot;
  /** Requests `worker`'s gradient on its next batch at `snapshot` (draws the batch now). */
  gradient(snapshot: ParamSnapshot, worker: number): GradientRef | null;
  /** Requests the mean gradient of the workers' next batches at one snapshot, as one merged pass. */
  meanGradient(snapshot: ParamSnapshot, workers: readonly number[]): GradientRef | null;
  /** A fresh optimizer state (one per replica or shard). */
  optimizer(): OptimizerState;
  /** Learning rate at optimizer step `step` (0-based) of the scenario's schedule. */
  lr(step: number): number;
  /**
   * A new snapshot with version `version`: `snapshot` with `grad` applied by `opt` at `lr`, on the whole
   * vector or on [start, end) only (a parameter-server shard; the rest is copied unchanged).
   */
  apply(opt: OptimizerState, snapshot: ParamSnapshot, grad: GradientRef | null, lr: number, version: number, start?: number, end?: number): ParamSnapshot;
  /** The element-wise mean of the snapshots (rank order, float64 sums), as version `version`. */
  average(snapshots: readonly ParamSnapshot[], version: number): ParamSnapshot;
  /** Test loss, accuracy and distinct classes predicted for `snapshot` (training/evaluate.ts), or null in timing-only mode. */
  evaluate(snapshot: ParamSnapshot): TrainerEval | null;
  /** Parameters of the trained model (0 in timing-only mode). */
  readonly paramCount: number;
}

const EMPTY = new Float32Array(0);

/** Timing-only: every snapshot is an empty vector with a version; nothing is computed. */
export class NullTrainer implements Trainer {
  readonly full = false;
  readonly paramCount = 0;
  /** @param size training-set size for epoch accounting (NaN when unknown: epochs cannot stop the run). */
  constructor(private readonly size: number) {}
  trainSize(): number {
    return this.size;
  }
  initial(): ParamSnapshot {
    return { version: 0, params: EMPTY };
  }
  gradient(): null {
    return null;
  }
  meanGradient(): null {
    return null;
  }
  optimizer(): OptimizerState {
    return { steps: 0 };
  }
  lr(): number {
    return 0;
  }
  apply(_o: OptimizerState, _s: ParamSnapshot, _g: GradientRef | null, _lr: number, version: number): ParamSnapshot {
    return { version, params: EMPTY };
  }
  average(_s: readonly ParamSnapshot[], version: number): ParamSnapshot {
    return { version, params: EMPTY };
  }
  evaluate(): null {
    return null;
  }
}
