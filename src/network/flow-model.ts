/**
 * The `flow` network model: every transfer is a flow over its route's directed links. A flow first
 * waits its path latency (propagation of the first byte), then drains its bytes at its max-min fair
 * rate; rates are re-solved whenever a flow starts draining or finishes. What it captures: bandwidth
 * sharing and bottlenecks (incast, oversubscribed uplinks, a NIC shared by a node's GPUs). What it does
 * not: packets, queues, loss, congestion-control dynamics (rates jump to their fair share at once).
 *
 * Events: starts and ends at one instant are batched into one re-solve, scheduled as an ordinary event
 * at the current time, so it runs after every other event already queued for that instant (a lock-step
 * collective's N simultaneous starts cost one solve). After a solve one timer is set for the earliest
 * finishing flow. Kernel timeouts cannot be cancelled, so each timer carries the generation it was set
 * in and is ignored if a later solve has superseded it (lazy invalidation).
 *
 * Link usage over time (links.csv) is recorded only after `recordLinkUsage()`: each settle then also
 * hands every busy link's bytes of the interval to a `LinkUsage` (link-usage.ts), which spreads them
 * over its time bins; rates are constant between solves, so that is exact.
 */
import type { Event } from '../core/events.ts';
import type { Simulator } from '../core/simulator.ts';
import { bytes as checkBytes } from '../core/units.ts';
import type { Bytes, Seconds } from '../core/units.ts';
import { LinkUsage, type LinkUsageTable } from './link-usage.ts';
import { MaxMinSolver } from './max-min.ts';
import { pathLatency } from './paths.ts';
import type { NetworkModel, Topology } from './types.ts';

// A flow counts as finished when what is left would drain within this fraction of the current time:
// the completion timer lands at now + remaining/rate, and re-deriving the drained bytes from the clock
// loses a few ulps of `now`. 1e-12 is thousands of ulps, and a picosecond at t = 1 s.
const FINISH_TOLERANCE = 1e-12;

/** Flow-level network model with max-min fair sharing of links. */
export class FlowNetwork implements NetworkModel {
  /** Always `flow`. */
  readonly kind = 'flow' as const;
  /** The topology it routes on. */
  readonly topology: Topology;
  private readonly sim: Simulator;
  private readonly solver: MaxMinSolver;
  private readonly bytes: Float64Array;

  // Per flow slot (slots are reused through `free`).
  private remaining: Float64Array = new Float64Array(64);
  private rate: Float64Array = new Float64Array(64);
  private paths: (readonly number[])[] = [];
  private done: (Event<void> | null)[] = [];
  private readonly free: number[] = [];

  // Flows draining now, in the order they started (kept stable so that runs are repeatable).
  private active: Int32Array = new Int32Array(64);
  private nActive = 0;
  // Flows whose latency has elapsed, waiting for the next solve to join `active`.
  private readonly arrived: number[] = [];

  private lastSettle: number;
  private resolveQueued = false;
  private generation = 0;
  private readonly resolveFn = (): void => this.resolve();

  // Per-link bytes over time, only when asked for (`recordLinkUsage`): null costs one test a settle.
  private usage: LinkUsage | null = null;
  // Bytes each link carried in the interval being settled, and the links touched (recording only).
  private pending: Float64Array = new Float64Array(0);
  private touched: Int32Array = new Int32Array(0);
  private touchedMark: Uint8Array = new Uint8Array(0);

  /** A model moving bytes on `topology` in `sim`'s time. */
  constructor(sim: Simulator, topology: Topology) {
    this.sim = sim;
    this.topology = topology;
    const cap = new Float64Array(topology.links.length);
    for (const l of topology.links) cap[l.id] = l.bandwidth;
    this.solver = new MaxMinSolver(cap);
    this.bytes = new Float64Array(topology.links.length);
    this.lastSettle = sim.now;
  }

  /** Flows currently draining (latency elapsed, bytes left). */
  get activeFlows(): number {
    return this.nActive + this.arrived.length;
  }

  /**
   * Starts a flow of `size` bytes from `src` to `dst`; the event succeeds when its last byte has
   * arrived: after the path latency plus the drain time at the (changing) fair rate. src === dst
   * succeeds at once; size 0 after the path latency.
   * @throws RangeError for a bad rank or a negative, NaN or infinite size.
   */
  transfer(src: number, dst: number, size: Bytes): Event<void> {
    checkBytes(size);
    const path = this.topology.route(src, dst);
    if (path.length === 0) return this.sim.timeout(0 as Seconds);
    const latency = pathLatency(this.topology, path);
    if (size === 0) return this.sim.timeout(latency);
    const done = this.sim.event<void>();
    const f = this.allocate(path, size, done);
    if (latency === 0) this.arrive(f);
    else this.sim.schedule(latency, () => this.arrive(f));
    return done;
  }

  /** A copy of the bytes carried by each directed link up to now, indexed by link id. */
  linkBytes(): Float64Array {
    this.settle();
    return this.bytes.slice();
  }

  /**
   * From now on, records the bytes each link carries per time bin (link-usage.ts), for `linkUsage`.
   * Off by default: it costs a second pass over each settled flow's links.
   */
  recordLinkUsage(): void {
    if (this.usage !== null) return;
    const n = this.topology.links.length;
    this.settle();
    this.usage = new LinkUsage(n);
    this.pending = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.touchedMark = new Uint8Array(n);
  }

  /**
   * The bytes each link carried per time bin from `recordLinkUsage` up to now, or undefined when not
   * recording. Settles first, so flows still draining count up to the current time.
   */
  linkUsage(): LinkUsageTable | undefined {
    if (this.usage === null) return undefined;
    this.settle();
    return this.usage.table(this.sim.now);
  }

  /** The sum of the current rates of the flows on each link (B/s), indexed by link id. */
  linkRates(): Float64Array {
    const out = new Float64Array(this.topology.links.length);
    for (let i = 0; i < this.nActive; i++) {
      const f = this.active[i]!;
      for (const l of this.paths[f]!) out[l]! += this.rate[f]!;
    }
    return out;
  }

  private allocate(path: readonly number[], size: number, done: Event<void>): number {
    let f = this.free.pop();
    if (f === undefined) {
      f = this.paths.length;
      this.paths.push(path);
      this.done.push(done);
      if (f >= this.remaining.length) {
        this.remaining = grow(this.remaining);
        this.rate = grow(this.rate);
      }
    } else {
      this.paths[f] = path;
      this.done[f] = done;
    }
    this.remaining[f] = size;
    this.rate[f] = 0;
    return f;
  }

  private arrive(f: number): void {
    this.arrived.push(f);
    if (!this.resolveQueued) {
      this.resolveQueued = true;
      this.sim.schedule(0 as Seconds, this.resolveFn);
    }
  }

  private onTimer(generation: number): void {
    // A stale timer (a later solve set a newer one), or a solve already queued for this instant.
    if (generation !== this.generation || this.resolveQueued) return;
    this.resolve();
  }

  // Drains every active flow at its current rate from the last settle to now, crediting its links.
  private settle(): void {
    const now = this.sim.now;
    const t0 = this.lastSettle;
    const dt = now - t0;
    this.lastSettle = now;
    if (dt <= 0) return;
    if (this.usage !== null) {
      this.settleRecorded(t0, now);
      return;
    }
    const { active, remaining, rate, paths, bytes } = this;
    for (let i = 0; i < this.nActive; i++) {
      const f = active[i]!;
      let d = rate[f]! * dt;
      if (d > remaining[f]!) d = remaining[f]!;
      remaining[f]! -= d;
      const p = paths[f]!;
      for (let j = 0; j < p.length; j++) bytes[p[j]!]! += d;
    }
  }

  // `settle` while recording: the same drain, and each link's bytes of the interval go to its bins.
  private settleRecorded(t0: number, now: number): void {
    const { active, remaining, rate, paths, bytes, pending, touched, touchedMark } = this;
    const dt = now - t0;
    let nTouched = 0;
    for (let i = 0; i < this.nActive; i++) {
      const f = active[i]!;
      let d = rate[f]! * dt;
      if (d > remaining[f]!) d = remaining[f]!;
      remaining[f]! -= d;
      const p = paths[f]!;
      for (let j = 0; j < p.length; j++) {
        const l = p[j]!;
        bytes[l]! += d;
        pending[l]! += d;
        if (touchedMark[l] === 0) {
          touchedMark[l] = 1;
          touched[nTouched++] = l;
        }
      }
    }
    // Rates were constant since the last solve, so each link's bytes spread evenly over [t0, now].
    this.usage!.addAll(touched, nTouched, pending, t0, now);
    for (let k = 0; k < nTouched; k++) {
      const l = touched[k]!;
      pending[l] = 0;
      touchedMark[l] = 0;
    }
  }

  private resolve(): void {
    this.resolveQueued = false;
    this.settle();
    const { remaining, rate, paths, bytes } = this;
    const tol = FINISH_TOLERANCE * Math.max(this.sim.now, 1);
    // Retire finished flows, keeping the others in order.
    let k = 0;
    for (let i = 0; i < this.nActive; i++) {
      const f = this.active[i]!;
      if (remaining[f]! <= rate[f]! * tol) {
        // Credit the round-off remainder too, so each link counts exactly the flow's size.
        const p = paths[f]!;
        for (let j = 0; j < p.length; j++) bytes[p[j]!]! += remaining[f]!;
        if (this.usage !== null) for (const l of p) this.usage.add(l, this.sim.now, this.sim.now, remaining[f]!);
        remaining[f] = 0;
        const ev = this.done[f]!;
        this.done[f] = null;
        this.free.push(f);
        ev.succeed();
      } else {
        this.active[k++] = f;
      }
    }
    this.nActive = k;
    for (const f of this.arrived) {
      if (this.nActive === this.active.length) this.active = growInt(this.active);
      this.active[this.nActive++] = f;
    }
    this.arrived.length = 0;
    const generation = ++this.generation;
    if (this.nActive === 0) return;
    this.solver.solve(this.active, this.nActive, paths, rate);
    let next = Infinity;
    for (let i = 0; i < this.nActive; i++) {
      const f = this.active[i]!;
      const t = remaining[f]! / rate[f]!;
      if (t < next) next = t;
    }
    this.sim.schedule(next as Seconds, () => this.onTimer(generation));
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function growInt(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
