import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/core/rng.ts';
import { Slowdown } from '../../src/hardware/slowdown.ts';
import type { SlowdownModel } from '../../src/hardware/slowdown.ts';
import {
  constantSlowdown,
  lognormalSlowdown,
  periodicSlowdown,
  spikeSlowdown,
} from '../../src/hardware/slowdown-models.ts';

const models = (): SlowdownModel[] => [
  constantSlowdown({ factor: 1.5, workers: [1] }),
  lognormalSlowdown({ sigma: 0.3, meanOne: true }),
  spikeSlowdown({ probability: 0.1, factor: 4, durationS: 2 }),
  periodicSlowdown({ periodS: 10, durationS: 1, factor: 2 }),
];

function series(s: Slowdown, worker: number, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(s.taskFactor(worker, k * 0.7));
  return out;
}

describe('Slowdown', () => {
  it('multiplies the factors of its models', () => {
    // Worker 1 at t = 0.5: constant 1.5 × periodic 2 (inside [0, 1)) = 3; worker 0 gets only the 2.
    const s = new Slowdown(
      [constantSlowdown({ factor: 1.5, workers: [1] }), periodicSlowdown({ periodS: 10, durationS: 1, factor: 2 })],
      new Rng(1),
    );
    expect(s.taskFactor(1, 0.5)).toBe(3);
    expect(s.taskFactor(0, 0.5)).toBe(2);
    expect(s.taskFactor(0, 1)).toBe(1);
    expect(new Slowdown([], new Rng(1)).taskFactor(3, 0)).toBe(1);
  });

  it('gives the same factors for the same seed in a new instance', () => {
    const a = new Slowdown(models(), new Rng(42).fork('stragglers'));
    const b = new Slowdown(models(), new Rng(42).fork('stragglers'));
    expect(series(a, 2, 200)).toEqual(series(b, 2, 200));
    expect(series(new Slowdown(models(), new Rng(43)), 2, 50)).not.toEqual(
      series(new Slowdown(models(), new Rng(42)), 2, 50),
    );
  });

  it("keeps a worker's factors when other workers draw or are added (property)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), (seed, otherDraws) => {
        const alone = new Slowdown(models(), new Rng(seed));
        const expected = series(alone, 3, 30);
        const busy = new Slowdown(models(), new Rng(seed));
        const got: number[] = [];
        // Interleave worker 3's tasks with tasks of other workers (some new, some beyond 3).
        const clock = new Map<number, number>();
        for (let k = 0; k < 30; k++) {
          for (const w of otherDraws.slice(k * 2, k * 2 + 2)) {
            if (w === 3) continue;
            const t = (clock.get(w) ?? 0) + 0.3;
            clock.set(w, t);
            busy.taskFactor(w, t);
          }
          got.push(busy.taskFactor(3, k * 0.7));
        }
        expect(got).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects bad workers, bad times and times going backwards for a worker', () => {
    const s = new Slowdown(models(), new Rng(1));
    expect(() => s.taskFactor(-1, 0)).toThrow(/worker/);
    expect(() => s.taskFactor(0.5, 0)).toThrow(/worker/);
    expect(() => s.taskFactor(0, NaN)).toThrow(/timeS/);
    s.taskFactor(0, 5);
    expect(() => s.taskFactor(0, 4)).toThrow(/worker 0: task at 4 s asked after one at 5 s/);
    expect(() => s.taskFactor(1, 4)).not.toThrow();
  });

  it('gives a batch (taskFactors) the factors one call per worker (taskFactor) gives', () => {
    const ms = [...models(), lognormalSlowdown({ sigma: 0.5, workers: [0, 3] })];
    const one = new Slowdown(ms, new Rng(3).fork('stragglers'));
    const batch = new Slowdown(ms, new Rng(3).fork('stragglers'));
    const workers = [4, 0, 3, 1, 2];
    const out = new Float64Array(workers.length);
    for (let k = 0; k < 50; k++) {
      const times = Float64Array.from(workers, (w) => k * 0.7 + w * 0.01);
      batch.taskFactors(workers, k % 2 === 0 ? k * 0.7 : times, out);
      workers.forEach((w, i) => expect(out[i]).toBe(one.taskFactor(w, k % 2 === 0 ? k * 0.7 : times[i]!)));
    }
    expect(() => batch.taskFactors([0], 0, out)).toThrow(/ask in time order/);
  });
});
