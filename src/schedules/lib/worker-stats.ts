/**
 * Per-worker time accounting for workers.csv: compute seconds, communication seconds, busy seconds
 * (the union of the two, since DDP buckets overlap communication with compute) and applied updates.
 * Idle is the run's simulated time minus busy.
 *
 * Time is recorded as intervals, not durations, because the analytic schedules book a step's compute
 * when it starts: its end lies ahead of the clock, and a run stopped by `simTime` may end inside it.
 * An interval that ends after the time it was recorded at is also kept aside, and `finish(endS)`
 * removes whatever part of it lies past the run's end. So utilization never exceeds 1 and busy never
 * exceeds the run's time, whatever the stop (issue: local-sgd once reported utilization 2.91).
 *
 * Plain typed arrays for the totals: a 4,096-worker step adds to them without allocating. Only
 * intervals that end in the future are kept, and those already past are dropped as the list grows,
 * so memory follows how far ahead a schedule books (one round of Local SGD), not the run's length.
 */

/** Accumulated per-worker totals. */
export class WorkerStats {
  readonly computeS: Float64Array;
  readonly commS: Float64Array;
  /** Time busy computing or communicating (overlap counted once). */
  readonly busyS: Float64Array;
  /** Gradients of this worker that were applied to the model that counts (written by `Crew` only). */
  readonly updates: Float64Array;
  /** Pipeline stage of the worker's GPU (its first, for interleaved chunks); −1 outside pipelines. */
  readonly stage: Int32Array;
  /** Pipelines: most weight versions of its stage held at once (1 + stashed versions); 0 outside. */
  readonly peakWeightVersions: Int32Array;
  /** Pipelines: most micro-batch activation sets held at once; 0 outside. */
  readonly peakActivations: Int32Array;
  // Intervals that ended after the clock when recorded, as parallel columns (no object per interval:
  // a 16,384-worker synchronous step books 16,384 of them).
  private aWorker = new Int32Array(1024);
  private aStart = new Float64Array(1024);
  private aEnd = new Float64Array(1024);
  private aBusyFrom = new Float64Array(1024);
  /** 0 compute, 1 comm. */
  private aKind = new Uint8Array(1024);
  private nAhead = 0;
  private finished = false;

  /** @param now the simulated clock, seconds (intervals ending after it are kept for clipping). */
  constructor(
    readonly workers: number,
    private readonly now: () => number,
  ) {
    this.computeS = new Float64Array(workers);
    this.commS = new Float64Array(workers);
    this.busyS = new Float64Array(workers);
    this.updates = new Float64Array(workers);
    this.stage = new Int32Array(workers).fill(-1);
    this.peakWeightVersions = new Int32Array(workers);
    this.peakActivations = new Int32Array(workers);
  }

  /**
   * Adds compute of `durationS` from `startS` that overlapped nothing else of this worker. (Start and
   * duration rather than start and end: the totals add the durations exactly as they were computed.)
   */
  compute(worker: number, startS: number, durationS: number): void {
    this.computeS[worker]! += durationS;
    this.busyS[worker]! += durationS;
    const endS = startS + durationS;
    if (endS > this.now()) this.keep(worker, startS, endS, startS, 0);
  }

  /**
   * `compute(workers[i], startS or startS[i], durationS[i])` for every i, in index order: a whole
   * synchronous step booked at once (the clock is read once, not per worker).
   */
  computeAll(workers: readonly number[], startS: number | Float64Array, durationS: Float64Array): void {
    const now = this.now();
    const one = typeof startS === 'number';
    const computeS = this.computeS;
    const busyS = this.busyS;
    for (let i = 0; i < workers.length; i++) {
      const w = workers[i]!;
      const t = one ? startS : startS[i]!;
      const d = durationS[i]!;
      computeS[w]! += d;
      busyS[w]! += d;
      const endS = t + d;
      if (endS > now) this.keep(w, t, endS, t, 0);
    }
  }

  /**
   * Adds communication of `durationS` from `startS`, of which only the last `exposedS` did not overlap
   * this worker's compute (DDP buckets); by default all of it.
   */
  comm(worker: number, startS: number, durationS: number, exposedS = durationS): void {
    this.commS[worker]! += durationS;
    this.busyS[worker]! += exposedS;
    const endS = startS + durationS;
    if (endS > this.now()) this.keep(worker, startS, endS, endS - exposedS, 1);
  }

  /**
   * `comm(workers[i], startS, durationS, exposedS[i])` for every i, in index order: one collective's
   * communication on a whole crew (the clock is read once, not per worker).
   */
  commAll(workers: readonly number[], startS: number, durationS: number, exposedS: Float64Array): void {
    const now = this.now();
    const commS = this.commS;
    const busyS = this.busyS;
    const endS = startS + durationS;
    for (let i = 0; i < workers.length; i++) {
      const w = workers[i]!;
      const exposed = exposedS[i]!;
      commS[w]! += durationS;
      busyS[w]! += exposed;
      if (endS > now) this.keep(w, startS, endS, endS - exposed, 1);
    }
  }

  /**
   * Removes every part of a recorded interval that lies after `endS`, the run's end. Call once, when
   * the run has stopped.
   */
  finish(endS: number): void {
    if (this.finished) throw new Error('WorkerStats.finish called twice');
    this.finished = true;
    for (let i = 0; i < this.nAhead; i++) {
      const end = this.aEnd[i]!;
      if (end <= endS) continue;
      const w = this.aWorker[i]!;
      const cut = end - Math.max(this.aStart[i]!, endS);
      const busyCut = end - Math.max(this.aBusyFrom[i]!, endS);
      if (this.aKind[i] === 0) this.computeS[w]! -= cut;
      else this.commS[w]! -= cut;
      this.busyS[w]! -= busyCut;
    }
    this.nAhead = 0;
  }

  private keep(worker: number, startS: number, endS: number, busyFromS: number, kind: number): void {
    if (this.nAhead === this.aEnd.length) this.makeRoom();
    const i = this.nAhead++;
    this.aWorker[i] = worker;
    this.aStart[i] = startS;
    this.aEnd[i] = endS;
    this.aBusyFrom[i] = busyFromS;
    this.aKind[i] = kind;
  }

  // Drops the intervals the clock has passed; grows the columns only if that frees less than half.
  // Amortised O(1) per interval kept.
  private makeRoom(): void {
    const t = this.now();
    let n = 0;
    for (let i = 0; i < this.nAhead; i++) {
      if (this.aEnd[i]! <= t) continue;
      this.aWorker[n] = this.aWorker[i]!;
      this.aStart[n] = this.aStart[i]!;
      this.aEnd[n] = this.aEnd[i]!;
      this.aBusyFrom[n] = this.aBusyFrom[i]!;
      this.aKind[n] = this.aKind[i]!;
      n++;
    }
    this.nAhead = n;
    if (n * 2 > this.aEnd.length) {
      const size = this.aEnd.length * 2;
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (k: number) => T): T => {
        const b = make(size);
        b.set(a);
        return b;
      };
      this.aWorker = grow(this.aWorker, (k) => new Int32Array(k));
      this.aStart = grow(this.aStart, (k) => new Float64Array(k));
      this.aEnd = grow(this.aEnd, (k) => new Float64Array(k));
      this.aBusyFrom = grow(this.aBusyFrom, (k) => new Float64Array(k));
      this.aKind = grow(this.aKind, (k) => new Uint8Array(k));
    }
  }
}
