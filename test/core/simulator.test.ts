import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EmptySchedule, Simulator } from '../../src/core/simulator.ts';
import { Rng } from '../../src/core/rng.ts';
import type { ProcessGenerator } from '../../src/core/process.ts';
import type { Seconds } from '../../src/core/units.ts';

const s = (x: number) => x as Seconds;

/** A small random workload: processes that wait, signal each other and record what they see. */
function randomRun(seed: number, procs: number, steps: number): string[] {
  const sim = new Simulator();
  const rng = new Rng(seed);
  const log: string[] = [];
  for (let p = 0; p < procs; p++) {
    const r = rng.fork(p);
    sim.process(
      (function* (): ProcessGenerator<void> {
        for (let i = 0; i < steps; i++) {
          // Round delays to a coarse grid so simultaneous events are common.
          yield sim.timeout(s(Math.round(r.exponential(1) * 4) / 4));
          log.push(`${sim.now}:${p}:${i}`);
        }
      })(),
    );
  }
  sim.run();
  return log;
}

describe('Simulator', () => {
  it('never moves the clock backwards (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 10 }), { maxLength: 20 }),
        (plans) => {
          const sim = new Simulator();
          const times: number[] = [];
          plans.forEach((delays) =>
            sim.process(
              (function* (): ProcessGenerator<void> {
                for (const d of delays) {
                  yield sim.timeout(s(d));
                  times.push(sim.now);
                }
              })(),
            ),
          );
          let last = 0;
          while (sim.peek() < Infinity) {
            sim.step();
            expect(sim.now).toBeGreaterThanOrEqual(last);
            last = sim.now;
          }
          for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
        },
      ),
    );
  });

  it('runs simultaneous events in the order they were scheduled (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }), (delays) => {
        const sim = new Simulator();
        const fired: number[] = [];
        delays.forEach((d, i) => sim.timeout(s(d)).onProcessed(() => fired.push(i)));
        sim.run();
        const expected = delays
          .map((d, i) => [d, i] as const)
          .sort((a, b) => a[0] - b[0] || a[1] - b[1])
          .map((x) => x[1]);
        expect(fired).toEqual(expected);
      }),
    );
  });

  it('gives the same event log for the same seed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        (seed, procs, steps) => {
          expect(randomRun(seed, procs, steps)).toEqual(randomRun(seed, procs, steps));
        },
      ),
      { numRuns: 50 },
    );
    expect(randomRun(1, 8, 8)).not.toEqual(randomRun(2, 8, 8));
  });

  it('propagates failures through chains of waiting processes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.double({ min: 0, max: 10, noNaN: true }), (depth, at) => {
        const sim = new Simulator();
        const err = new Error(`fail-${depth}`);
        let prev = sim.process(
          (function* (): ProcessGenerator<void> {
            yield sim.timeout(s(at));
            throw err;
          })(),
        );
        for (let d = 0; d < depth; d++) {
          const inner = prev;
          prev = sim.process(
            (function* (): ProcessGenerator<void> {
              yield inner;
            })(),
          );
        }
        expect(() => sim.run()).toThrow(err);
        expect(sim.now).toBe(at);
      }),
    );
  });

  it('run(t) processes events strictly before t and leaves the clock at t', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    for (const t of [1, 2, 3]) sim.timeout(s(t)).onProcessed(() => fired.push(t));
    sim.run(s(2));
    expect(fired).toEqual([1]);
    expect(sim.now).toBe(2);
    sim.run(s(10));
    expect(fired).toEqual([1, 2, 3]);
    expect(sim.now).toBe(10);
    expect(() => sim.run(s(5))).toThrow(RangeError);
  });

  it('run(event) returns its value, rethrows its failure and detects a deadlock', () => {
    const sim = new Simulator();
    expect(sim.run(sim.timeout(s(1), 'x'))).toBe('x');
    const bad = sim.event();
    sim.timeout(s(1)).onProcessed(() => bad.fail(new Error('bad')));
    expect(() => sim.run(bad)).toThrow('bad');
    expect(() => sim.run(sim.event())).toThrow(/deadlock/);
  });

  it('step() processes one event and throws EmptySchedule when idle', () => {
    const sim = new Simulator();
    sim.timeout(s(1));
    sim.timeout(s(2));
    sim.step();
    expect(sim.now).toBe(1);
    expect(sim.peek()).toBe(2);
    sim.step();
    expect(() => sim.step()).toThrow(EmptySchedule);
    expect(sim.eventsProcessed).toBe(2);
  });

  it('schedule() calls a function after a delay', () => {
    const sim = new Simulator(s(10));
    let at = -1;
    sim.schedule(s(5), () => (at = sim.now));
    sim.run();
    expect(at).toBe(15);
  });

  it('starts processes before ordinary events at the same time', () => {
    const sim = new Simulator();
    const log: string[] = [];
    sim
      .event()
      .succeed()
      .onProcessed(() => log.push('event'));
    sim.process(
      (function* (): ProcessGenerator<void> {
        log.push('process start');
        yield sim.timeout(s(0));
      })(),
    );
    sim.run();
    expect(log).toEqual(['process start', 'event']);
  });
});
