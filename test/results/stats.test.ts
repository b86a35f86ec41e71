import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleStats, tQuantile975 } from '../../src/results/stats.ts';

describe('tQuantile975', () => {
  it('matches the textbook 0.975 quantiles of Student t', () => {
    // Three-decimal values from any t table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
    const known: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [4, 2.776],
      [9, 2.262],
      [29, 2.045],
      [Infinity, 1.96],
    ];
    for (const [dof, t] of known) expect(tQuantile975(dof)).toBeCloseTo(t, 3);
  });

  it('continues the table smoothly past 30 degrees of freedom (scipy.stats.t.ppf(0.975, ν))', () => {
    expect(tQuantile975(30)).toBeCloseTo(2.0422724563, 9);
    expect(tQuantile975(31)).toBeCloseTo(2.0395134464, 6);
    expect(tQuantile975(40)).toBeCloseTo(2.0210753903, 6);
    expect(tQuantile975(60)).toBeCloseTo(2.000297822, 7);
    expect(tQuantile975(120)).toBeCloseTo(1.9799304051, 8);
    expect(tQuantile975(1000)).toBeCloseTo(1.9623390808, 9);
  });

  it('decreases with the degrees of freedom toward z = 1.95996', () => {
    for (let v = 1; v < 400; v++) expect(tQuantile975(v + 1)).toBeLessThan(tQuantile975(v));
    expect(tQuantile975(1e9)).toBeCloseTo(1.959963985, 8);
  });

  it('refuses degrees of freedom that are not whole numbers >= 1', () => {
    expect(() => tQuantile975(0)).toThrow(RangeError);
    expect(() => tQuantile975(2.5)).toThrow(/integer >= 1/);
  });
});

describe('sampleStats', () => {
  it('computes mean, n-1 standard deviation and the t-interval of a hand-worked sample', () => {
    // [1, 2, 3]: mean 2; squared deviations 1 + 0 + 1 = 2; std = sqrt(2 / 2) = 1;
    // half-width = t(2) · 1 / sqrt(3) = 4.302652730 / 1.732050808 = 2.484138
    const s = sampleStats([1, 2, 3]);
    expect(s.n).toBe(3);
    expect(s.mean).toBe(2);
    expect(s.std).toBe(1);
    expect(s.halfWidth).toBeCloseTo(2.484138, 6);
    expect(s.low).toBeCloseTo(2 - 2.484138, 6);
    expect(s.high).toBeCloseTo(2 + 2.484138, 6);
  });

  it('works a second example with eight values', () => {
    // [2, 4, 4, 4, 5, 5, 7, 9]: mean 40 / 8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32;
    // std = sqrt(32 / 7) = 2.138090; half-width = t(7) · std / sqrt(8) = 2.364624 · 0.755929 = 1.787488
    const s = sampleStats([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).toBe(5);
    expect(s.std).toBeCloseTo(2.13809, 5);
    expect(s.halfWidth).toBeCloseTo(1.787488, 5);
  });

  it('leaves out missing and non-finite values and counts only those it used', () => {
    const s = sampleStats([1, undefined, NaN, 3, Infinity]);
    expect(s.n).toBe(2);
    expect(s.mean).toBe(2);
    // [1, 3]: std = sqrt(2 / 1); half-width = t(1) · sqrt(2) / sqrt(2) = 12.706205
    expect(s.halfWidth).toBeCloseTo(12.706205, 5);
    expect(sampleStats([4])).toEqual({
      n: 1,
      mean: 4,
      std: undefined,
      halfWidth: undefined,
      low: undefined,
      high: undefined,
    });
    expect(sampleStats([undefined]).n).toBe(0);
    expect(sampleStats([undefined]).mean).toBeUndefined();
  });

  it('gives an interval that holds the mean and narrows as seeds are added at a fixed spread', () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(fc.array(finite, { minLength: 2, maxLength: 50 }), (xs) => {
        const s = sampleStats(xs);
        expect(s.n).toBe(xs.length);
        expect(s.low!).toBeLessThanOrEqual(s.mean!);
        expect(s.high!).toBeGreaterThanOrEqual(s.mean!);
        expect(s.std!).toBeGreaterThanOrEqual(0);
        expect(Math.min(...xs)).toBeLessThanOrEqual(s.mean! + 1e-9 * Math.max(1, Math.abs(s.mean!)));
        expect(Math.max(...xs)).toBeGreaterThanOrEqual(s.mean! - 1e-9 * Math.max(1, Math.abs(s.mean!)));
      }),
    );
    // The same two values repeated k times: the spread stays put (std → |a−b|/2), the interval narrows.
    fc.assert(
      fc.property(
        finite,
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        (a, d, k) => {
          const sample = (m: number): number[] => Array.from({ length: 2 * m }, (_, i) => (i % 2 === 0 ? a : a + d));
          expect(sampleStats(sample(k + 1)).halfWidth!).toBeLessThan(sampleStats(sample(k)).halfWidth!);
        },
      ),
    );
  });
});
