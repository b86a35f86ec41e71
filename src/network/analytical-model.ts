/**
 * The `analytical` network model: a transfer takes its path's latency plus size over the path's
 * bottleneck bandwidth, as if it had every link to itself (no contention). One timeout per transfer,
 * so it scales to any cluster; use `flow` when links are shared. A transfer's bytes count on its
 * links once the clock has reached its arrival time.
 */
import type { Event } from '../core/events.ts';
import type { Simulator } from '../core/simulator.ts';
import { bytes as checkBytes, seconds } from '../core/units.ts';
import type { Bytes } from '../core/units.ts';
import { grow, PairTable } from './pair-table.ts';
import type { NetworkModel, Topology } from './types.ts';

// A bound on the per-pair cache, as the topology's own route cache has: when it fills it is cleared
// (entries are pure functions of the pair), so a long run touching many pairs cannot grow it forever.
const PAIR_CACHE_LIMIT = 1 << 20;

// Transfers in flight are settled (their bytes credited once arrived) in batches of at least this many.
const SETTLE_MIN = 4096;

/** Closed-form, contention-free network model. */
export class AnalyticalNetwork implements NetworkModel {
  /** Always `analytical`. */
  readonly kind = 'analytical' as const;
  /** The topology it routes on. */
  readonly topology: Topology;
  private readonly sim: Simulator;
  private readonly bytes: Float64Array;
  private readonly pairs = new PairTable();
  // Transfers sent and not yet credited, as parallel columns (see `settle`).
  private pendingArrival = new Float64Array(SETTLE_MIN);
  private pendingSizes = new Float64Array(SETTLE_MIN);
  private pendingPairs = new Int32Array(SETTLE_MIN);
  private nPending = 0;

  /** A model moving bytes on `topology` in `sim`'s time. */
  constructor(sim: Simulator, topology: Topology) {
    this.sim = sim;
    this.topology = topology;
    this.bytes = new Float64Array(topology.links.length);
  }

  /**
   * Succeeds after pathLatency + size / pathBandwidth (0 when src === dst). Bytes are credited to
   * every link of the path when the clock reaches the arrival time, so `linkBytes` counts delivered
   * bytes only (at the arrival instant itself, before the event is processed, too).
   * @throws RangeError for a bad rank or a negative, NaN or infinite size.
   */
  transfer(src: number, dst: number, size: Bytes): Event<void> {
    checkBytes(size);
    const ranks = this.topology.ranks;
    const pairs = this.pairs;
    let pair = -1;
    // Only valid ranks may use the cache: the key of a bad pair could equal a good one's.
    if (Number.isInteger(src) && Number.isInteger(dst) && src >= 0 && dst >= 0 && src < ranks && dst < ranks) {
      const key = src * ranks + dst;
      pair = pairs.find(key);
      if (pair < 0) {
        if (pairs.size >= PAIR_CACHE_LIMIT) {
          // Transfers in flight refer to pairs by number: keep those pairs, renumbered.
          this.settle();
          pairs.retain(this.pendingPairs, this.nPending);
        }
        pair = pairs.add(key, this.topology.route(src, dst), this.topology);
      }
    } else this.topology.route(src, dst); // throws the topology's own message
    if (pair < 0 || pairs.pathLength[pair] === 0) return this.sim.timeout(seconds(0));
    // The same arithmetic as pathLatency(route) + size / pathBandwidth(route), from the cached sums.
    const delay = pairs.latency[pair]! + size / pairs.bandwidth[pair]!;
    const ev = this.sim.timeout<void>(seconds(delay));
    // Its bytes are credited once the clock reaches its arrival (`settle`), not by a callback on the
    // event: a parameter server sends twice per update, and a callback each (or holding the events
    // until they are processed, which keeps them alive past the young generation) cost more than the
    // rest of the transfer. Only numbers are kept: the arrival time, the pair and the size.
    if (this.nPending === this.pendingArrival.length) this.settle();
    const i = this.nPending++;
    this.pendingArrival[i] = (this.sim.now as number) + delay;
    this.pendingPairs[i] = pair;
    this.pendingSizes[i] = size;
    return ev;
  }

  /** A copy of the bytes delivered over each directed link by now, indexed by link id. */
  linkBytes(): Float64Array {
    this.settle();
    return this.bytes.slice();
  }

  // Credits every transfer in flight whose arrival time the clock has reached, in send order, and
  // keeps the others. When more than half of the room is still in flight, the room doubles, so each
  // transfer is looked at O(1) times on average.
  private settle(): void {
    const now = this.sim.now as number;
    const arrival = this.pendingArrival;
    const pairs = this.pendingPairs;
    const sizes = this.pendingSizes;
    const bytes = this.bytes;
    const { pathStart, pathLength, links } = this.pairs;
    let kept = 0;
    for (let i = 0; i < this.nPending; i++) {
      const pair = pairs[i]!;
      const size = sizes[i]!;
      if (arrival[i]! <= now) {
        for (let l = pathStart[pair]!, end = l + pathLength[pair]!; l < end; l++) bytes[links[l]!]! += size;
      } else {
        arrival[kept] = arrival[i]!;
        pairs[kept] = pair;
        sizes[kept] = size;
        kept++;
      }
    }
    this.nPending = kept;
    if (kept * 2 > arrival.length) {
      const n = arrival.length * 2;
      this.pendingArrival = grow(arrival, n);
      this.pendingSizes = grow(sizes, n);
      this.pendingPairs = grow(pairs, n);
    }
  }
}
