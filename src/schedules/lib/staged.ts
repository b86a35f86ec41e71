/**
 * Staged math as a pipeline schedule sees it (spec/algorithms.md §14–19, reviews/schedule-api.md
 * §4.4): the model cut into S stages, each with its own parameter snapshot, and micro-batches pushed
 * through them one stage at a time. A stage's backward pass may use weights W_b other than the W_f
 * its forward pass used (PipeDream without stashing, §0.3); with W_b = W_f everywhere the per-stage
 * gradients joined are the whole-model gradient.
 *
 * Like `Trainer`, one code path serves both modes: in timing-only mode every activation is the shared
 * `EMPTY_ACT` and every gradient `EMPTY_GRAD`, so a schedule never tests for null.
 */
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ApplyOptions, DataKey, GradientRef, OptimizerState, Vec } from './trainer.ts';

/** Activations (or an activation gradient) of one micro-batch at a stage boundary; computed lazily. */
export interface ActRef {
  /** Rows (samples) of the micro-batch; 0 in timing-only mode. */
  readonly rows: number;
  /** The values, row-major rows × width (empty in timing-only mode); the first read computes them. */
  value(): Float32Array;
}

/** What a stage's backward pass returns. */
export interface StagedBackward {
  /** ∂L/∂(stage input) for the previous stage's backward; `EMPTY_ACT` for stage 0, which has none. */
  readonly dIn: ActRef;
  /**
   * ∂L/∂(stage weights) of the micro-batch's mean loss, flat in the stage's layout, with that loss
   * (the loss is the same for every stage of one micro-batch: it comes down from the last stage).
   */
  readonly grad: GradientRef;
}

/** The model cut into stages, with per-stage snapshots and micro-batch passes. */
export interface StagedTrainer {
  /** Number of stages S. */
  readonly stages: number;
  /** Parameters of each stage (all 0 in timing-only mode). */
  readonly stageParamCounts: readonly number[];
  /** Per-stage snapshots of `snapshot`, each carrying `snapshot.version` (stages then version apart). */
  split(snapshot: ParamSnapshot): readonly ParamSnapshot[];
  /** The whole-model snapshot made of one snapshot per stage, as version `version`. */
  join(parts: readonly ParamSnapshot[], version: number): ParamSnapshot;
  /** Draws the next `rows` samples of data shard `key` as a micro-batch (drawn now, like `gradient`). */
  input(key: DataKey, rows: number): ActRef;
  /** Stage `stage`'s forward pass of `x` (stage 0: an `input`; else the previous stage's output) at `wF`. */
  forward(stage: number, wF: ParamSnapshot, x: ActRef): ActRef;
  /**
   * Stage `stage`'s backward pass for `y` (what `forward(stage, …)` returned) at backward-time
   * weights `wB`: `dOut` is the next stage's `dIn`, or null for the last stage (the loss gradient).
   */
  backward(stage: number, wB: ParamSnapshot, y: ActRef, dOut: ActRef | null): StagedBackward;
  /**
   * Stage `stage`'s weights `w` stepped by `opt` (a `Trainer.optimizer()`, one per stage: its state
   * sizes itself to the stage) along `grad`, in the stage's layout, as version `version`. The learning
   * rate is as `Trainer.apply`'s: `lr(opt.steps)` × `lrScale` unless `lr` is given.
   * @throws RangeError when `w` or `grad` is not the stage's size; TypeError for another trainer's state.
   */
  apply(
    opt: OptimizerState,
    stage: number,
    w: ParamSnapshot,
    grad: Vec,
    version: number,
    o?: Omit<ApplyOptions, 'range'>,
  ): ParamSnapshot;
  /**
   * A snapshot of stage `stage` that owns `params` (PipeMare's corrected and Pipelined Backprop's
   * predicted weights). @throws RangeError when `params` is not the stage's size.
   */
  snapshot(stage: number, params: Vec, version: number): ParamSnapshot;
}

/** The activations of timing-only mode: no rows, the shared empty vector. */
export const EMPTY_ACT: ActRef = Object.freeze({ rows: 0, value: () => EMPTY_F32 });
const EMPTY_F32 = new Float32Array(0);
