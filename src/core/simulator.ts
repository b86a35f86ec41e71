/**
 * The discrete-event simulator: a clock and an agenda of triggered events, after SimPy 4. `run` is
 * synchronous and single-threaded; events at the same time run by priority, then in the order they
 * were scheduled, so a run is a pure function of its inputs.
 */
import { EventQueue } from './event-queue.ts';
import {
  Condition,
  Event as EventClass,
  NORMAL as NORMAL_S,
  PROCESSED as PROCESSED_S,
  TRIGGERED as TRIGGERED_S,
  createTimeout as createTimeoutFn,
} from './events.ts';
import type { Timeout } from './events.ts';
import type { AnyOfResult } from './events.ts';
import { Process } from './process.ts';
import type { ProcessGenerator, ProcessHost } from './process.ts';
import type { Seconds } from './units.ts';

// Local copies of hot-path imports: see the note in process.ts.
const Event = EventClass;
type Event<T> = EventClass<T>;
const NORMAL = NORMAL_S;
const PROCESSED = PROCESSED_S;
const TRIGGERED = TRIGGERED_S;
const createTimeout = createTimeoutFn;

/** Thrown by `step` when nothing is left to do. */
export class EmptySchedule extends Error {
  /** Creates the error. */
  constructor() {
    super('no events left in the agenda');
    this.name = 'EmptySchedule';
  }
}

/** Wraps a non-Error failure value so that a stopped run always throws an Error. */
export class UnhandledFailure extends Error {
  /** The value the event failed with. */
  readonly reason: unknown;
  /** Creates the error around `reason`. */
  constructor(reason: unknown) {
    super(`an event failed and nobody handled it: ${String(reason)}`);
    this.name = 'UnhandledFailure';
    this.reason = reason;
  }
}

/** Owns the simulated clock and the event agenda. */
export class Simulator implements ProcessHost {
  private _now = 0;
  private readonly queue: EventQueue<Event<unknown>>;
  private processedCount = 0;
  /** @internal */ _active: Process<unknown> | null = null;

  /** Creates a simulator whose clock starts at `start` seconds (default 0). */
  constructor(start: Seconds = 0 as Seconds, initialQueueCapacity = 1024) {
    this._now = start;
    this.queue = new EventQueue(initialQueueCapacity);
  }

  /** Current simulated time in seconds. Never decreases. */
  get now(): Seconds {
    return this._now as Seconds;
  }

  /** Number of events processed so far. */
  get eventsProcessed(): number {
    return this.processedCount;
  }

  /** The process whose generator is running right now, or null between steps. */
  get activeProcess(): Process<unknown> | null {
    return this._active;
  }

  /** @internal */
  _enqueue(ev: Event<unknown>, delay: number, priority: number): void {
    this.queue.push(this._now + delay, priority, ev);
  }

  /** A new pending event, to be triggered later with `succeed` or `fail`. */
  event<T = unknown>(): Event<T> {
    return new Event<T>(this);
  }

  /** An event that succeeds with `value` after `delay` seconds. @throws RangeError on a bad delay. */
  timeout<T = undefined>(delay: Seconds, value?: T): Timeout<T> {
    // createTimeout inlined: the hottest call of every process.
    if (!(delay >= 0) || delay === Infinity) {
      throw new RangeError(`timeout delay must be a finite number >= 0, got ${String(delay)}`);
    }
    const ev = new Event<T>(this, TRIGGERED, value);
    this.queue.push(this._now + delay, NORMAL, ev as Event<unknown>);
    return ev;
  }

  /**
   * Calls `fn` after `delay` seconds (as an ordinary event) and returns that event, so callers can
   * wait on it too. @throws RangeError on a bad delay.
   */
  schedule(delay: Seconds, fn: () => void): Event<undefined> {
    const t = createTimeout<undefined>(this, delay);
    t.onProcessed(fn);
    return t;
  }

  /** Starts a process running `gen` now (before ordinary events at this time). */
  process<R>(gen: ProcessGenerator<R>, name?: string): Process<R> {
    return new Process<R>(this, gen, name);
  }

  /** An event that succeeds with all values (in order) when every event in `events` has succeeded. */
  allOf<T>(events: readonly Event<T>[]): Condition<T[]> {
    return new Condition<T[]>(this, events, 'all');
  }

  /** An event that succeeds with the first of `events` to be processed. @throws RangeError if empty. */
  anyOf<T>(events: readonly Event<T>[]): Condition<AnyOfResult<T>> {
    return new Condition<AnyOfResult<T>>(this, events, 'any');
  }

  /** Time of the next event, or Infinity if none. */
  peek(): Seconds {
    return this.queue.peekTime() as Seconds;
  }

  /**
   * Processes the next event: advances the clock to it and runs its waiters.
   * @throws EmptySchedule if nothing is scheduled; rethrows an unhandled failure.
   */
  step(): void {
    if (this.queue.length === 0) throw new EmptySchedule();
    this.processNext();
  }

  /**
   * Runs the simulation.
   * - `run()` runs until the agenda is empty.
   * - `run(t)` processes every event strictly before time `t`, then sets the clock to `t` (events at
   *   exactly `t` stay queued, as in SimPy).
   * - `run(ev)` runs until `ev` is processed and returns its value (rethrowing its error if it failed).
   * @throws RangeError if `t` is earlier than now; Error if the agenda empties before `ev` happens;
   *   any unhandled failure, which stops the run.
   */
  run(until?: Seconds | Event<unknown>): unknown {
    const queue = this.queue;
    if (until === undefined) {
      while (queue.length > 0) this.processNext();
      return undefined;
    }
    if (typeof until === 'number') {
      if (!(until >= this._now)) {
        throw new RangeError(`run(until=${until}) is earlier than the current time ${this._now}`);
      }
      while (queue.length > 0 && queue.peekTime() < until) this.processNext();
      this._now = until;
      return undefined;
    }
    const target = until;
    if (target.sim !== this) throw new Error('run(until) got an event of another simulator');
    // The caller takes responsibility for the target's failure: it is rethrown below, not treated
    // as unhandled.
    target._defused = true;
    while (target._state !== PROCESSED) {
      if (queue.length === 0) {
        throw new Error('the agenda emptied before the awaited event was processed (deadlock?)');
      }
      this.processNext();
    }
    if (!target._ok) throw target._value;
    return target._value;
  }

  private processNext(): void {
    const queue = this.queue;
    const ev = queue.pop();
    this._now = queue.poppedTime;
    this.processedCount++;
    ev._state = PROCESSED;
    const first = ev._first;
    const more = ev._more;
    ev._first = null;
    ev._more = null;
    if (first !== null) first._onEvent(ev);
    if (more !== null) for (let i = 0; i < more.length; i++) more[i]!._onEvent(ev);
    if (!ev._ok && !ev._defused) {
      const reason = ev._value;
      throw reason instanceof Error ? reason : new UnhandledFailure(reason);
    }
  }
}
