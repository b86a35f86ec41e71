import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { Interrupt } from '../../src/core/events.ts';
import type { Seconds } from '../../src/core/units.ts';

const s = (x: number) => x as Seconds;

describe('Event', () => {
  it('moves from pending to triggered to processed', () => {
    const sim = new Simulator();
    const ev = sim.event<number>();
    expect(ev.triggered).toBe(false);
    expect(() => ev.value).toThrow(/pending/);
    ev.succeed(42);
    expect(ev.triggered).toBe(true);
    expect(ev.processed).toBe(false);
    sim.run();
    expect(ev.processed).toBe(true);
    expect(ev.ok).toBe(true);
    expect(ev.value).toBe(42);
  });

  it('refuses to be triggered twice', () => {
    const sim = new Simulator();
    const ev = sim.event().succeed(1);
    expect(() => ev.succeed(2)).toThrow(/already/);
    expect(() => ev.fail(new Error('x'))).toThrow(/already/);
  });

  it('runs callbacks in the order they were added', () => {
    const sim = new Simulator();
    const ev = sim.event<string>();
    const log: string[] = [];
    ev.onProcessed(() => log.push('a'));
    ev.onProcessed(() => log.push('b'));
    ev.onProcessed((e) => log.push(e.value));
    ev.succeed('c');
    sim.run();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(() => ev.onProcessed(() => {})).toThrow(/already been processed|already processed/);
  });

  it('stops the run with the error of a failure nobody handles', () => {
    const sim = new Simulator();
    const err = new Error('link down');
    sim.timeout(s(1)).onProcessed(() => sim.event().fail(err));
    expect(() => sim.run()).toThrow(err);
    expect(sim.now).toBe(1);
  });

  it('does not stop the run for a defused failure', () => {
    const sim = new Simulator();
    const ev = sim.event().fail(new Error('handled'));
    ev.defuse();
    expect(() => sim.run()).not.toThrow();
  });

  it('wraps a non-Error failure value when it stops the run', () => {
    const sim = new Simulator();
    sim.event().fail('plain string');
    expect(() => sim.run()).toThrow(/plain string/);
  });
});

describe('Timeout', () => {
  it('fires after its delay with its value', () => {
    const sim = new Simulator();
    const t = sim.timeout(s(2.5), 'v');
    let seenAt = -1;
    t.onProcessed(() => (seenAt = sim.now));
    sim.run();
    expect(seenAt).toBe(2.5);
    expect(t.value).toBe('v');
  });

  it('rejects negative, NaN and infinite delays', () => {
    const sim = new Simulator();
    expect(() => sim.timeout(s(-1))).toThrow(RangeError);
    expect(() => sim.timeout(s(Number.NaN))).toThrow(RangeError);
    expect(() => sim.timeout(s(Infinity))).toThrow(RangeError);
  });
});

describe('allOf / anyOf', () => {
  it('allOf succeeds with all values in list order once the last succeeds', () => {
    const sim = new Simulator();
    const c = sim.allOf([sim.timeout(s(3), 'a'), sim.timeout(s(1), 'b'), sim.timeout(s(2), 'c')]);
    let at = -1;
    c.onProcessed(() => (at = sim.now));
    sim.run();
    expect(c.value).toEqual(['a', 'b', 'c']);
    expect(at).toBe(3);
  });

  it('allOf of nothing succeeds at once with an empty list', () => {
    const sim = new Simulator();
    const c = sim.allOf([]);
    sim.run();
    expect(c.value).toEqual([]);
  });

  it('anyOf succeeds with the first event processed and its index', () => {
    const sim = new Simulator();
    const c = sim.anyOf([sim.timeout(s(3), 'a'), sim.timeout(s(1), 'b')]);
    let at = -1;
    c.onProcessed(() => (at = sim.now));
    sim.run();
    expect(c.value).toEqual({ index: 1, value: 'b' });
    expect(at).toBe(1);
    expect(() => sim.anyOf([])).toThrow(RangeError);
  });

  it('fails with the first child failure and takes responsibility for it', () => {
    const sim = new Simulator();
    const bad = sim.event();
    const c = sim.allOf([sim.timeout(s(5)), bad]);
    sim.timeout(s(1)).onProcessed(() => bad.fail(new Error('boom')));
    c.defuse();
    sim.run();
    expect(c.ok).toBe(false);
    expect((c.value as unknown as Error).message).toBe('boom');
  });

  it('handles children that were already processed', () => {
    const sim = new Simulator();
    const a = sim.timeout(s(1), 1);
    sim.run();
    const c = sim.allOf([a, sim.timeout(s(1), 2)]);
    sim.run();
    expect(c.value).toEqual([1, 2]);
  });

  it('exports Interrupt as an Error subclass carrying the cause', () => {
    const i = new Interrupt('preempted');
    expect(i).toBeInstanceOf(Error);
    expect(i.cause).toBe('preempted');
  });
});
