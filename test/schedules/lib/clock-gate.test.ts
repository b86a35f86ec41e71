import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../../src/core/simulator.ts';
import { ClockGate } from '../../../src/schedules/lib/clock-gate.ts';

describe('ClockGate', () => {
  it('lets a member run at most `slack` clocks ahead of the slowest, and wakes it when the slowest catches up', () => {
    const sim = new Simulator();
    const g = new ClockGate(sim, 3, 1);
    expect(g.enter(0)).toBeNull(); // clock 0 needs min ≥ −1
    g.done(0);
    expect(g.enter(0)).toBeNull(); // clock 1 needs min ≥ 0
    g.done(0);
    const ev = g.enter(0); // clock 2 needs min ≥ 1
    expect(ev).not.toBeNull();
    expect(g.enter(0)).toBe(ev); // waiters for one minimum share an event
    g.done(1);
    expect(ev!.triggered).toBe(false);
    g.done(2);
    expect(g.minClock).toBe(1);
    expect(ev!.triggered).toBe(true);
  });

  it('slack 0 is lock-step', () => {
    const g = new ClockGate(new Simulator(), 2, 0);
    g.done(0);
    expect(g.enter(0)).not.toBeNull();
    expect(g.enter(1)).toBeNull();
  });

  it('rejects a bad slack or no members', () => {
    expect(() => new ClockGate(new Simulator(), 2, -1)).toThrow(/slack/);
    expect(() => new ClockGate(new Simulator(), 0, 1)).toThrow(/member/);
  });

  it('keeps the minimum equal to a scan over all clocks (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(7), { maxLength: 200 }), (n, order) => {
        const g = new ClockGate(new Simulator(), n, 2);
        const clocks = new Array<number>(n).fill(0);
        for (const x of order) {
          const i = x % n;
          g.done(i);
          clocks[i]!++;
          expect(g.minClock).toBe(Math.min(...clocks));
          expect(g.clock(i)).toBe(clocks[i]);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
