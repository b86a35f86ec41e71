/**
 * The optimizer contract: a small stateful object that turns (params, grad, lr) into new params on flat
 * `Float32Array`s. `step` returns a NEW array and never writes its inputs, because parameter snapshots
 * are immutable and versioned (design.md §3); `stepInPlace` is the explicit opt-out for callers that own
 * the buffer. Per-parameter state (momentum, Adam moments) is float32 like PyTorch's and is allocated on
 * the first step. Arithmetic per element is done in double and rounded once on store; loops run in
 * index order, so results are bit-for-bit reproducible.
 */

/** A stateful first-order optimizer over one flat parameter vector. */
export interface Optimizer {
  /** Registry name, e.g. `adamw`. */
  readonly name: string;
  /** Steps taken so far (Adam's t after the step is `steps`). */
  readonly steps: number;
  /** Float32 state vectors per parameter (0 SGD, 1 momentum, 2 Adam), for memory accounting. */
  readonly stateSlots: number;
  /**
   * One update with learning rate `lr`; returns new params and leaves `params` and `grad` untouched.
   * @throws RangeError if lengths differ (from each other or from the state) or lr is not finite >= 0.
   */
  step(params: Float32Array, grad: Float32Array, lr: number): Float32Array<ArrayBuffer>;
  /** The same update written into `params` (which the caller must own). Same throws as `step`. */
  stepInPlace(params: Float32Array, grad: Float32Array, lr: number): void;
  /**
   * The same update of `params` written into `out` (same length; may be `params` itself), in one pass
   * where the optimizer can. Same throws as `step`, and for `out` of another length.
   */
  stepInto(params: Float32Array, out: Float32Array, grad: Float32Array, lr: number): void;
  /** Forgets all state (as if new). */
  reset(): void;
  /** An independent deep copy, state included (e.g. one per worker, or a checkpoint). */
  clone(): Optimizer;
}

/**
 * Shared bookkeeping: validation, step counting, lazy state, copy-then-update for `step`. Subclasses
 * implement `update(p, g, lr, t)` in place, with t the 1-based index of this step.
 */
export abstract class BaseOptimizer implements Optimizer {
  abstract readonly name: string;
  abstract readonly stateSlots: number;
  protected t = 0;
  protected state: Float32Array[] = [];

  get steps(): number {
    return this.t;
  }

  step(params: Float32Array, grad: Float32Array, lr: number): Float32Array<ArrayBuffer> {
    const out = new Float32Array(params.length);
    this.stepInto(params, out, grad, lr);
    return out;
  }

  stepInPlace(params: Float32Array, grad: Float32Array, lr: number): void {
    this.stepInto(params, params, grad, lr);
  }

  stepInto(params: Float32Array, out: Float32Array, grad: Float32Array, lr: number): void {
    if (params.length !== grad.length || out.length !== params.length)
      throw new RangeError(
        `${this.name}: params has ${params.length} values, grad ${grad.length}, output ${out.length}`,
      );
    if (!(lr >= 0) || !Number.isFinite(lr))
      throw new RangeError(`${this.name}: lr must be a finite number >= 0, got ${lr}`);
    if (this.state.length === 0) {
      this.state = Array.from({ length: this.stateSlots }, () => new Float32Array(params.length));
    } else if (this.state[0]!.length !== params.length) {
      throw new RangeError(`${this.name}: state is for ${this.state[0]!.length} params, got ${params.length}`);
    }
    this.t++;
    this.updateInto(params, out, grad, lr, this.t);
  }

  reset(): void {
    this.t = 0;
    this.state = [];
  }

  clone(): Optimizer {
    const c = this.fresh();
    c.t = this.t;
    c.state = this.state.map((s) => s.slice());
    return c;
  }

  /** A new optimizer with the same hyper-parameters and no state. */
  protected abstract fresh(): BaseOptimizer;
  /** The update rule, in place. `t` is 1 on the first step. */
  protected abstract update(p: Float32Array, g: Float32Array, lr: number, t: number): void;

  /** The update rule from `src` into `out` (may be `src`); by default a copy, then `update` in place. */
  protected updateInto(src: Float32Array, out: Float32Array, g: Float32Array, lr: number, t: number): void {
    if (out !== src) out.set(src);
    this.update(out, g, lr, t);
  }
}

/** @throws RangeError unless `x` is finite and in [lo, hi) (hi = Infinity allowed). */
export function checkHyper(name: string, x: number, lo: number, hi = Infinity): number {
  if (!Number.isFinite(x) || x < lo || x >= hi) throw new RangeError(`${name} must be in [${lo}, ${hi}), got ${x}`);
  return x;
}
