import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkerStats } from '../../../src/schedules/lib/worker-stats.ts';

describe('WorkerStats', () => {
  it('adds durations exactly as given when nothing lies past the end', () => {
    let now = 0;
    const s = new WorkerStats(2, () => now);
    s.compute(0, 0, 0.1);
    now = 0.1;
    s.comm(0, 0.1, 0.05);
    s.comm(1, 0, 0.3, 0.1); // 0.2 s of it hidden behind compute
    now = 0.3;
    s.finish(0.3);
    expect(s.computeS[0]).toBe(0.1);
    expect(s.commS[0]).toBe(0.05);
    expect(s.busyS[0]).toBeCloseTo(0.15, 15);
    expect(s.commS[1]).toBe(0.3);
    expect(s.busyS[1]).toBe(0.1);
  });

  it('clips compute booked ahead of the clock at the run end (the local-sgd utilization 2.91 bug)', () => {
    // 16 local steps of 10 ms booked at t = 0, run stopped at 55 ms: 55 ms of compute happened.
    const s = new WorkerStats(1, () => 0);
    for (let h = 0; h < 16; h++) s.compute(0, h * 0.01, 0.01);
    s.finish(0.055);
    expect(s.computeS[0]).toBeCloseTo(0.055, 12);
    expect(s.busyS[0]).toBeCloseTo(0.055, 12);
  });

  it('clips only the exposed part of overlapped communication from busy', () => {
    // comm [0.02, 0.06) of which the last 0.01 s is exposed, i.e. busy over [0.05, 0.06); stop at 0.055.
    const s = new WorkerStats(1, () => 0);
    s.comm(0, 0.02, 0.04, 0.01);
    s.finish(0.055);
    expect(s.commS[0]).toBeCloseTo(0.035, 12);
    expect(s.busyS[0]).toBeCloseTo(0.005, 12);
  });

  it('refuses a second finish', () => {
    const s = new WorkerStats(1, () => 0);
    s.finish(1);
    expect(() => s.finish(1)).toThrow(/twice/);
  });

  it('never reports more compute than the run lasted, wherever it stops (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-4, max: 1, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (durations, stopFraction) => {
          // Back-to-back steps booked ahead from t = 0 with the clock at 0; more than 1024 of them
          // exercise the pruning of the kept intervals.
          const s = new WorkerStats(1, () => 0);
          let t = 0;
          for (const d of durations) {
            s.compute(0, t, d);
            t += d;
          }
          const end = t * stopFraction;
          s.finish(end);
          expect(s.computeS[0]!).toBeLessThanOrEqual(end + 1e-9 * Math.max(1, t));
          expect(s.computeS[0]!).toBeGreaterThanOrEqual(end - 1e-9 * Math.max(1, t));
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });
});
