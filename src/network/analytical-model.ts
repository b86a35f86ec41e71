/**
 * The `analytical` network model: a transfer takes its path's latency plus size over the path's
 * bottleneck bandwidth, as if it had every link to itself (no contention). One timeout per transfer,
 * so it scales to any cluster; use `flow` when links are shared.
 */
import type { Event } from '../core/events.ts';
import type { Simulator } from '../core/simulator.ts';
import { bytes as checkBytes, seconds } from '../core/units.ts';
import type { Bytes } from '../core/units.ts';
import { pathBandwidth, pathLatency } from './paths.ts';
import type { NetworkModel, Topology } from './types.ts';

// A bound on the per-pair cache, as the topology's own route cache has: when it fills it is cleared
// (entries are pure functions of the pair), so a long run touching many pairs cannot grow it forever.
const PAIR_CACHE_LIMIT = 1 << 20;

/**
 * One (src, dst) pair as transfers use it: its route, the route's latency sum and bottleneck
 * bandwidth (so a transfer does not walk the links to price itself), and the callback that credits a
 * delivered transfer's bytes to the route's links, made once per size (a parameter server sends the
 * same shard size every time), so a transfer allocates no closure of its own.
 */
class Pair {
  readonly latency: number;
  readonly bandwidth: number;
  private creditSize = -1;
  private credit: (() => void) | null = null;

  constructor(
    readonly path: readonly number[],
    topology: Topology,
    private readonly counters: Float64Array,
  ) {
    this.latency = pathLatency(topology, path);
    this.bandwidth = pathBandwidth(topology, path);
  }

  /** The callback adding `size` to each link of the path. */
  creditOf(size: number): () => void {
    if (this.credit === null || this.creditSize !== size) {
      const { path, counters } = this;
      this.creditSize = size;
      // An index loop: `for … of` over the topology's frozen route arrays is several times slower.
      this.credit = function credit(): void {
        for (let i = 0; i < path.length; i++) counters[path[i]!]! += size;
      };
    }
    return this.credit;
  }
}

/** Closed-form, contention-free network model. */
export class AnalyticalNetwork implements NetworkModel {
  /** Always `analytical`. */
  readonly kind = 'analytical' as const;
  /** The topology it routes on. */
  readonly topology: Topology;
  private readonly sim: Simulator;
  private readonly bytes: Float64Array;
  private readonly pairs = new Map<number, Pair>();

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
    const ranks = this.topology.ranks;
    let pair: Pair | undefined;
    // Only valid ranks may use the cache: the key of a bad pair could equal a good one's.
    if (Number.isInteger(src) && Number.isInteger(dst) && src >= 0 && dst >= 0 && src < ranks && dst < ranks) {
      const key = src * ranks + dst;
      pair = this.pairs.get(key);
      if (pair === undefined) {
        if (this.pairs.size >= PAIR_CACHE_LIMIT) this.pairs.clear();
        pair = new Pair(this.topology.route(src, dst), this.topology, this.bytes);
        this.pairs.set(key, pair);
      }
    } else this.topology.route(src, dst); // throws the topology's own message
    if (pair === undefined || pair.path.length === 0) return this.sim.timeout(seconds(0));
    // The same arithmetic as pathLatency(route) + size / pathBandwidth(route), from the cached sums.
    const ev = this.sim.timeout<void>(seconds(pair.latency + size / pair.bandwidth));
    ev.onProcessed(pair.creditOf(size));
    return ev;
  }

  /** A copy of the bytes delivered over each directed link so far, indexed by link id. */
  linkBytes(): Float64Array {
    return this.bytes.slice();
  }
}
