/**
 * The timing-only trainer: every vector is the shared empty vector and every gradient the shared
 * `EMPTY_GRAD`, so a schedule runs its one code path (vector math, optimizer steps, averaging) at no
 * cost. Timing-only runs go to tens of thousands of GPUs, so no call allocates anything but the
 * snapshot object it returns.
 */
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import { optimizerFromSpec } from './optimizer-spec.ts';
import { NullStagedTrainer } from './null-staged.ts';
import { PARAM_MATH } from './param-math.ts';
import {
  EMPTY_GRAD,
  EMPTY_VEC,
  type GradientRef,
  type OptimizerSpec,
  type OptimizerState,
  type ParamMath,
  type TensorSlot,
  type Trainer,
} from './trainer.ts';

/** An optimizer state that only counts its steps (the learning-rate step stays meaningful). */
export class NullOptimizerState implements OptimizerState {
  /** Steps applied through `NullTrainer.apply`. */
  steps = 0;

  /** @param stateSlots the state vectors the real optimizer would keep (memory accounting). */
  constructor(readonly stateSlots: number) {}

  clone(): NullOptimizerState {
    const c = new NullOptimizerState(this.stateSlots);
    c.steps = this.steps;
    return c;
  }

  reset(): void {
    this.steps = 0;
  }
}

/** Timing-only: snapshots are empty vectors with a version; nothing is computed. */
export class NullTrainer implements Trainer {
  readonly full = false;
  readonly paramCount = 0;
  readonly layout: readonly TensorSlot[] = Object.freeze([]);
  readonly math: ParamMath = PARAM_MATH;
  // Slots per spec object: a schedule asks for one outer state per replica, with one spec.
  private readonly slots = new WeakMap<OptimizerSpec, number>();

  /**
   * @param size training-set size for epoch accounting (NaN when unknown: epochs cannot stop the run).
   * @param dataKeys data shards the schedule may name (not checked: no data is drawn).
   */
  constructor(
    private readonly size: number,
    readonly dataKeys = 1,
  ) {}

  shardSize(): number {
    return NaN;
  }

  trainSize(): number {
    return this.size;
  }

  initial(): ParamSnapshot {
    return { version: 0, params: EMPTY_VEC };
  }

  gradient(): GradientRef {
    return EMPTY_GRAD;
  }

  meanGradient(): GradientRef {
    return EMPTY_GRAD;
  }

  /**
   * A step-counting state. Without a spec the scenario's optimizer is unknown here, so `stateSlots`
   * is 0; a spec is resolved through the registry (which also rejects a bad one, as full mode would).
   */
  optimizer(spec?: OptimizerSpec): NullOptimizerState {
    if (spec === undefined) return new NullOptimizerState(0);
    let slots = this.slots.get(spec);
    if (slots === undefined) {
      slots = optimizerFromSpec(spec).optimizer.stateSlots;
      this.slots.set(spec, slots);
    }
    return new NullOptimizerState(slots);
  }

  lr(): number {
    return 0;
  }

  /** @throws TypeError if `opt` was not made by a `NullTrainer`. */
  apply(opt: OptimizerState, _snapshot: ParamSnapshot, _grad: unknown, version: number): ParamSnapshot {
    if (!(opt instanceof NullOptimizerState)) {
      throw new TypeError('NullTrainer.apply: an optimizer state of another trainer');
    }
    opt.steps++;
    return { version, params: EMPTY_VEC };
  }

  snapshot(_params: unknown, version: number): ParamSnapshot {
    return { version, params: EMPTY_VEC };
  }

  compose(_parts: unknown, version: number): ParamSnapshot {
    return { version, params: EMPTY_VEC };
  }

  average(_snapshots: unknown, version: number): ParamSnapshot {
    return { version, params: EMPTY_VEC };
  }

  evaluate(): null {
    return null;
  }

  /** @throws RangeError for a count that is not a positive integer, or a bad list. */
  staged(stages: number | readonly number[]): NullStagedTrainer {
    return new NullStagedTrainer(stages);
  }
}
