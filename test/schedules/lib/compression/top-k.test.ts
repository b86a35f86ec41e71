import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.ts';
import { CompressionState } from '../../../../src/schedules/lib/compression/driver.ts';
import { kthLargest, topKIndices } from '../../../../src/schedules/lib/compression/select.ts';
import { TOP_K, topK } from '../../../../src/schedules/lib/compression/top-k.ts';
import { PARAM_MATH } from '../../../../src/schedules/lib/param-math.ts';
import { compressOne, normalVec } from './helpers.ts';

describe('top-k', () => {
  it('F19: with 32-bit indices and values the byte ratio is P/(2k): k/P = 0.1% → 500×', () => {
    const c = topK(0.001);
    const p = 1_000_000; // k = 1,000 pairs of (int32, fp32) = 8,000 bytes vs 4,000,000
    expect((p * 4) / c.wireBytes(1, p, 4)).toBe(500);
    expect(c.wireBytes(1000, 1000, 4)).toBe(8000);
    expect(c.collective).toBe('all-gather');
  });

  it('keeps k = max(1, ceil(ratio·n)) values: at least one, and 0.1·30 is exactly 3', () => {
    expect(topK(0.01).wireBytes(1, 10, 4)).toBe(8);
    expect(topK(0.1).wireBytes(1, 30, 2)).toBe(3 * 6);
  });

  it('selects the k largest magnitudes, ties by lower index, in index order', () => {
    const x = Float32Array.from([1, -3, 2, -2, 3, 0, 2]);
    expect([...topKIndices(x, 3)]).toEqual([1, 2, 4]);
    expect([...topKIndices(x, 4)]).toEqual([1, 2, 3, 4]);
    expect([...topKIndices(x, 7)]).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('quickselect agrees with sorting on random inputs with many ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), fc.nat(), (xs, kk) => {
        const k = 1 + (kk % xs.length);
        const sorted = [...xs].sort((a, b) => b - a);
        expect(kthLargest(Float64Array.from(xs), k)).toBe(sorted[k - 1]);
        const idx = [...topKIndices(Float32Array.from(xs), k)];
        const expected = xs
          .map((v, i) => [Math.abs(v), i] as const)
          .sort((a, b) => b[0] - a[0] || a[1] - b[1])
          .slice(0, k)
          .map(([, i]) => i)
          .sort((a, b) => a - b);
        expect(idx).toEqual(expected);
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('with k = P and error feedback equals the exact mean bit for bit, step after step', () => {
    // k = P sends every value, so decoded = acc = 0 + g exactly and every residual stays 0; the mean is
    // taken with PARAM_MATH.mean's arithmetic (float64 sums in rank order, one float32 rounding).
    const layout = [
      { shape: [6, 5], offset: 0, size: 30 },
      { shape: [5], offset: 30, size: 5 },
    ];
    const state = new CompressionState(() => topK(1), layout, new Rng(3));
    for (let step = 0; step < 3; step++) {
      const grads = [0, 1, 2, 3].map((w) => normalVec(35, `g-${step}-${w}`));
      expect(state.mean(grads, [0, 1, 2, 3], step)).toEqual(PARAM_MATH.mean(grads));
      expect(state.residualNorm(2)).toBe(0);
    }
  });

  it('error feedback carries the mass: applied sums plus flushed residuals equal the inputs over steps', () => {
    // Per worker w: e_T = Σ_t g_t,w − Σ_t decoded_t,w (telescoping e_t = e_{t−1} + g_t − decoded_t; the
    // subtraction is exact because decoded is acc or 0 per value). A last step with zero gradients and
    // k = P applies Σ_w e_w / N, so N·(Σ_t mean_t + flush) = Σ_t Σ_w g_t,w up to float32 roundings of
    // acc and of each mean (relative 2^-24 each, far below the 1e-4 checked).
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 4 }), (seed, workers) => {
        const n = 40;
        let c = topK(0.1);
        const ids = Array.from({ length: workers }, (_, w) => 10 + w);
        const state = new CompressionState(() => c, [{ shape: [n], offset: 0, size: n }], new Rng(seed));
        const inputSum = new Float64Array(n);
        const applied = new Float64Array(n);
        for (let step = 0; step < 5; step++) {
          const grads = ids.map((w) => normalVec(n, `${seed}-${step}-${w}`));
          for (const g of grads) g.forEach((v, i) => (inputSum[i]! += v));
          state.mean(grads, ids, step).forEach((v, i) => (applied[i]! += workers * v));
        }
        c = topK(1);
        const zeros = ids.map(() => new Float32Array(n));
        state.mean(zeros, ids, 5).forEach((v, i) => (applied[i]! += workers * v));
        for (let i = 0; i < n; i++) expect(Math.abs(applied[i]! - inputSum[i]!)).toBeLessThan(1e-4);
        for (const w of ids) expect(state.residualNorm(w)).toBe(0);
      }),
      { numRuns: 25, seed: 9 },
    );
  });

  it('error feedback: one worker, the residual is exactly what has not been applied yet', () => {
    // With one worker, applied_t = decoded_t, so Σ g − Σ applied = e_T elementwise; flushing e_T with a
    // zero gradient under k = P then returns exactly the missing mass.
    const n = 25;
    let ef = topK(0.08);
    const state = new CompressionState(() => ef, [{ shape: [5, 5], offset: 0, size: n }], new Rng(1));
    const inputSum = new Float64Array(n);
    const applied = new Float64Array(n);
    for (let step = 0; step < 6; step++) {
      const g = normalVec(n, `one-${step}`);
      g.forEach((v, i) => (inputSum[i]! += v));
      state.one(g, 7, step).forEach((v, i) => (applied[i]! += v));
    }
    expect(state.residualNorm(7)).toBeGreaterThan(0);
    ef = topK(1);
    state.one(new Float32Array(n), 7, 6).forEach((v, i) => (applied[i]! += v));
    for (let i = 0; i < n; i++) expect(applied[i]).toBeCloseTo(inputSum[i]!, 5);
    expect(state.residualNorm(7)).toBe(0);
  });

  it('registers with ratio 0.01 and error feedback by default', () => {
    const c = TOP_K.create({ ratio: 0.01, errorFeedback: true });
    expect(TOP_K.options['ratio']!.default).toBe(0.01);
    expect(c.errorFeedback).toBe(true);
    expect(c.label).toBe('top-k 1%');
    const out = compressOne(c, 1, 3, [Float32Array.from([1, -5, 2])]);
    expect([...out.mean]).toEqual([0, -5, 0]);
  });
});
