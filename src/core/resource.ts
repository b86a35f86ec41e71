/**
 * Shared resources built on events (SimPy's Resource): a device with `capacity` slots served first
 * come, first served. A process asks with `request()`, waits on the returned event, works, then calls
 * `release(req)`. The resource also integrates its busy slots over time, which gives utilisation.
 */
import { Event, PENDING } from './events.ts';
import type { EventScheduler } from './events.ts';

/** A request for one slot of a `Resource`; it succeeds when the slot is granted. */
export class Request extends Event<undefined> {
  /** The resource asked. */
  readonly resource: Resource;
  /** @internal */ _granted = false;
  /** @internal */ _released = false;
  /** Simulated time at which the request was made. */
  readonly requestedAt: number;

  /** Created by `Resource.request()`. */
  constructor(resource: Resource, sim: EventScheduler) {
    super(sim);
    this.resource = resource;
    this.requestedAt = sim.now;
  }

  /** True once a slot was granted to this request. */
  get granted(): boolean {
    return this._granted;
  }

  /** Withdraws a waiting request, or releases a granted one. Safe to call twice. */
  cancel(): void {
    this.resource.release(this);
  }
}

/** A FIFO resource with a fixed number of identical slots. */
export class Resource {
  /** Number of slots. */
  readonly capacity: number;
  private readonly sim: EventScheduler;
  private readonly waiting: Request[] = [];
  private head = 0;
  private users = 0;
  private busyIntegral = 0;
  private lastChange: number;

  /** @throws RangeError unless capacity is a positive integer. */
  constructor(sim: EventScheduler, capacity = 1) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`resource capacity must be a positive integer, got ${capacity}`);
    }
    this.sim = sim;
    this.capacity = capacity;
    this.lastChange = sim.now;
  }

  /** Slots in use. */
  get count(): number {
    return this.users;
  }

  /** Requests waiting for a slot. */
  get queueLength(): number {
    return this.waiting.length - this.head;
  }

  /** Asks for one slot; the returned request succeeds when the slot is granted (at once if free). */
  request(): Request {
    const req = new Request(this, this.sim);
    if (this.users < this.capacity) this.grant(req);
    else this.waiting.push(req);
    return req;
  }

  /**
   * Gives a granted slot back (and grants it to the next waiter), or withdraws a waiting request.
   * Releasing twice does nothing. @throws Error if `req` belongs to another resource.
   */
  release(req: Request): void {
    if (req.resource !== this) throw new Error('request belongs to another resource');
    if (req._released) return;
    req._released = true;
    if (!req._granted) {
      const i = this.waiting.indexOf(req, this.head);
      if (i >= 0) this.waiting.splice(i, 1);
      return;
    }
    this.account();
    this.users--;
    while (this.users < this.capacity && this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.head++;
      this.grant(next);
    }
    // Compact the FIFO now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Slot-seconds of busy time since creation, up to now. */
  busyTime(): number {
    return this.busyIntegral + this.users * (this.sim.now - this.lastChange);
  }

  /** Mean fraction of slots busy between creation (time `since`) and now; 0 for an empty interval. */
  utilization(since = 0): number {
    const span = this.sim.now - since;
    return span > 0 ? this.busyTime() / (span * this.capacity) : 0;
  }

  private grant(req: Request): void {
    this.account();
    this.users++;
    req._granted = true;
    if (req._state === PENDING) req.succeed(undefined);
  }

  private account(): void {
    const now = this.sim.now;
    this.busyIntegral += this.users * (now - this.lastChange);
    this.lastChange = now;
  }
}
