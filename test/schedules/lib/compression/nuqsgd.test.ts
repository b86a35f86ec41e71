import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.ts';
import { NUQSGD, nuqsgd } from '../../../../src/schedules/lib/compression/nuqsgd.ts';
import { levelAbove, levelBelow, levelSet } from '../../../../src/schedules/lib/compression/stochastic-levels.ts';
import { sq } from './helpers.ts';

describe('NUQSGD', () => {
  it('brackets |v|/‖v‖ between adjacent levels of {0, 2^-s, …, 1/2, 1}', () => {
    const set = levelSet('exponential', 3);
    const at = (r: number): number[] => [levelBelow(set, r), levelAbove(set, levelBelow(set, r))];
    expect(at(0)).toEqual([0, 0.125]);
    expect(at(0.1)).toEqual([0, 0.125]);
    expect(at(0.125)).toEqual([0.125, 0.25]);
    expect(at(0.3)).toEqual([0.25, 0.5]);
    expect(at(0.5)).toEqual([0.5, 1]);
    expect(at(0.99)).toEqual([0.5, 1]);
    expect(at(1)).toEqual([1, 1]);
    // QSGD's uniform set, for comparison: s = 4 → {0, 1/4, 1/2, 3/4, 1}.
    const u = levelSet('uniform', 4);
    expect([levelBelow(u, 0.3), levelAbove(u, levelBelow(u, 0.3)), levelBelow(u, 1)]).toEqual([0.25, 0.5, 1]);
  });

  it('sends values only at those levels (times the bucket norm)', () => {
    const c = nuqsgd(3, 512);
    const v = Float32Array.from([0.3, -0.01, 0.9, 0.2, 0]);
    const norm = Math.fround(Math.sqrt(sq(v)));
    const q = c.compress({ index: 0, rows: 1, cols: 5, inputs: [v], rng: new Rng(2) }).mean;
    const levels = [0, 0.125, 0.25, 0.5, 1];
    q.forEach((x) => expect(levels.some((l) => Math.abs(Math.abs(x) - Math.fround(l * norm)) < 1e-6)).toBe(true));
  });

  it('is unbiased: the mean of many draws approaches v (fast-check over vectors)', () => {
    // A value rounds between adjacent levels a < b with b − a ≤ 1/2 (the widest gap, 1/2 to 1), so its
    // variance is ≤ ‖v‖²·(1/2)²/4 = ‖v‖²/16 and the mean of M draws has sd ≤ ‖v‖/(4√M); 6 of those
    // bound every value (seeded streams: repeatable).
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 1e6 }),
        (xs, s, seed) => {
          const v = Float32Array.from(xs);
          const c = nuqsgd(s, 512);
          const draws = 400;
          const sum = new Float64Array(v.length);
          for (let d = 0; d < draws; d++) {
            const rng = new Rng(`${seed}/${d}`);
            c.compress({ index: 0, rows: 1, cols: v.length, inputs: [v], rng }).mean.forEach((x, i) => (sum[i]! += x));
          }
          const norm = Math.sqrt(sq(v));
          const tol = (6 * norm) / (4 * Math.sqrt(draws)) + 1e-6 * norm;
          v.forEach((x, i) => expect(Math.abs(sum[i]! / draws - x)).toBeLessThanOrEqual(tol));
        },
      ),
      { numRuns: 40, seed: 23 },
    );
  });

  it('sends per bucket one float32 norm and per value ceil(log2(2s + 3)) bits', () => {
    // s = 6 (default): 15 codes in 4 bits, the budget of QSGD's default.
    expect(nuqsgd(6, 512).wireBytes(1, 1000, 4)).toBe(8 + 500);
    expect(nuqsgd(7, 512).wireBytes(1, 8, 4)).toBe(4 + 5); // 17 codes in 5 bits
    expect(Object.fromEntries(Object.entries(NUQSGD.options).map(([k, o]) => [k, o.default]))).toEqual({
      levels: 6,
      bucket: 512,
      errorFeedback: false,
    });
  });
});
