import { describe, expect, it } from 'vitest';
import { constantLr, cosineLr, stepLr, withWarmup } from '../../../src/training/optimizers/lr-schedules.ts';

describe('learning-rate schedules', () => {
  it('constant', () => {
    expect([0, 7, 1e6].map(constantLr(0.3))).toEqual([0.3, 0.3, 0.3]);
    expect(() => constantLr(0.3)(-1)).toThrow(RangeError);
  });

  it('step: lr·γ^⌊t/k⌋ (k = 10, γ = 0.5)', () => {
    expect([0, 9, 10, 19, 20, 25].map(stepLr(1, 10, 0.5))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(() => stepLr(1, 0, 0.5)).toThrow(RangeError);
  });

  it('cosine: lr at 0, the midpoint at T/2, the floor from T on', () => {
    // lr 1, floor 0.1, T 100: t = 25 → 0.1 + 0.9·(1 + cos(π/4))/2 = 0.1 + 0.45·1.7071068 = 0.8681981.
    const s = cosineLr(1, 100, 0.1);
    expect(s(0)).toBe(1);
    expect(s(25)).toBeCloseTo(0.8681981, 6);
    expect(s(50)).toBeCloseTo(0.55, 12);
    expect(s(100)).toBeCloseTo(0.1, 12);
    expect(s(150)).toBeCloseTo(0.1, 12);
    expect(() => cosineLr(1, 100, 2)).toThrow(/floor/);
  });

  it('linear warm-up multiplies onto any schedule: (t+1)/W for t < W', () => {
    const w = withWarmup(constantLr(1), 4);
    expect([0, 1, 2, 3, 4, 100].map(w)).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    // Composed with step decay (k = 2, γ 0.1): milestones count from step 0, warm-up included.
    const ws = withWarmup(stepLr(1, 2, 0.1), 4);
    expect(ws(1)).toBeCloseTo(0.5, 12);
    expect(ws(2)).toBeCloseTo(0.1 * 0.75, 12);
    expect(ws(4)).toBeCloseTo(0.01, 12);
    expect(withWarmup(constantLr(2), 0)(0)).toBe(2);
  });
});
