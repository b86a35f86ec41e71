import { describe, expect, it } from 'vitest';
import { BaseOptimizer, checkHyper } from '../../../src/training/optimizers/optimizer.ts';

// A minimal subclass: p ← p − lr·t·g, one state slot counting calls, to test the shared bookkeeping.
class Probe extends BaseOptimizer {
  readonly name = 'probe';
  readonly stateSlots = 1;
  protected fresh(): Probe {
    return new Probe();
  }
  protected update(p: Float32Array, g: Float32Array, lr: number, t: number): void {
    for (let i = 0; i < p.length; i++) {
      this.state[0]![i]! += 1;
      p[i] = p[i]! - lr * t * g[i]!;
    }
  }
}

describe('BaseOptimizer', () => {
  it('numbers steps from 1, allocates state lazily and returns a fresh array', () => {
    const o = new Probe();
    const p0 = Float32Array.of(1);
    const p1 = o.step(p0, Float32Array.of(1), 0.5); // t = 1: 1 − 0.5
    const p2 = o.step(p1, Float32Array.of(1), 0.5); // t = 2: 0.5 − 1
    expect([p0[0], p1[0], p2[0], o.steps]).toEqual([1, 0.5, -0.5, 2]);
  });

  it('clones deeply: the copy evolves independently', () => {
    const o = new Probe();
    o.step(Float32Array.of(0), Float32Array.of(0), 1);
    const c = o.clone();
    c.step(Float32Array.of(0), Float32Array.of(0), 1);
    expect([o.steps, c.steps]).toEqual([1, 2]);
  });

  it('checkHyper accepts [lo, hi) and rejects the rest', () => {
    expect(checkHyper('x', 0, 0, 1)).toBe(0);
    expect(() => checkHyper('x', 1, 0, 1)).toThrow(/x must be in \[0, 1\), got 1/);
    expect(() => checkHyper('x', NaN, 0)).toThrow(RangeError);
  });
});
