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

/** A recorded interval that ended after the clock at the time it was recorded. */
interface Ahead {
  readonly worker: number;
  readonly startS: number;
  readonly endS: number;
  /** Where its busy part starts (≥ startS; = endS when none of it is busy). */
  readonly busyFromS: number;
  readonly kind: 'compute' | 'comm';
}

/** Accumulated per-worker totals. */
export class WorkerStats {
  readonly computeS: Float64Array;
  readonly commS: Float64Array;
  /** Time busy computing or communicating (overlap counted once). */
  readonly busyS: Float64Array;
  /** Gradients of this worker that were applied to the model that counts (written by `Crew` only). */
  readonly updates: Float64Array;
  private ahead: Ahead[] = [];
  private pruneAt = 1024;
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
  }

  /**
   * Adds compute of `durationS` from `startS` that overlapped nothing else of this worker. (Start and
   * duration rather than start and end: the totals add the durations exactly as they were computed.)
   */
  compute(worker: number, startS: number, durationS: number): void {
    this.computeS[worker]! += durationS;
    this.busyS[worker]! += durationS;
    const endS = startS + durationS;
    if (endS > this.now()) this.keep({ worker, startS, endS, busyFromS: startS, kind: 'compute' });
  }

  /**
   * Adds communication of `durationS` from `startS`, of which only the last `exposedS` did not overlap
   * this worker's compute (DDP buckets); by default all of it.
   */
  comm(worker: number, startS: number, durationS: number, exposedS = durationS): void {
    this.commS[worker]! += durationS;
    this.busyS[worker]! += exposedS;
    const endS = startS + durationS;
    if (endS > this.now()) this.keep({ worker, startS, endS, busyFromS: endS - exposedS, kind: 'comm' });
  }

  /**
   * Removes every part of a recorded interval that lies after `endS`, the run's end. Call once, when
   * the run has stopped.
   */
  finish(endS: number): void {
    if (this.finished) throw new Error('WorkerStats.finish called twice');
    this.finished = true;
    for (const a of this.ahead) {
      if (a.endS <= endS) continue;
      const cut = a.endS - Math.max(a.startS, endS);
      const busyCut = a.endS - Math.max(a.busyFromS, endS);
      if (a.kind === 'compute') this.computeS[a.worker]! -= cut;
      else this.commS[a.worker]! -= cut;
      this.busyS[a.worker]! -= busyCut;
    }
    this.ahead = [];
  }

  private keep(a: Ahead): void {
    if (this.ahead.length >= this.pruneAt) {
      const t = this.now();
      this.ahead = this.ahead.filter((x) => x.endS > t);
      // Amortised O(1): the next prune waits until the list has doubled again.
      this.pruneAt = Math.max(1024, 2 * this.ahead.length);
    }
    this.ahead.push(a);
  }
}
