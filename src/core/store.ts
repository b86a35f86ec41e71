/**
 * A Store (SimPy's Store): a FIFO mailbox of items with optional capacity. `put` waits while the store
 * is full; `get` waits while it is empty. Waiting getters and putters are each served in arrival
 * order. Used for message queues between simulated workers and servers.
 */
import { Event } from './events.ts';
import type { EventScheduler } from './events.ts';

/** A FIFO buffer of items of type T shared between processes. */
export class Store<T> {
  /** Maximum number of items held; Infinity by default. */
  readonly capacity: number;
  private readonly sim: EventScheduler;
  private readonly items: T[] = [];
  private readonly getters: Event<T>[] = [];
  private readonly putters: { ev: Event<undefined>; item: T }[] = [];

  /** @throws RangeError unless capacity is a positive integer or Infinity. */
  constructor(sim: EventScheduler, capacity = Infinity) {
    if (!(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 1))) {
      throw new RangeError(`store capacity must be a positive integer or Infinity, got ${capacity}`);
    }
    this.sim = sim;
    this.capacity = capacity;
  }

  /** Items currently held. */
  get size(): number {
    return this.items.length;
  }

  /** A snapshot of the held items, oldest first. */
  peekAll(): readonly T[] {
    return this.items.slice();
  }

  /** Adds `item`; the event succeeds once the item is in the store (at once unless full). */
  put(item: T): Event<undefined> {
    const ev = new Event<undefined>(this.sim);
    this.putters.push({ ev, item });
    this.settle();
    return ev;
  }

  /** Takes the oldest item; the event succeeds with it once one is available. */
  get(): Event<T> {
    const ev = new Event<T>(this.sim);
    this.getters.push(ev);
    this.settle();
    return ev;
  }

  /** Withdraws a pending `get` (for example after an interrupt). Returns true if it was waiting. */
  cancelGet(ev: Event<T>): boolean {
    const i = this.getters.indexOf(ev);
    if (i < 0) return false;
    this.getters.splice(i, 1);
    return true;
  }

  // Moves items from putters into the buffer and from the buffer to getters until neither can move.
  private settle(): void {
    for (;;) {
      let moved = false;
      while (this.putters.length > 0 && this.items.length < this.capacity) {
        const p = this.putters.shift()!;
        this.items.push(p.item);
        p.ev.succeed(undefined);
        moved = true;
      }
      while (this.getters.length > 0 && this.items.length > 0) {
        this.getters.shift()!.succeed(this.items.shift()!);
        moved = true;
      }
      if (!moved) return;
    }
  }
}
