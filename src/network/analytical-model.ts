/**
 * The `analytical` network model: a transfer takes its path's latency plus size over the path's
 * bottleneck bandwidth, as if it had every link to itself (no contention). One timeout per transfer,
 * so it scales to any cluster; use `flow` when links are shared.
 */
import type { Event } from '../core/events.ts';
import type { Simulator } from '../core/simulator.ts';
import { bytes as checkBytes } from '../core/units.ts';
import type { Bytes, Seconds } from '../core/units.ts';
import { pathBandwidth, pathLatency } from './paths.ts';
import type { NetworkModel, Topology } from './types.ts';

/** Closed-form, contention-free network model. */
export class AnalyticalNetwork implements NetworkModel {
  /** Always `analytical`. */
  readonly kind = 'analytical' as const;
  /** The topology it routes on. */
  readonly topology: Topology;
  private readonly sim: Simulator;
  private readonly bytes: Float64Array;

  /** A model moving bytes on `topology` in `sim`'s time. */
  constructor(sim: Simulator, topology: Topology) {
    this.sim = sim;
    this.topology = topology;
    this.bytes = new Float64Array(topology.links.length);
  }

  /**
   * Succeeds after pathLatency + size / pathBandwidth (0 when src === dst). Bytes are credited to
   * every link of the path when the transfer completes, so `linkBytes` counts delivered bytes only.
   * @throws RangeError for a bad rank or a negative, NaN or infinite size.
   */
  transfer(src: number, dst: number, size: Bytes): Event<void> {
    checkBytes(size);
    const path = this.topology.route(src, dst);
    if (path.length === 0) return this.sim.timeout(0 as Seconds);
    const t = pathLatency(this.topology, path) + size / pathBandwidth(this.topology, path);
    const ev = this.sim.timeout<void>(t as Seconds);
    const counters = this.bytes;
    ev.onProcessed(() => {
      for (const l of path) counters[l]! += size;
    });
    return ev;
  }

  /** A copy of the bytes delivered over each directed link so far, indexed by link id. */
  linkBytes(): Float64Array {
    return this.bytes.slice();
  }
}
