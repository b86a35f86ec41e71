import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/core/rng.ts';
import {
  constantSlowdown,
  lognormalSlowdown,
  periodicSlowdown,
  spikeSlowdown,
} from '../../src/hardware/slowdown-models.ts';
import type { SlowdownModel } from '../../src/hardware/slowdown.ts';

function factors(m: SlowdownModel, n: number, dtS = 1, worker = 0, seed = 9): number[] {
  const s = m.forWorker(worker, new Rng(seed).fork(`w${worker}`));
  return Array.from({ length: n }, (_, k) => s.taskFactor(k * dtS));
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('constantSlowdown', () => {
  it('slows only the chosen workers', () => {
    const m = constantSlowdown({ factor: 2, workers: [0, 2] });
    expect(factors(m, 3, 1, 0)).toEqual([2, 2, 2]);
    expect(factors(m, 3, 1, 1)).toEqual([1, 1, 1]);
    expect(factors(constantSlowdown({ factor: 1.2 }), 1, 1, 7)).toEqual([1.2]);
    expect(() => constantSlowdown({ factor: 0 })).toThrow(/constant\.factor/);
    expect(() => constantSlowdown({ factor: 2, workers: [-1] })).toThrow(/constant\.workers/);
  });
});

describe('lognormalSlowdown', () => {
  it('has mean one with meanOne', () => {
    // E[exp(N(−σ²/2, σ²))] = 1; sd of the factor = sqrt(e^{σ²} − 1) = 0.533 for σ = 0.5, so with
    // n = 200,000 the standard error is 0.0012 and 0.006 is 5 standard errors.
    const xs = factors(lognormalSlowdown({ sigma: 0.5, meanOne: true }), 200_000);
    expect(Math.abs(mean(xs) - 1)).toBeLessThan(0.006);
  });

  it('has median one and mean exp(σ²/2) by default', () => {
    // μ = 0: mean = exp(0.125) = 1.1331; log-factors have mean 0 and sd 0.5.
    const xs = factors(lognormalSlowdown({ sigma: 0.5 }), 200_000);
    expect(Math.abs(mean(xs) - Math.exp(0.125))).toBeLessThan(0.007);
    const logs = xs.map(Math.log);
    const m = mean(logs);
    expect(Math.abs(m)).toBeLessThan(0.005);
    expect(Math.abs(Math.sqrt(mean(logs.map((l) => (l - m) ** 2))) - 0.5)).toBeLessThan(0.005);
  });

  it('is exactly 1 with σ = 0 and rejects contradictory parameters', () => {
    expect(factors(lognormalSlowdown({ sigma: 0 }), 5)).toEqual([1, 1, 1, 1, 1]);
    expect(() => lognormalSlowdown({ sigma: -0.1 })).toThrow(/sigma/);
    expect(() => lognormalSlowdown({ sigma: 0.1, mu: 0, meanOne: true })).toThrow(/either mu or meanOne/);
  });
});

describe('spikeSlowdown', () => {
  it('starts spikes at the given rate per task', () => {
    // Duration 0: each task independently spiked with p = 0.05; SE = sqrt(.05·.95/1e5) = 0.0007.
    const xs = factors(spikeSlowdown({ probability: 0.05, factor: 3, durationS: 0 }), 100_000);
    expect(new Set(xs)).toEqual(new Set([1, 3]));
    expect(Math.abs(xs.filter((x) => x === 3).length / xs.length - 0.05)).toBeLessThan(0.004);
  });

  it('keeps a spike for its duration of simulated time', () => {
    // Tasks every 1 s, duration 2.5 s: a spike from t₀ covers tasks at t₀, t₀+1, t₀+2, so runs of
    // spiked tasks have lengths that are multiples of 3. Between spikes the number of unspiked tasks
    // is geometric with mean (1−p)/p = 19, so the spiked fraction is 3 / (3 + 19) = 0.1364.
    const xs = factors(spikeSlowdown({ probability: 0.05, factor: 3, durationS: 2.5 }), 200_000);
    let run = 0;
    const runs: number[] = [];
    for (const x of [...xs, 1]) {
      if (x === 3) run++;
      else if (run > 0) {
        runs.push(run);
        run = 0;
      }
    }
    expect(runs.slice(0, -1).every((r) => r % 3 === 0)).toBe(true);
    expect(Math.abs(xs.filter((x) => x === 3).length / xs.length - 3 / 22)).toBeLessThan(0.006);
  });

  it('rejects bad parameters', () => {
    expect(() => spikeSlowdown({ probability: 1.1, factor: 2, durationS: 1 })).toThrow(/probability/);
    expect(() => spikeSlowdown({ probability: 0.1, factor: 2, durationS: -1 })).toThrow(/durationS/);
  });
});

describe('periodicSlowdown', () => {
  const m = periodicSlowdown({ periodS: 10, durationS: 2, factor: 2, phaseS: 3 });
  const at = (t: number): number => m.forWorker(0, new Rng(0)).taskFactor(t);

  it('slows exactly the windows [phase + k·period, phase + k·period + duration)', () => {
    expect([0, 2.999, 3, 4.999, 5, 12.999, 13, 14.5, 15, 103].map(at)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 1, 2]);
  });

  it('matches the window definition for any k and offset (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 79 }), (k, eighths) => {
        // Offsets in eighths of a second are exact in binary, so the boundary at 2 s is exact too.
        const off = eighths / 8;
        expect(at(3 + 10 * k + off)).toBe(off < 2 ? 2 : 1);
      }),
    );
  });

  it('rejects a window longer than its period', () => {
    expect(() => periodicSlowdown({ periodS: 1, durationS: 2, factor: 2 })).toThrow(/durationS must be <= periodS/);
    expect(() => periodicSlowdown({ periodS: 0, durationS: 0, factor: 2 })).toThrow(/periodS/);
  });
});
