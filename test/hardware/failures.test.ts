import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/core/rng.ts';
import { FailureModel } from '../../src/hardware/failures.ts';

describe('FailureModel', () => {
  it('draws up-times with mean MTBF', () => {
    // Up-times are Exp(1/MTBF): with ~10,000 of them the standard error of the mean is MTBF/100,
    // so 4 % is 4 standard errors.
    const m = new FailureModel(1, { mtbfS: 100, restartDelayS: 10 }, new Rng(5));
    const fs = m.failuresOf(0, 1_100_000);
    const up = fs.map((f, i) => f.atS - (i === 0 ? 0 : fs[i - 1]!.restartAtS));
    const meanUp = up.reduce((a, b) => a + b, 0) / up.length;
    expect(fs.length).toBeGreaterThan(9000);
    expect(Math.abs(meanUp - 100) / 100).toBeLessThan(0.04);
    expect(fs.every((f) => Math.abs(f.restartAtS - f.atS - 10) < 1e-6)).toBe(true);
  });

  it('lists all workers sorted by time then worker, at the renewal rate', () => {
    // 50 workers × 10,000 s / (MTBF 200 + 0 delay) ≈ 2,500 failures; sd ≈ 50.
    const m = new FailureModel(50, { mtbfS: 200 }, new Rng(1));
    const fs = m.failuresUntil(10_000);
    expect(Math.abs(fs.length - 2500)).toBeLessThan(250);
    for (let i = 1; i < fs.length; i++) {
      const a = fs[i - 1]!;
      const b = fs[i]!;
      expect(a.atS < b.atS || (a.atS === b.atS && a.worker < b.worker)).toBe(true);
    }
    expect(fs.every((f) => f.atS < 10_000)).toBe(true);
  });

  it('is deterministic across instances and query orders, and prefix-stable (property)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        (seed, h1, h2) => {
          const [lo, hi] = h1 <= h2 ? [h1, h2] : [h2, h1];
          const a = new FailureModel(4, { mtbfS: 300, restartDelayS: 20 }, new Rng(seed));
          const b = new FailureModel(4, { mtbfS: 300, restartDelayS: 20 }, new Rng(seed));
          const big = a.failuresUntil(hi);
          b.isUp(2, hi / 2);
          expect(b.failuresUntil(lo)).toEqual(big.filter((f) => f.atS < lo));
          expect(b.failuresUntil(hi)).toEqual(big);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("keeps each worker's failures when workers are added (property)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 10 }), (seed, n, extra) => {
        const small = new FailureModel(n, { mtbfS: 50, restartDelayS: 5 }, new Rng(seed));
        const large = new FailureModel(n + extra, { mtbfS: 50, restartDelayS: 5 }, new Rng(seed));
        expect(large.failuresUntil(1000).filter((f) => f.worker < n)).toEqual(small.failuresUntil(1000));
      }),
      { numRuns: 50 },
    );
  });

  it('places fixed failures, drops failures while down, and answers isUp and nextFailure', () => {
    const m = new FailureModel(
      3,
      {
        restartDelayS: 30,
        at: [
          { worker: 1, atS: 100 },
          { worker: 1, atS: 120 },
          { worker: 2, atS: 50, restartDelayS: 5 },
        ],
      },
      new Rng(0),
    );
    // The failure at 120 s falls inside [100, 130) and is dropped.
    expect(m.failuresUntil(1000)).toEqual([
      { worker: 2, atS: 50, restartAtS: 55 },
      { worker: 1, atS: 100, restartAtS: 130 },
    ]);
    expect([99.9, 100, 129.9, 130].map((t) => m.isUp(1, t))).toEqual([true, false, false, true]);
    expect(m.isUp(0, 100)).toBe(true);
    expect(m.nextFailure(1, 0)?.atS).toBe(100);
    expect(m.nextFailure(1, 101)).toBeUndefined();
    expect(m.nextFailure(0, 0)).toBeUndefined();
  });

  it('counts two failures at one instant with no restart delay once', () => {
    const m = new FailureModel(
      1,
      {
        at: [
          { worker: 0, atS: 7 },
          { worker: 0, atS: 7 },
        ],
      },
      new Rng(0),
    );
    expect(m.failuresUntil(10)).toEqual([{ worker: 0, atS: 7, restartAtS: 7 }]);
    // Zero down time: the worker is never observed down.
    expect(m.isUp(0, 7)).toBe(true);
  });

  it('finds the next random failure however far it is', () => {
    const m = new FailureModel(2, { mtbfS: 10 }, new Rng(3));
    const f = m.nextFailure(1, 5000)!;
    expect(f.atS).toBeGreaterThanOrEqual(5000);
    const before = m.failuresOf(1, f.atS);
    expect(before.every((g) => g.atS < 5000)).toBe(true);
  });

  it('rejects bad parameters', () => {
    expect(() => new FailureModel(2, { mtbfS: 0 }, new Rng(0))).toThrow(/mtbfS/);
    expect(() => new FailureModel(2, { restartDelayS: -1 }, new Rng(0))).toThrow(/restartDelayS/);
    expect(() => new FailureModel(2, { at: [{ worker: 2, atS: 1 }] }, new Rng(0))).toThrow(
      /failures\.at\[0\]\.worker must be an integer in \[0, 1\]/,
    );
    const m = new FailureModel(2, { mtbfS: 10 }, new Rng(0));
    expect(() => m.failuresUntil(Infinity)).toThrow(/horizonS/);
    expect(() => m.failuresOf(5, 1)).toThrow(/worker/);
  });
});
