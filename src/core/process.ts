/**
 * Processes: simulated activities written as generator functions that `yield` events and are resumed
 * with their values (SimPy's model). A process is itself an event: it succeeds with the generator's
 * return value, or fails with the error the generator threw, so other processes can wait on it.
 * Everything runs synchronously inside `Simulator.run`; no Promise ever decides an order.
 */
import {
  Event as EventClass,
  Interrupt,
  NORMAL as NORMAL_P,
  PENDING as PENDING_S,
  PROCESSED as PROCESSED_S,
  TRIGGERED as TRIGGERED_S,
  URGENT as URGENT_P,
} from './events.ts';
import type { EventScheduler, Waiter } from './events.ts';

// Module-local copies of imported bindings used on the hot path. Some loaders (Vite's SSR transform
// in vitest, CJS interop) turn every use of an imported binding into a getter call on a namespace
// object; a local const is read directly.
const Event = EventClass;
type Event<T> = EventClass<T>;
const NORMAL = NORMAL_P;
const PENDING = PENDING_S;
const PROCESSED = PROCESSED_S;
const TRIGGERED = TRIGGERED_S;
const URGENT = URGENT_P;

/** The generator a process runs: yields events, is resumed with their values, returns `R`. */
// The `any` resume type is deliberate: a generator's `yield` expression cannot be typed per event,
// so `wait(ev)` below is the typed way to get a value.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProcessGenerator<R = unknown> = Generator<Event<any>, R, any>;

/**
 * Typed wait: `const v = yield* wait(ev)` gives `v` the event's value type. Plain `yield ev` works
 * too and is a little faster on hot paths.
 */
export function* wait<T>(ev: Event<T>): Generator<Event<T>, T, unknown> {
  return (yield ev) as T;
}

/** Records the simulator's active process while a generator step runs. */
export interface ProcessHost extends EventScheduler {
  /** @internal */
  _active: Process<unknown> | null;
}

class InterruptWaiter implements Waiter {
  constructor(private readonly proc: Process<unknown>) {}
  _onEvent(ev: Event<unknown>): void {
    const p = this.proc;
    if (p._state !== PENDING) return; // it ended before the interrupt was delivered
    const target = p._target;
    if (target !== null) target._removeWaiter(p);
    p._onEvent(ev);
  }
}

/** A running generator, scheduled by the simulator; an event that completes when the generator ends. */
export class Process<R = unknown> extends Event<R> implements Waiter {
  /** Optional name, for traces and error messages. */
  readonly name: string;
  private readonly gen: ProcessGenerator<R>;
  /** @internal The event this process waits on, or null while it runs. */ _target: Event<unknown> | null;
  private readonly host: ProcessHost;

  /** Starts `gen` at the current time (before ordinary events of that time). */
  constructor(sim: ProcessHost, gen: ProcessGenerator<R>, name = 'process') {
    super(sim);
    this.host = sim;
    this.gen = gen;
    this.name = name;
    const init = new Event<undefined>(sim, TRIGGERED);
    init._first = this;
    sim._enqueue(init, 0, URGENT);
    this._target = init;
  }

  /** True until the generator returns or throws. */
  get isAlive(): boolean {
    return this._state === PENDING;
  }

  /** The event the process currently waits on (null while running or once ended). */
  get target(): Event<unknown> | null {
    return this._target;
  }

  /**
   * Throws an `Interrupt(cause)` into the process at the current time, ahead of ordinary events. The
   * process stops waiting on its target; if it does not catch the interrupt, it fails with it.
   * @throws Error if the process has ended, or if a process tries to interrupt itself.
   */
  interrupt(cause?: unknown): void {
    if (this._state !== PENDING) throw new Error(`${this.name} has ended and cannot be interrupted`);
    if (this.host._active === (this as Process<unknown>)) throw new Error('a process cannot interrupt itself');
    const ev = new Event<unknown>(this.sim, TRIGGERED, new Interrupt(cause));
    ev._ok = false;
    ev._defused = true;
    ev._first = new InterruptWaiter(this as Process<unknown>);
    this.sim._enqueue(ev, 0, URGENT);
  }

  /** @internal Resumes the generator with the outcome of `ev`, then waits on what it yields next. */
  _onEvent(ev: Event<unknown>): void {
    const host = this.host;
    const gen = this.gen;
    this._target = null;
    host._active = this as Process<unknown>;
    let event = ev;
    for (;;) {
      let r: IteratorResult<Event<unknown>, R>;
      try {
        if (event._ok) {
          r = gen.next(event._value);
        } else {
          event._defused = true; // the process now owns this error: it may catch it
          r = gen.throw(event._value);
        }
      } catch (err) {
        this.finish(false, err);
        break;
      }
      if (r.done === true) {
        this.finish(true, r.value);
        break;
      }
      const next = r.value as unknown;
      if (!(next instanceof Event) || next.sim !== this.sim) {
        // Throw the mistake back into the generator, at the yield that made it.
        const bad = new Event<unknown>(
          this.sim,
          TRIGGERED,
          new TypeError(
            `${this.name} yielded ${next instanceof Event ? 'an event of another simulator' : String(next)}; ` +
              'a process may only yield events of its own simulator',
          ),
        );
        bad._ok = false;
        event = bad;
        continue;
      }
      if (next._state === PROCESSED) {
        event = next; // already done: resume at once with its outcome
        continue;
      }
      // _addWaiter inlined for the usual case: the process is the event's only waiter.
      if (next._first === null && next._more === null) next._first = this;
      else next._addWaiter(this);
      this._target = next;
      break;
    }
    host._active = null;
  }

  private finish(ok: boolean, value: unknown): void {
    this._ok = ok;
    this._value = value;
    this._state = TRIGGERED;
    this.sim._enqueue(this, 0, NORMAL);
  }
}
