/**
 * The math side as a schedule sees it (design.md §3): snapshots, gradient requests, optimizer steps,
 * vector math, averaging and evaluation.
 *
 * One code path for both modes: in `timing-only` mode the trainer is a `NullTrainer`, whose vectors
 * are empty (length 0) and whose gradients are the shared `EMPTY_GRAD`, so vector math costs nothing
 * and no schedule ever tests for null. The same schedule code runs at thousands of GPUs.
 *
 * Learning-rate convention (one for every schedule): an optimizer step uses `lr(opt.steps)`, the
 * scenario's schedule at the number of steps that optimizer state has already taken, times an
 * optional `lrScale` (the staleness-aware rate of spec §6). Outer optimizers built from an
 * `OptimizerSpec` with its own `lr` use that constant instead.
 */
import type { OptimizerSpec } from '../../core/options.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { StagedTrainer } from './staged.ts';

/** A parameter-sized vector: length `paramCount` in full mode, length 0 in timing-only mode. */
export type Vec = Float32Array;

/** A data shard: which samples a gradient is drawn from. One per worker unless a schedule says otherwise. */
export type DataKey = number;

/** A lazily computed gradient (mirrors the engine's handle; `EMPTY_GRAD` in timing-only mode). */
export interface GradientRef {
  /** The gradient and its batch loss; the first read computes every pending request. */
  value(): { readonly grad: Vec; readonly loss: number };
}

/** The empty vector of timing-only mode. */
export const EMPTY_VEC: Vec = new Float32Array(0);

/** The gradient of timing-only mode: an empty vector and no loss (NaN, never recorded). */
export const EMPTY_GRAD: GradientRef = Object.freeze({ value: () => EMPTY_VALUE });
const EMPTY_VALUE = Object.freeze({ grad: EMPTY_VEC, loss: NaN });

/** What an evaluation of the global model reports (see `EvalResult` in training/evaluate.ts). */
export interface TrainerEval {
  /** Mean test loss; NaN or ±Infinity when the model's outputs are not finite. */
  readonly loss: number;
  /** Test accuracy; NaN when some sample's logits are not finite. */
  readonly accuracy: number;
  /** Distinct classes predicted over samples with finite logits; 1 is a collapsed model. */
  readonly predictedClasses: number;
}

/**
 * An optimizer named by data, as a schedule option holds it (DiLoCo's outer Nesterov, SlowMo's slow
 * momentum): a registry name, its options, and optionally its own constant learning rate. Declared
 * with the `optimizer` option kind in core/options.ts, so a parsed option is passed as is.
 */
export type { OptimizerSpec };

/** An optimizer's state for one model replica, parameter-server shard or outer loop. */
export interface OptimizerState {
  /** Steps taken so far (the learning-rate step of the next one). */
  readonly steps: number;
  /** Parameter-sized state vectors it keeps (0 SGD, 1 momentum, 2 Adam), for memory accounting. */
  readonly stateSlots: number;
  /** An independent deep copy, steps and state included (post-local SGD forks one into N). */
  clone(): OptimizerState;
  /** Forgets all state, as if new. */
  reset(): void;
}

/** Where one tensor lives in the flat parameter vector. */
export interface TensorSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** A [start, end) index range of the flat parameter vector. */
export type ParamRange = readonly [start: number, end: number];

/**
 * Deterministic element-wise vector math: index order, float64 arithmetic per element, one rounding
 * to float32 on store, operands combined in the order given (rank order). Every result is a new
 * vector; inputs are never written. Empty vectors give empty vectors.
 * @throws RangeError when lengths differ, or on an empty list or bad weights.
 */
export interface ParamMath {
  /** a − b. */
  sub(a: Vec, b: Vec): Vec;
  /** a·x + y. */
  axpy(a: number, x: Vec, y: Vec): Vec;
  /** a·x. */
  scale(a: number, x: Vec): Vec;
  /** a ⊙ b. */
  mul(a: Vec, b: Vec): Vec;
  /** Σ xs, accumulated in float64 in the order given. */
  sum(xs: readonly Vec[]): Vec;
  /** Σ wᵢxᵢ / Σ wᵢ (uniform without weights), accumulated in float64 in the order given. */
  mean(xs: readonly Vec[], weights?: readonly number[]): Vec;
}

/** How `apply` takes a step. */
export interface ApplyOptions {
  /** Learning rate; default `lr(opt.steps)` (or the spec's own `lr` for an optimizer made from one). */
  readonly lr?: number;
  /** Multiplies the learning rate (e.g. 1/τ for the staleness-aware rate). Default 1. */
  readonly lrScale?: number;
  /** Steps only this range (a parameter-server shard); the rest is copied unchanged. */
  readonly range?: ParamRange;
}

/** The math the schedules drive. */
export interface Trainer {
  /** False for the timing-only null trainer. */
  readonly full: boolean;
  /** Parameters of the trained model (0 in timing-only mode). */
  readonly paramCount: number;
  /** The trained model's tensors, in storage order (empty in timing-only mode). */
  readonly layout: readonly TensorSlot[];
  /** Element-wise vector math. */
  readonly math: ParamMath;
  /** Data shards the training set is split into (keys 0 .. dataKeys − 1). */
  readonly dataKeys: number;
  /** Samples in shard `key` (NaN when unknown in timing-only mode). */
  shardSize(key: DataKey): number;
  /** Training-set size, for epoch accounting (NaN when unknown in timing-only mode). */
  trainSize(): number;
  /** The initial parameters, version 0. */
  initial(): ParamSnapshot;
  /** Requests the gradient of shard `key`'s next batch at `snapshot` (draws the batch now). */
  gradient(snapshot: ParamSnapshot, key: DataKey): GradientRef;
  /** Requests the mean gradient of the shards' next batches at one snapshot, as one merged pass. */
  meanGradient(snapshot: ParamSnapshot, keys: readonly DataKey[]): GradientRef;
  /** A fresh optimizer state: the scenario's optimizer, or the one `spec` names. */
  optimizer(spec?: OptimizerSpec): OptimizerState;
  /** Learning rate of the scenario's schedule at optimizer step `step` (0-based). */
  lr(step: number): number;
  /**
   * A new snapshot with version `version`: `snapshot` stepped by `opt` along `grad` (a gradient
   * handle, or any vector: a pseudo-gradient, a compensated or compressed gradient).
   */
  apply(
    opt: OptimizerState,
    snapshot: ParamSnapshot,
    grad: GradientRef | Vec,
    version: number,
    o?: ApplyOptions,
  ): ParamSnapshot;
  /** A snapshot that owns `params` (the caller must not write into it afterwards). */
  snapshot(params: Vec, version: number): ParamSnapshot;
  /** One snapshot made of ranges of others (sharded servers, torn reads); ranges must tile [0, P). */
  compose(
    parts: readonly { readonly snapshot: ParamSnapshot; readonly range: ParamRange }[],
    version: number,
  ): ParamSnapshot;
  /** The (weighted) element-wise mean of the snapshots, rank order, float64 sums, as version `version`. */
  average(snapshots: readonly ParamSnapshot[], version: number, weights?: readonly number[]): ParamSnapshot;
  /** Test loss, accuracy and distinct classes predicted for `snapshot`, or null in timing-only mode. */
  evaluate(snapshot: ParamSnapshot): TrainerEval | null;
  /**
   * The model cut into pipeline stages: `stages` stages (layers spread evenly, earlier stages taking
   * the extra) or the given layers per stage. Never null: timing-only mode gives empty stages.
   * @throws RangeError for a bad count, or (full mode) a model that is not a dense stack or has fewer
   *   layers than stages.
   */
  staged(stages: number | readonly number[]): StagedTrainer;
}
