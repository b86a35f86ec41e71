/**
 * The (src, dst) pairs a network model's transfers have used, as typed columns: each pair's latency sum
 * and bottleneck bandwidth, and its route as a slice of one flat array of link ids.
 */
import { pathBandwidth, pathLatency } from './paths.ts';
import type { Topology } from './types.ts';

/**
 * The (src, dst) pairs transfers have used, as typed columns indexed by a pair number: each pair's
 * latency sum and bottleneck bandwidth (so a transfer does not walk its links to price itself) and its
 * route as a slice of one flat array of link ids. Columns rather than an object per pair: at 4,096
 * parameter-server workers a transfer's cost is mostly cache misses on per-pair state, and a column
 * entry is one load where an object and its path array were three.
 */
export class PairTable {
  private readonly index = new Map<number, number>();
  latency = new Float64Array(256);
  bandwidth = new Float64Array(256);
  pathStart = new Int32Array(256);
  pathLength = new Int32Array(256);
  private keys = new Float64Array(256);
  links = new Int32Array(1024);
  private count = 0;
  private linkCount = 0;

  /** The pair number of `key`, or -1 if it has none yet. */
  find(key: number): number {
    return this.index.get(key) ?? -1;
  }

  /** Numbers a new pair; the caller has checked that `find(key)` is -1. */
  add(key: number, path: readonly number[], topology: Topology): number {
    const i = this.count++;
    if (i === this.latency.length) {
      this.latency = grow(this.latency, 2 * i);
      this.bandwidth = grow(this.bandwidth, 2 * i);
      this.pathStart = grow(this.pathStart, 2 * i);
      this.pathLength = grow(this.pathLength, 2 * i);
      this.keys = grow(this.keys, 2 * i);
    }
    while (this.linkCount + path.length > this.links.length) this.links = grow(this.links, 2 * this.links.length);
    this.latency[i] = pathLatency(topology, path);
    this.bandwidth[i] = pathBandwidth(topology, path);
    this.pathStart[i] = this.linkCount;
    this.pathLength[i] = path.length;
    this.keys[i] = key;
    this.links.set(path, this.linkCount);
    this.linkCount += path.length;
    this.index.set(key, i);
    return i;
  }

  /** Number of pairs held. */
  get size(): number {
    return this.count;
  }

  /**
   * Forgets every pair but those numbered in `used[0 .. n)`, which are numbered again from 0; `used` is
   * rewritten with the new numbers.
   */
  retain(used: Int32Array, n: number): void {
    const old = {
      latency: this.latency.slice(0, this.count),
      bandwidth: this.bandwidth.slice(0, this.count),
      keys: this.keys.slice(0, this.count),
      start: this.pathStart.slice(0, this.count),
      length: this.pathLength.slice(0, this.count),
      links: this.links.slice(0, this.linkCount),
    };
    const renumbered = new Map<number, number>();
    this.index.clear();
    this.count = 0;
    this.linkCount = 0;
    for (let i = 0; i < n; i++) {
      const p = used[i]!;
      let q = renumbered.get(p);
      if (q === undefined) {
        const i0 = this.count++;
        this.latency[i0] = old.latency[p]!;
        this.bandwidth[i0] = old.bandwidth[p]!;
        this.keys[i0] = old.keys[p]!;
        this.pathStart[i0] = this.linkCount;
        this.pathLength[i0] = old.length[p]!;
        this.links.set(old.links.subarray(old.start[p]!, old.start[p]! + old.length[p]!), this.linkCount);
        this.linkCount += old.length[p]!;
        this.index.set(old.keys[p]!, i0);
        renumbered.set(p, (q = i0));
      }
      used[i] = q;
    }
  }
}

/** A copy of `a` with room for `n` entries. */
export function grow<A extends Float64Array | Int32Array>(a: A, n: number): A {
  const b = new (a.constructor as new (n: number) => A)(n);
  b.set(a);
  return b;
}
