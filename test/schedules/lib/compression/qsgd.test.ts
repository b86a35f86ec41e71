import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.ts';
import { QSGD, qsgd, qsgdVarianceBound } from '../../../../src/schedules/lib/compression/qsgd.ts';
import { normalVec, sq } from './helpers.ts';

/** `draws` independent quantisations of `v` (one bucket per `bucket` values), summed and squared-error totals. */
function sample(v: Float32Array, s: number, bucket: number, draws: number, seed: number) {
  const c = qsgd(s, bucket, false);
  const sum = new Float64Array(v.length);
  const errs: number[] = [];
  for (let d = 0; d < draws; d++) {
    const q = c.compress({ index: 0, rows: 1, cols: v.length, inputs: [v], rng: new Rng(`${seed}/${d}`) }).mean;
    q.forEach((x, i) => (sum[i]! += x));
    errs.push(sq(q.map((x, i) => x - v[i]!)));
  }
  return { mean: sum.map((x) => x / draws), errs };
}

describe('QSGD', () => {
  it('F18: the variance factor min(n/s², √n/s) is 316.2, 19.8, ≈1.0 for n = 10⁵ and s = 1, 16, 316', () => {
    expect(qsgdVarianceBound(1e5, 1)).toBeCloseTo(316.23, 2); // √n/s = 316.227…
    expect(qsgdVarianceBound(1e5, 16)).toBeCloseTo(19.76, 2); // √n/s = 19.764…
    expect(qsgdVarianceBound(1e5, 316)).toBeCloseTo(1.0, 2); // n/s² = 1.0014…, √n/s = 1.0007…
    expect(qsgdVarianceBound(100, 100)).toBe(0.01); // n/s² is the smaller one for s > √n
  });

  it('is unbiased: the mean of many draws approaches v (fast-check over vectors)', () => {
    // Each value is ‖v‖·ℓ/s or ‖v‖·(ℓ+1)/s, a two-point law of variance ≤ (‖v‖/s)²/4, so the mean of M
    // draws has standard deviation ≤ ‖v‖/(2s√M) per value; 6 of those bounds every value (a 6σ
    // miss has probability 2e-9 per value; the streams are seeded, so the test is repeatable).
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 30 }),
        (xs, s, seed, bucket) => {
          // Several buckets too: each bucket's norm is at most ‖v‖, so the tolerance below still holds.
          const v = Float32Array.from(xs);
          const draws = 400;
          const { mean } = sample(v, s, bucket, draws, seed);
          const tol = (6 * Math.sqrt(sq(v))) / (2 * s * Math.sqrt(draws)) + 1e-6 * Math.sqrt(sq(v));
          v.forEach((x, i) => expect(Math.abs(mean[i]! - x)).toBeLessThanOrEqual(tol));
        },
      ),
      { numRuns: 40, seed: 17 },
    );
  });

  it('keeps E‖Q(v) − v‖² below min(n/s², √n/s)·‖v‖² (Monte Carlo)', () => {
    // The exact variance is (‖v‖/s)²·Σ p_i(1 − p_i) with p_i = s|v_i|/‖v‖ − ℓ_i; the paper bounds it by
    // the F18 factor. The empirical mean of M squared errors X_d has standard error sd(X)/√M; we
    // check mean − 6·SE ≤ bound (the bound holds for the expectation, so this fails only if the
    // quantiser's variance really exceeds it) and that the empirical mean matches the exact variance.
    for (const [n, s] of [
      [64, 1],
      [64, 2],
      [64, 16],
      [500, 4],
    ] as const) {
      const v = normalVec(n, `v${n}-${s}`);
      const norm = Math.sqrt(sq(v));
      const { errs } = sample(v, s, n, 2000, n + s);
      const m = errs.reduce((a, b) => a + b, 0) / errs.length;
      const sd = Math.sqrt(errs.reduce((a, b) => a + (b - m) ** 2, 0) / (errs.length - 1));
      const se = sd / Math.sqrt(errs.length);
      let exact = 0;
      const nf = Math.fround(norm);
      v.forEach((x) => {
        const u = (s * Math.abs(x)) / nf;
        const p = u - Math.floor(u);
        exact += (nf / s) ** 2 * p * (1 - p);
      });
      expect(exact).toBeLessThanOrEqual(qsgdVarianceBound(n, s) * sq(v));
      expect(m - 6 * se).toBeLessThanOrEqual(qsgdVarianceBound(n, s) * sq(v));
      expect(Math.abs(m - exact)).toBeLessThanOrEqual(6 * se);
    }
  });

  it('sends per bucket one float32 norm and per value ceil(log2(2s + 1)) bits', () => {
    // s = 7: 15 codes in 4 bits. 1,000 values = 2 buckets of 512: 8 + 500 bytes.
    expect(qsgd(7, 512).wireBytes(1, 1000, 4)).toBe(508);
    // s = 16: 33 codes in 6 bits; 10 values: 4 + ceil(60/8) = 12.
    expect(qsgd(16, 512).wireBytes(2, 5, 2)).toBe(12);
    expect(qsgd(1, 512).wireBytes(1, 8, 4)).toBe(4 + 2); // 3 codes in 2 bits
    expect(qsgd(7, 512).collective).toBe('all-gather');
  });

  it('quantises an all-zero bucket to zeros and a one-hot bucket exactly', () => {
    const c = QSGD.create({ levels: 7, bucket: 4, errorFeedback: false });
    const v = Float32Array.from([0, 0, 0, 0, 0, -3, 0, 0]);
    expect([...c.compress({ index: 0, rows: 1, cols: 8, inputs: [v], rng: new Rng(1) }).mean]).toEqual([...v]);
  });
});
