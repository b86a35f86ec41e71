import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { Interrupt } from '../../src/core/events.ts';
import { wait } from '../../src/core/process.ts';
import type { ProcessGenerator } from '../../src/core/process.ts';
import type { Seconds } from '../../src/core/units.ts';

const s = (x: number) => x as Seconds;

describe('Process', () => {
  it('resumes a generator with the values of the events it yields', () => {
    const sim = new Simulator();
    const seen: [number, string][] = [];
    sim.process(
      (function* (): ProcessGenerator<void> {
        const a = yield* wait(sim.timeout(s(1), 'one'));
        seen.push([sim.now, a]);
        const b: string = yield sim.timeout(s(2), 'two');
        seen.push([sim.now, b]);
      })(),
    );
    sim.run();
    expect(seen).toEqual([
      [1, 'one'],
      [3, 'two'],
    ]);
  });

  it('is an event that succeeds with the generator return value', () => {
    const sim = new Simulator();
    const child = sim.process(
      (function* () {
        yield sim.timeout(s(4));
        return 'done';
      })(),
    );
    const parent = sim.process(
      (function* () {
        const v: string = yield child;
        return `${v} at ${sim.now}`;
      })(),
    );
    expect(sim.run(parent)).toBe('done at 4');
    expect(child.isAlive).toBe(false);
  });

  it('throws a failed event into the generator, which may catch it', () => {
    const sim = new Simulator();
    const ev = sim.event();
    sim.timeout(s(1)).onProcessed(() => ev.fail(new Error('nic failed')));
    const p = sim.process(
      (function* () {
        try {
          yield ev;
          return 'no';
        } catch (e) {
          return `caught ${(e as Error).message}`;
        }
      })(),
    );
    expect(sim.run(p)).toBe('caught nic failed');
  });

  it('propagates an uncaught error to waiting processes, and stops the run if none catches it', () => {
    const sim = new Simulator();
    const failing = sim.process(
      (function* (): ProcessGenerator<void> {
        yield sim.timeout(s(1));
        throw new Error('worker crashed');
      })(),
    );
    const watcher = sim.process(
      (function* () {
        try {
          yield failing;
        } catch (e) {
          return (e as Error).message;
        }
        return 'unreached';
      })(),
    );
    expect(sim.run(watcher)).toBe('worker crashed');

    const sim2 = new Simulator();
    sim2.process(
      (function* (): ProcessGenerator<void> {
        yield sim2.timeout(s(1));
        throw new Error('unwatched');
      })(),
    );
    expect(() => sim2.run()).toThrow('unwatched');
  });

  it('delivers interrupts ahead of the awaited event and lets the process carry on', () => {
    const sim = new Simulator();
    const log: string[] = [];
    const worker = sim.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield sim.timeout(s(10));
          log.push('finished');
        } catch (e) {
          if (!(e instanceof Interrupt)) throw e;
          log.push(`interrupted at ${sim.now} by ${String(e.cause)}`);
        }
        yield sim.timeout(s(1));
        log.push(`resumed until ${sim.now}`);
      })(),
    );
    sim.process(
      (function* (): ProcessGenerator<void> {
        yield sim.timeout(s(3));
        worker.interrupt('failure');
      })(),
    );
    sim.run();
    expect(log).toEqual(['interrupted at 3 by failure', 'resumed until 4']);
  });

  it('fails with the Interrupt when it does not catch it, and rejects interrupts after it ended', () => {
    const sim = new Simulator();
    const p = sim.process(
      (function* (): ProcessGenerator<void> {
        yield sim.timeout(s(5));
      })(),
    );
    sim.timeout(s(1)).onProcessed(() => p.interrupt('stop'));
    expect(() => sim.run()).toThrow(Interrupt);
    expect(() => p.interrupt()).toThrow(/ended/);
  });

  it('forbids a process to interrupt itself', () => {
    const sim = new Simulator();
    let self: { interrupt(c?: unknown): void } | null = null;
    const p = sim.process(
      (function* (): ProcessGenerator<string> {
        yield sim.timeout(s(1));
        try {
          self!.interrupt();
        } catch (e) {
          return (e as Error).message;
        }
        return 'no';
      })(),
    );
    self = p;
    expect(sim.run(p)).toMatch(/itself/);
  });

  it('throws a TypeError into a generator that yields something other than an event', () => {
    const sim = new Simulator();
    const p = sim.process(
      (function* () {
        try {
          yield 5 as never;
        } catch (e) {
          return (e as Error).name;
        }
        return 'no';
      })(),
    );
    expect(sim.run(p)).toBe('TypeError');
  });

  it('resumes at once on an event that was already processed', () => {
    const sim = new Simulator();
    const t = sim.timeout(s(1), 'early');
    sim.run();
    const p = sim.process(
      (function* () {
        const v: string = yield t;
        return [v, sim.now];
      })(),
    );
    expect(sim.run(p)).toEqual(['early', 1]);
  });

  it('reports the active process while its generator runs', () => {
    const sim = new Simulator();
    let inside: unknown = 'unset';
    const p = sim.process(
      (function* (): ProcessGenerator<void> {
        inside = sim.activeProcess;
        yield sim.timeout(s(0));
      })(),
    );
    sim.run();
    expect(inside).toBe(p);
    expect(sim.activeProcess).toBeNull();
  });
});
