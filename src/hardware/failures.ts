/**
 * Fail-stop failures. A worker fails at an instant, is down for `restartDelayS`, then runs again.
 * Failures come from two sources merged per worker: fixed ones listed in the scenario, and random ones
 * from a renewal process with exponential up-times of mean `mtbfS` (measured from each restart of that
 * process), drawn from the worker's own stream `rng.fork('worker-w')`. A failure that falls while the
 * worker is already down is dropped (a dead GPU cannot die again). What a failure costs (lost work,
 * rollback to a checkpoint) is the schedule's business; this file only says when.
 */
import type { Rng } from '../core/rng.ts';
import { seconds } from '../core/units.ts';
import type { Seconds } from '../core/units.ts';

/** One failure: `worker` is down during [atS, restartAtS). */
export interface Failure {
  readonly worker: number;
  readonly atS: Seconds;
  readonly restartAtS: Seconds;
}

/** A failure fixed in advance. */
export interface FixedFailure {
  readonly worker: number;
  readonly atS: number;
  /** Overrides the model's restart delay for this failure. */
  readonly restartDelayS?: number;
}

/** Failure parameters. */
export interface FailureParams {
  /** Mean time between failures of one device, in seconds (> 0); omit for no random failures. */
  readonly mtbfS?: number;
  /** Down time after each failure (≥ 0). Default 0. */
  readonly restartDelayS?: number;
  /** Failures at given times. */
  readonly at?: readonly FixedFailure[];
}

interface RandomStream {
  readonly rng: Rng;
  /** Generated failures, in time order; the last one's atS is beyond every horizon asked so far. */
  readonly failures: Failure[];
}

/**
 * The failure schedule of `workers` devices. Deterministic: same seed, parameters and worker count →
 * the same failures, whatever order the queries come in. Invariant: `failuresUntil(h1)` is the prefix
 * of `failuresUntil(h2)` for h1 ≤ h2 (restricted to failures before h1).
 */
export class FailureModel {
  readonly workers: number;
  private readonly mtbfS: number | undefined;
  private readonly restartDelayS: number;
  private readonly fixed: Failure[][];
  private readonly streams = new Map<number, RandomStream>();
  private readonly rng: Rng;

  /**
   * @param rng the stream for failures, e.g. `root.fork('failures')`; only forked, never drawn.
   * @throws RangeError for a worker count that is not an integer ≥ 0, an mtbfS ≤ 0, a negative
   *   restart delay, or a fixed failure on an unknown worker or at a time that is not finite and ≥ 0.
   */
  constructor(workers: number, params: FailureParams, rng: Rng) {
    if (!Number.isInteger(workers) || workers < 0)
      throw new RangeError(`workers must be an integer >= 0, got ${workers}`);
    this.workers = workers;
    this.rng = rng;
    if (params.mtbfS !== undefined && (!(params.mtbfS > 0) || params.mtbfS === Infinity)) {
      throw new RangeError(`failures.mtbfS must be a finite number > 0, got ${params.mtbfS}`);
    }
    this.mtbfS = params.mtbfS;
    this.restartDelayS = checkDelay(params.restartDelayS ?? 0, 'failures.restartDelayS');
    this.fixed = Array.from({ length: workers }, () => []);
    (params.at ?? []).forEach((f, i) => {
      const at = `failures.at[${i}]`;
      if (!Number.isInteger(f.worker) || f.worker < 0 || f.worker >= workers) {
        throw new RangeError(`${at}.worker must be an integer in [0, ${workers - 1}], got ${f.worker}`);
      }
      if (!(f.atS >= 0) || f.atS === Infinity)
        throw new RangeError(`${at}.atS must be a finite number >= 0, got ${f.atS}`);
      const delay = checkDelay(f.restartDelayS ?? this.restartDelayS, `${at}.restartDelayS`);
      this.fixed[f.worker]!.push({ worker: f.worker, atS: seconds(f.atS), restartAtS: seconds(f.atS + delay) });
    });
    for (const list of this.fixed) list.sort((a, b) => a.atS - b.atS);
  }

  /**
   * The failures of `worker` with atS < horizonS, in time order.
   * @throws RangeError for an unknown worker or a horizon that is not finite and >= 0.
   */
  failuresOf(worker: number, horizonS: number): Failure[] {
    this.checkWorker(worker);
    // Infinite horizons would never finish generating random failures.
    if (!(horizonS >= 0) || horizonS === Infinity)
      throw new RangeError(`horizonS must be finite and >= 0, got ${horizonS}`);
    return this.merged(worker, horizonS, false);
  }

  // The kept failures with atS < limit (or <= limit when inclusive).
  private merged(worker: number, limit: number, inclusive: boolean): Failure[] {
    const before = (f: Failure): boolean => (inclusive ? f.atS <= limit : f.atS < limit);
    const random = this.randomThrough(worker, limit).filter(before);
    const fixed = this.fixed[worker]!.filter(before);
    // Merge by time (fixed first on ties, so a scenario's failure keeps its own restart delay).
    const all = [...fixed, ...random].sort((a, b) => a.atS - b.atS);
    const kept: Failure[] = [];
    let upAt = -Infinity;
    for (const f of all) {
      // With a zero restart delay, two failures at one instant are one failure.
      if (f.atS < upAt || f.atS === kept[kept.length - 1]?.atS) continue;
      kept.push(f);
      upAt = f.restartAtS;
    }
    return kept;
  }

  /**
   * Every worker's failures with atS < horizonS, sorted by time then worker.
   * @throws RangeError for a horizon that is not finite and >= 0.
   */
  failuresUntil(horizonS: number): Failure[] {
    const out: Failure[] = [];
    for (let w = 0; w < this.workers; w++) out.push(...this.failuresOf(w, horizonS));
    return out.sort((a, b) => a.atS - b.atS || a.worker - b.worker);
  }

  /** Whether `worker` is running at `timeS` (down during [atS, restartAtS) of each failure). @throws RangeError for an unknown worker or a negative time. */
  isUp(worker: number, timeS: number): boolean {
    this.checkWorker(worker);
    if (!(timeS >= 0) || timeS === Infinity) throw new RangeError(`timeS must be finite and >= 0, got ${timeS}`);
    // A failure at exactly timeS counts: the worker is down from that instant.
    const fs = this.merged(worker, timeS, true);
    const last = fs[fs.length - 1];
    return last === undefined || !(last.atS <= timeS && timeS < last.restartAtS);
  }

  /**
   * The first failure of `worker` at or after `afterS`, or undefined if none will ever come (no MTBF and
   * no later fixed failure). @throws RangeError as `failuresOf`.
   */
  nextFailure(worker: number, afterS: number): Failure | undefined {
    this.checkWorker(worker);
    const lastFixed = this.fixed[worker]!.at(-1)?.atS ?? 0;
    // Widen the window until a failure shows up; with an MTBF one always does, without one the
    // window past the last fixed failure is final.
    let span = Math.max(1, this.mtbfS ?? 1) * 4;
    for (;;) {
      const horizon = Math.max(afterS, lastFixed) + span;
      const found = this.failuresOf(worker, horizon).find((f) => f.atS >= afterS);
      if (found !== undefined) return found;
      if (this.mtbfS === undefined) return undefined;
      span *= 2;
    }
  }

  private checkWorker(worker: number): void {
    if (!Number.isInteger(worker) || worker < 0 || worker >= this.workers) {
      throw new RangeError(`worker must be an integer in [0, ${this.workers - 1}], got ${worker}`);
    }
  }

  // Generated random failures, extended until one lies strictly past `limit`, so every failure at or
  // before it is known.
  private randomThrough(worker: number, limit: number): readonly Failure[] {
    if (this.mtbfS === undefined) return [];
    let s = this.streams.get(worker);
    if (s === undefined) {
      s = { rng: this.rng.fork(`worker-${worker}`), failures: [] };
      this.streams.set(worker, s);
    }
    const rate = 1 / this.mtbfS;
    for (;;) {
      const last = s.failures[s.failures.length - 1];
      if (last !== undefined && last.atS > limit) break;
      const upFrom = last === undefined ? 0 : last.restartAtS;
      const atS = upFrom + s.rng.exponential(rate);
      s.failures.push({ worker, atS: seconds(atS), restartAtS: seconds(atS + this.restartDelayS) });
    }
    return s.failures;
  }
}

function checkDelay(v: number, path: string): number {
  if (!(v >= 0) || v === Infinity) throw new RangeError(`${path} must be a finite number >= 0, got ${v}`);
  return v;
}
