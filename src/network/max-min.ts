/**
 * Max-min fair rates by progressive filling (Bertsekas & Gallager, "Data Networks", §6.5.2): raise all
 * unfrozen flows' rates together until some link is full; freeze the flows on that link at its fair
 * share; repeat with the residual capacities. The result is the unique allocation in which no flow can
 * get more without taking from a flow that has no more than it.
 *
 * Cost per solve: O(Σ path lengths) to build a link→flows index, plus O(used links) per distinct
 * bottleneck level. Links whose fair shares tie (within a relative 1e-9) are frozen in the same round,
 * which is what keeps symmetric workloads (every flow of a ring step has the same bottleneck) at a
 * single round instead of one round per link. All state lives in typed arrays reused across solves.
 */

// Shares within this relative distance of the minimum are treated as equal, so round-off cannot split
// one bottleneck level into many rounds. The rate given is the minimum, so no link is overfilled.
const TIE = 1e-9;

/** Solves max-min fair rates for sets of flows over a fixed set of directed links. */
export class MaxMinSolver {
  private readonly capacity: Float64Array;
  private readonly residual: Float64Array;
  private readonly count: Int32Array;
  private readonly stamp: Int32Array;
  private readonly used: Int32Array;
  private readonly tied: Int32Array;
  private readonly adjStart: Int32Array;
  private readonly adjEnd: Int32Array;
  private adj: Int32Array = new Int32Array(1024);
  private epoch = 0;

  /** A solver for links with the given capacities (bytes per second, indexed by link id). */
  constructor(capacity: Float64Array) {
    const n = capacity.length;
    this.capacity = capacity;
    this.residual = new Float64Array(n);
    this.count = new Int32Array(n);
    this.stamp = new Int32Array(n);
    this.used = new Int32Array(n);
    this.tied = new Int32Array(n);
    this.adjStart = new Int32Array(n);
    this.adjEnd = new Int32Array(n);
  }

  /**
   * Writes into `rates[f]` the max-min fair rate of each flow f in `flows[0..n)`, whose links are
   * `paths[f]` (non-empty, no link repeated). Rates of flows not listed are left alone.
   */
  solve(flows: Int32Array, n: number, paths: readonly (readonly number[])[], rates: Float64Array): void {
    const { capacity, residual, count, stamp, used, tied, adjStart, adjEnd } = this;
    const epoch = ++this.epoch;
    let nUsed = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const f = flows[i]!;
      rates[f] = -1; // unfrozen
      const p = paths[f]!;
      for (let j = 0; j < p.length; j++) {
        const l = p[j]!;
        if (stamp[l] !== epoch) {
          stamp[l] = epoch;
          residual[l] = capacity[l]!;
          count[l] = 0;
          used[nUsed++] = l;
        }
        count[l]!++;
      }
      total += p.length;
    }
    // Link → flows index (CSR): adjStart[l]..adjEnd[l] in `adj` lists the flows crossing l.
    if (this.adj.length < total) this.adj = new Int32Array(Math.max(total, 2 * this.adj.length));
    const adj = this.adj;
    let pos = 0;
    for (let j = 0; j < nUsed; j++) {
      const l = used[j]!;
      adjStart[l] = pos;
      adjEnd[l] = pos;
      pos += count[l]!;
    }
    for (let i = 0; i < n; i++) {
      const f = flows[i]!;
      const p = paths[f]!;
      for (let j = 0; j < p.length; j++) adj[adjEnd[p[j]!]!++] = f;
    }

    let unfrozen = n;
    while (unfrozen > 0) {
      // Smallest fair share among links that still carry unfrozen flows; drop the others from `used`.
      let min = Infinity;
      let k = 0;
      for (let j = 0; j < nUsed; j++) {
        const l = used[j]!;
        const c = count[l]!;
        if (c === 0) continue;
        used[k++] = l;
        const share = Math.max(residual[l]!, 0) / c;
        if (share < min) min = share;
      }
      nUsed = k;
      const threshold = min * (1 + TIE);
      let nTied = 0;
      for (let j = 0; j < nUsed; j++) {
        const l = used[j]!;
        if (Math.max(residual[l]!, 0) / count[l]! <= threshold) tied[nTied++] = l;
      }
      for (let t = 0; t < nTied; t++) {
        const l = tied[t]!;
        for (let a = adjStart[l]!; a < adjEnd[l]!; a++) {
          const f = adj[a]!;
          if (rates[f]! >= 0) continue;
          rates[f] = min;
          unfrozen--;
          const p = paths[f]!;
          for (let j = 0; j < p.length; j++) {
            const m = p[j]!;
            residual[m]! -= min;
            count[m]!--;
          }
        }
      }
    }
  }
}
