/**
 * Per-worker time accounting for workers.csv: compute seconds, communication seconds, and busy seconds
 * (the union of the two, since DDP buckets overlap communication with compute). Idle is the run's
 * simulated time minus busy. Plain typed arrays: a 4,096-worker step adds to them without allocating.
 */

/** Accumulated per-worker totals. */
export class WorkerStats {
  readonly computeS: Float64Array;
  readonly commS: Float64Array;
  /** Time busy computing or communicating (overlap counted once). */
  readonly busyS: Float64Array;
  /** Gradients of this worker that were applied. */
  readonly updates: Float64Array;

  constructor(readonly workers: number) {
    this.computeS = new Float64Array(workers);
    this.commS = new Float64Array(workers);
    this.busyS = new Float64Array(workers);
    this.updates = new Float64Array(workers);
  }

  /** Adds a compute task of `s` seconds that overlapped nothing else of this worker. */
  compute(worker: number, s: number): void {
    this.computeS[worker]! += s;
    this.busyS[worker]! += s;
  }

  /** Adds communication of `s` seconds, of which `exposedS` did not overlap this worker's compute. */
  comm(worker: number, s: number, exposedS = s): void {
    this.commS[worker]! += s;
    this.busyS[worker]! += exposedS;
  }
}
