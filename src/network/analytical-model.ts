/**
 * The `analytical` network model: a transfer takes its path's latency plus size over the path's
 * bottleneck bandwidth, as if it had every link to itself (no contention). One timeout per transfer,
 * so it scales to any cluster; use `flow` when links are shared.
 */
import type { Event } from '../core/events.ts';
import type { Simulator } from '../core/simulator.ts';
import type { Bytes } from '../core/units.ts';
import { pathBandwidth, pathLatency } from './paths.ts';
import { timedTransfer } from './timed-transfer.ts';
import type { NetworkModel, Topology } from './types.ts';

/** Closed-form, contention-free network model. */
export class AnalyticalNetwork implements NetworkModel {
  /** Always `analytical`. */
  readonly kind = 'analytical' as const;
  /** The topology it routes on. */
  readonly topology: Topology;
  private readonly sim: Simulator;
  private readonly bytes: Float64Array;
  /** α + size / B of a route (made once: transfers are a hot path). */
  private readonly timeOf: (route: readonly number[], size: number) => number;

  /** A model moving bytes on `topology` in `sim`'s time. */
  constructor(sim: Simulator, topology: Topology) {
    this.sim = sim;
    this.topology = topology;
    this.bytes = new Float64Array(topology.links.length);
    this.timeOf = (route, size) => pathLatency(topology, route) + size / pathBandwidth(topology, route);
  }

  /**
   * Succeeds after pathLatency + size / pathBandwidth (0 when src === dst). Bytes are credited to
   * every link of the path when the transfer completes, so `linkBytes` counts delivered bytes only.
   * @throws RangeError for a bad rank or a negative, NaN or infinite size.
   */
  transfer(src: number, dst: number, size: Bytes): Event<void> {
    return timedTransfer(this.sim, this.topology, this.bytes, src, dst, size, this.timeOf);
  }

  /** A copy of the bytes delivered over each directed link so far, indexed by link id. */
  linkBytes(): Float64Array {
    return this.bytes.slice();
  }
}
