/**
 * Events, the kernel's unit of synchronisation (after SimPy). An event is a small state machine:
 * pending → triggered (it has a value and sits in the agenda) → processed (its waiters have run).
 * It succeeds with a value or fails with an error. A failure that no waiter handles stops the run
 * with that error, so mistakes never pass silently.
 *
 * Waiters are objects with an `_onEvent` method (processes, conditions, wrapped callbacks) rather than
 * closures, so the hot path allocates no closure per event. The first waiter sits in a field of its
 * own, because almost every event has exactly one (the process that yielded it).
 */
import type { Seconds } from './units.ts';

/** Not yet triggered. */
export const PENDING = 0;
/** Has a value and is in the agenda. */
export const TRIGGERED = 1;
/** Its waiters have run. */
export const PROCESSED = 2;
/** Event state: PENDING, TRIGGERED or PROCESSED. */
export type EventState = typeof PENDING | typeof TRIGGERED | typeof PROCESSED;

/** Priority of kernel-internal events (process starts, interrupts): run before NORMAL ones at a time. */
export const URGENT = 0;
/** Priority of ordinary events. */
export const NORMAL = 1;

/** Something that is told when an event it waits on is processed. */
export interface Waiter {
  /** Called once, when the event is processed. */
  _onEvent(ev: Event<unknown>): void;
}

/** What an event needs from the simulator: the clock and the agenda. */
export interface EventScheduler {
  /** Current simulated time. */
  readonly now: Seconds;
  /** Puts a triggered event into the agenda `delay` seconds from now. */
  _enqueue(ev: Event<unknown>, delay: number, priority: number): void;
}

/** Thrown into a process by `Process.interrupt`; `cause` is whatever the interrupter passed. */
export class Interrupt extends Error {
  /** The value passed to `interrupt(cause)`. */
  override readonly cause: unknown;
  /** Creates an interrupt carrying `cause`. */
  constructor(cause: unknown) {
    super(`process interrupted${cause === undefined ? '' : `: ${String(cause)}`}`);
    this.name = 'Interrupt';
    this.cause = cause;
  }
}

class CallbackWaiter implements Waiter {
  constructor(private readonly fn: (ev: Event<unknown>) => void) {}
  _onEvent(ev: Event<unknown>): void {
    this.fn(ev);
  }
}

/**
 * A one-shot event carrying a value of type `T`. Create through `Simulator.event()`; trigger with
 * `succeed` or `fail` exactly once.
 */
export class Event<T = unknown> {
  /** The simulator whose agenda this event lives in. */
  readonly sim: EventScheduler;
  /** @internal */ _state: EventState;
  /** @internal */ _value: unknown;
  /** @internal */ _ok = true;
  /** @internal Set when a waiter took responsibility for this event's failure. */ _defused = false;
  /** @internal */ _first: Waiter | null = null;
  /** @internal */ _more: Waiter[] | null = null;

  /**
   * Creates an event in `sim`, pending by default. Kernel code passes TRIGGERED and a value for
   * events it enqueues itself (timeouts); everyone else triggers with `succeed` or `fail`.
   */
  constructor(sim: EventScheduler, state: EventState = PENDING, value?: unknown) {
    this.sim = sim;
    this._state = state;
    this._value = value;
  }

  /** True once the event has a value (it may not be processed yet). */
  get triggered(): boolean {
    return this._state !== PENDING;
  }
  /** True once the event's waiters have run. */
  get processed(): boolean {
    return this._state === PROCESSED;
  }
  /** True if the event succeeded. @throws Error while still pending. */
  get ok(): boolean {
    if (this._state === PENDING) throw new Error('event is still pending: it has no outcome yet');
    return this._ok;
  }
  /** The success value, or the failure's error. @throws Error while still pending. */
  get value(): T {
    if (this._state === PENDING) throw new Error('event is still pending: it has no value yet');
    return this._value as T;
  }

  /** Triggers the event with `value`; it is processed at the current time. @throws Error if already triggered. */
  succeed(value?: T): this {
    if (this._state !== PENDING) throw new Error('event has already been triggered');
    this._value = value;
    this._state = TRIGGERED;
    this.sim._enqueue(this, 0, NORMAL);
    return this;
  }

  /**
   * Fails the event with `error`; it is processed at the current time. Unless a waiter handles it
   * (a process waiting on it catches it, or a condition absorbs it), the run stops with `error`.
   * @throws Error if already triggered.
   */
  fail(error: unknown): this {
    if (this._state !== PENDING) throw new Error('event has already been triggered');
    this._ok = false;
    this._value = error;
    this._state = TRIGGERED;
    this.sim._enqueue(this, 0, NORMAL);
    return this;
  }

  /** Marks a failure as handled, so it does not stop the run. */
  defuse(): void {
    this._defused = true;
  }

  /**
   * Calls `fn` when the event is processed. Callbacks run in the order they were added.
   * @throws Error if the event has already been processed.
   */
  onProcessed(fn: (ev: Event<T>) => void): void {
    this._addWaiter(new CallbackWaiter(fn as (ev: Event<unknown>) => void));
  }

  /**
   * Tells `waiter` when the event is processed, in the same order as `onProcessed` callbacks. For hot
   * paths that keep one waiter object per role (a parameter server's per-worker push): `onProcessed`
   * wraps its function in a new object on every call.
   * @throws Error if the event has already been processed.
   */
  notify(waiter: Waiter): void {
    this._addWaiter(waiter);
  }

  /** @internal Registers a waiter, keeping registration order. */
  _addWaiter(w: Waiter): void {
    if (this._state === PROCESSED) throw new Error('cannot wait on an event that was already processed');
    if (this._first === null && this._more === null) this._first = w;
    else if (this._more === null) this._more = [w];
    else this._more.push(w);
  }

  /** @internal Unregisters a waiter (used by interrupts and conditions). */
  _removeWaiter(w: Waiter): void {
    if (this._first === w) {
      this._first = null;
      return;
    }
    const more = this._more;
    if (more !== null) {
      const i = more.indexOf(w);
      if (i >= 0) more.splice(i, 1);
    }
  }
}

/**
 * An event that triggers itself `delay` seconds after it is created. It is a plain `Event` (not a
 * subclass) on purpose: one hidden class for the kernel's most common event keeps every property
 * access on the hot path monomorphic and skips a derived-constructor call.
 */
export type Timeout<T = undefined> = Event<T>;

/**
 * Creates a timeout in `sim`: an event already triggered with `value`, processed `delay` seconds
 * from now. @throws RangeError for a negative, NaN or infinite delay.
 */
export function createTimeout<T>(sim: EventScheduler, delay: Seconds, value?: T): Timeout<T> {
  if (!(delay >= 0) || delay === Infinity) {
    throw new RangeError(`timeout delay must be a finite number >= 0, got ${String(delay)}`);
  }
  const ev = new Event<T>(sim, TRIGGERED, value);
  sim._enqueue(ev as Event<unknown>, delay, NORMAL);
  return ev;
}

/** Value of an `anyOf` condition: which event fired first, and its value. */
export interface AnyOfResult<T> {
  /** Position of the first processed event in the list given to `anyOf`. */
  readonly index: number;
  /** That event's value. */
  readonly value: T;
}

/**
 * Waits on several events. `all` succeeds with every value (in list order) once all succeed; `any`
 * succeeds with the first one processed. Either fails as soon as a child fails, taking over (defusing)
 * that child's error. Once decided, it stops listening to the rest.
 */
export class Condition<R> extends Event<R> implements Waiter {
  private readonly events: readonly Event<unknown>[];
  private readonly mode: 'all' | 'any';
  private count = 0;

  /** @throws Error if an event belongs to another simulator; RangeError for `any` of no events. */
  constructor(sim: EventScheduler, events: readonly Event<unknown>[], mode: 'all' | 'any') {
    super(sim);
    this.events = events;
    this.mode = mode;
    if (mode === 'any' && events.length === 0) throw new RangeError('anyOf needs at least one event');
    for (const ev of events) {
      if (ev.sim !== sim) throw new Error('a condition cannot mix events of different simulators');
    }
    if (events.length === 0) {
      this.succeed([] as R);
      return;
    }
    for (const ev of events) {
      if (this._state !== PENDING) break;
      if (ev._state === PROCESSED) this._onEvent(ev);
      else ev._addWaiter(this);
    }
  }

  /** @internal */
  _onEvent(ev: Event<unknown>): void {
    if (this._state !== PENDING) return;
    if (!ev._ok) {
      ev._defused = true;
      this.detach();
      this.fail(ev._value);
      return;
    }
    this.count++;
    if (this.mode === 'any') {
      this.detach();
      this.succeed({ index: this.events.indexOf(ev), value: ev._value } as R);
    } else if (this.count === this.events.length) {
      this.succeed(this.events.map((e) => e._value) as R);
    }
  }

  private detach(): void {
    for (const e of this.events) if (e._state !== PROCESSED) e._removeWaiter(this);
  }
}
