import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MaxMinSolver } from '../../src/network/max-min.ts';

function solve(capacity: number[], paths: number[][]): number[] {
  const rates = new Float64Array(paths.length);
  new MaxMinSolver(Float64Array.from(capacity)).solve(Int32Array.from(paths.keys()), paths.length, paths, rates);
  return Array.from(rates);
}

describe('MaxMinSolver', () => {
  it('splits one link evenly', () => {
    expect(solve([10], [[0], [0]])).toEqual([5, 5]);
  });

  it('matches the hand-computed allocation of the three-link line', () => {
    // Links L0 = 1, L1 = 2, L2 = 3. f0 crosses all three; f1 uses L0; f2 and f4 use L1; f3 uses L2.
    // Round 1: shares L0 1/2, L1 2/3, L2 3/2 → L0 is the bottleneck: f0 = f1 = 0.5.
    // Round 2: L1 (2 − 0.5)/2 = 0.75, L2 (3 − 0.5)/1 = 2.5 → f2 = f4 = 0.75. Round 3: f3 = 2.5.
    const r = solve([1, 2, 3], [[0, 1, 2], [0], [1], [2], [1]]);
    [0.5, 0.5, 0.75, 2.5, 0.75].forEach((x, i) => expect(r[i]).toBeCloseTo(x, 12));
  });

  it('never overfills a link, and gives every flow a saturated link on which it is among the largest', () => {
    // The defining property of max-min fairness (Bertsekas & Gallager, §6.5.2): each flow has a
    // bottleneck link that is full and on which no other flow gets more.
    const arb = fc.record({
      caps: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
      raw: fc.array(fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
    });
    fc.assert(
      fc.property(arb, ({ caps, raw }) => {
        const paths = raw.map((p) => p.map((l) => l % caps.length)).map((p) => [...new Set(p)]);
        const r = solve(caps, paths);
        const load = caps.map((_, l) => paths.reduce((s, p, f) => s + (p.includes(l) ? r[f]! : 0), 0));
        load.forEach((x, l) => expect(x).toBeLessThanOrEqual(caps[l]! * (1 + 1e-9)));
        paths.forEach((p, f) => {
          expect(r[f]).toBeGreaterThan(0);
          const bottleneck = p.some(
            (l) =>
              load[l]! >= caps[l]! * (1 - 1e-9) && paths.every((q, g) => !q.includes(l) || r[g]! <= r[f]! * (1 + 1e-9)),
          );
          expect(bottleneck).toBe(true);
        });
      }),
      { seed: 21 },
    );
  });
});
