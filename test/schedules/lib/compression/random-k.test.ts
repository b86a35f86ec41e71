import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.ts';
import { RANDOM_K, randomK, randomSupport } from '../../../../src/schedules/lib/compression/random-k.ts';
import { compressOne, normalVec } from './helpers.ts';

describe('random-k', () => {
  it('draws k distinct sorted indices, the same for every worker of a step', () => {
    const idx = randomSupport(100, 10, new Rng(4));
    expect(idx.length).toBe(10);
    for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
    const out = compressOne(randomK(0.1), 1, 50, [normalVec(50, 'a'), normalVec(50, 'b')], 9);
    const support = (d: Float32Array): number[] => [...d.keys()].filter((i) => d[i] !== 0);
    expect(support(out.decoded[0]!)).toEqual(support(out.decoded[1]!));
    expect(support(out.decoded[0]!)).toHaveLength(5);
  });

  it('sends k values and no indices, all-reduced', () => {
    const c = randomK(0.01);
    expect(c.wireBytes(1, 1000, 4)).toBe(40);
    expect(c.collective).toBe('all-reduce');
  });

  it('with scale n/k is unbiased (fast-check over vectors)', () => {
    // Each index is kept with probability k/n (a uniform k-subset) and then worth (n/k)·x, so E = x and
    // the variance is x²·(n/k − 1); the mean of M draws has sd |x|·√((n/k − 1)/M); 6 of those bound it.
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 20 }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (xs, ratio, seed) => {
          const v = Float32Array.from(xs);
          const c = randomK(ratio, true, false);
          const n = v.length;
          const k = Math.min(n, Math.max(1, Math.ceil(ratio * n)));
          const draws = 600;
          const sum = new Float64Array(n);
          for (let d = 0; d < draws; d++)
            compressOne(c, 1, n, [v], `${seed}/${d}`).mean.forEach((x, i) => (sum[i]! += x));
          v.forEach((x, i) => {
            // Plus float32 rounding of (n/k)·x: relative 2^-24, or the subnormal step 2^-149 near zero.
            const tol = 6 * Math.abs(x) * Math.sqrt((n / k - 1) / draws) + 1e-5 * Math.abs(x) + 2 ** -140;
            expect(Math.abs(sum[i]! / draws - x)).toBeLessThanOrEqual(tol);
          });
        },
      ),
      { numRuns: 30, seed: 31 },
    );
  });

  it('registers unscaled with error feedback by default', () => {
    const o = Object.fromEntries(Object.entries(RANDOM_K.options).map(([k, s]) => [k, s.default]));
    expect(o).toEqual({ ratio: 0.01, scale: false, errorFeedback: true });
    expect(RANDOM_K.create(o).label).toBe('random-k 1%');
  });
});
