import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulator } from '../../src/core/simulator.ts';
import { seconds } from '../../src/core/units.ts';
import { GpuShare, saturatingSpeedup, type SpeedupCurve } from '../../src/hardware/gpu-share.ts';

/** Runs tasks (start, soloS) on rank 0 and returns each one's end time. */
function ends(curve: SpeedupCurve, tasks: readonly (readonly [number, number])[]): number[] {
  const sim = new Simulator();
  const share = new GpuShare(sim, 1, curve);
  const out = new Array<number>(tasks.length).fill(NaN);
  tasks.forEach(([start, solo], i) => {
    sim.schedule(seconds(start), () => share.run(0, solo).onProcessed(() => (out[i] = sim.now as number)));
  });
  sim.run();
  return out;
}

describe('saturatingSpeedup', () => {
  it('is 1 at one task, non-decreasing, at most k and tends to the maximum', () => {
    const s = saturatingSpeedup(3, 2);
    expect(s(1)).toBe(1);
    let prev = 0;
    for (let k = 1; k <= 40; k++) {
      expect(s(k)).toBeGreaterThanOrEqual(prev);
      expect(s(k)).toBeLessThanOrEqual(k);
      prev = s(k);
    }
    expect(s(40)).toBeCloseTo(3, 6);
    // 1 + (max − 1)(1 − e^{−1}) at k = 1 + h.
    expect(s(3)).toBeCloseTo(1 + 2 * (1 - Math.exp(-1)), 12);
  });
  it('rejects a maximum below 1', () => {
    expect(() => saturatingSpeedup(0.5)).toThrow(RangeError);
  });
});

describe('GpuShare', () => {
  const flat15: SpeedupCurve = (k) => (k <= 1 ? k : 1.5);

  it('one task takes its solo time', () => {
    expect(ends(flat15, [[0, 2]])).toEqual([2]);
  });

  it('two equal tasks with speedup(2) = 1.5 both end at 2t/1.5', () => {
    const [a, b] = ends(flat15, [
      [0, 3],
      [0, 3],
    ]);
    expect(a).toBeCloseTo((2 * 3) / 1.5, 12);
    expect(b).toBeCloseTo((2 * 3) / 1.5, 12);
  });

  it('a task joining midway re-times the one running', () => {
    // A (4 s solo) runs alone for 1 s: 3 s left. B (1 s) joins; each runs at 0.75: B ends at 1 + 1/0.75,
    // when A has 3 − 1 = 2 s left, alone again: A ends at 1 + 4/3 + 2.
    const [a, b] = ends(flat15, [
      [0, 4],
      [1, 1],
    ]);
    expect(b).toBeCloseTo(1 + 4 / 3, 12);
    expect(a).toBeCloseTo(1 + 4 / 3 + 2, 12);
  });

  it('keeps GPUs apart and counts running tasks', () => {
    const sim = new Simulator();
    const share = new GpuShare(sim, 2, (r: number) => saturatingSpeedup(1 + r));
    share.run(0, 1);
    share.run(0, 1);
    share.run(1, 1);
    expect(share.running(0)).toBe(2);
    expect(share.running(1)).toBe(1);
    sim.run();
    // Rank 0 has no speedup (max 1): two 1 s tasks take 2 s.
    expect(sim.now).toBeCloseTo(2, 12);
    expect(share.running(0)).toBe(0);
  });

  it('conserves work: Σ solo seconds = ∫ speedup(k(t)) dt', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0.01, max: 3, noNaN: true })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        (tasks, max) => {
          const curve = saturatingSpeedup(max, 1.5);
          const e = ends(curve, tasks);
          // Integrate speedup(k(t)) over the piecewise-constant k(t) given by the start and end times.
          const points = [...tasks.map((t) => t[0]), ...e].sort((x, y) => x - y);
          let integral = 0;
          for (let i = 0; i + 1 < points.length; i++) {
            const mid = (points[i]! + points[i + 1]!) / 2;
            const k = tasks.filter((t, j) => t[0] <= mid && e[j]! > mid).length;
            integral += curve(k) * (points[i + 1]! - points[i]!);
          }
          const work = tasks.reduce((s, t) => s + t[1], 0);
          expect(integral).toBeCloseTo(work, 6);
          tasks.forEach((t, j) => expect(e[j]! - t[0]).toBeGreaterThanOrEqual(t[1] / max - 1e-9));
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});
