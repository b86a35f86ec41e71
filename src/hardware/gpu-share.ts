/**
 * Processor sharing of one GPU by several tasks (Crossbow's learners, Wavelet's waves). k tasks running
 * on one GPU each progress at speedup(k)/k of their solo rate, where speedup(k) is the aggregate
 * throughput of k co-running tasks relative to one (a saturation curve: small batches leave the GPU
 * partly idle, so running several at once gains until its units are busy). When a task starts or ends,
 * every other task on that GPU is re-timed from the work it has left: the events are core events, no
 * time steps.
 *
 * Work is measured in solo seconds: a task of `soloS` finishes when it has received `soloS` seconds of
 * solo-rate progress. Total work is conserved: Σ solo seconds done = ∫ speedup(k(t)) dt.
 */
import type { Event } from '../core/events.ts';
import type { Simulator } from '../core/simulator.ts';
import { seconds } from '../core/units.ts';

/** Aggregate throughput of k co-running tasks relative to 1: speedup(1) = 1, non-decreasing, ≤ k. */
export type SpeedupCurve = (k: number) => number;

/**
 * speedup(k) = 1 + (max − 1)(1 − e^{−(k−1)/h}), capped at k: 1 at k = 1, approaching `maxSpeedup` as k
 * grows, reaching 63% of the gain at k = 1 + h (default h = 1).
 * @throws RangeError for maxSpeedup < 1 or halfAt ≤ 0.
 */
export function saturatingSpeedup(maxSpeedup: number, halfAt = 1): SpeedupCurve {
  if (!(maxSpeedup >= 1) || !Number.isFinite(maxSpeedup))
    throw new RangeError(`maxSpeedup must be a finite number >= 1, got ${maxSpeedup}`);
  if (!(halfAt > 0) || !Number.isFinite(halfAt))
    throw new RangeError(`halfAt must be a finite number > 0, got ${halfAt}`);
  return (k: number) => (k <= 0 ? 0 : Math.min(k, 1 + (maxSpeedup - 1) * (1 - Math.exp(-(k - 1) / halfAt))));
}

interface Task {
  /** Solo seconds of work left, as of the GPU's `lastS`. */
  left: number;
  readonly done: Event<void>;
}

interface Gpu {
  readonly curve: SpeedupCurve;
  readonly tasks: Task[];
  /** When `left` of every task was last brought up to date. */
  lastS: number;
  /** Bumped on every re-time, so a stale wake-up is ignored. */
  epoch: number;
}

/** Relative tolerance under which a task's remaining work counts as done (float round-off). */
const EPS = 1e-12;

/** Processor sharing on every rank's GPU (see the file header). */
export class GpuShare {
  private readonly gpus: Gpu[];

  /** @param curve one curve for every GPU, or one per rank. */
  constructor(
    private readonly sim: Simulator,
    ranks: number,
    curve: SpeedupCurve | ((rank: number) => SpeedupCurve),
  ) {
    // Both forms are functions of a number: a per-rank factory returns a curve, a curve a number.
    const probe = (curve as (x: number) => unknown)(0);
    const of = (r: number): SpeedupCurve =>
      typeof probe === 'function' ? (curve as (rank: number) => SpeedupCurve)(r) : (curve as SpeedupCurve);
    this.gpus = Array.from({ length: ranks }, (_, r) => ({
      curve: of(r),
      tasks: [],
      lastS: 0,
      epoch: 0,
    }));
  }

  /** Runs `soloS` seconds of work on `rank`'s GPU, sharing it with whatever else runs there; succeeds when done. */
  run(rank: number, soloS: number): Event<void> {
    if (!(soloS >= 0) || !Number.isFinite(soloS))
      throw new RangeError(`soloS must be a finite number >= 0, got ${soloS}`);
    const g = this.gpu(rank);
    const done = this.sim.event<void>();
    if (soloS === 0) {
      done.succeed();
      return done;
    }
    this.advance(g);
    g.tasks.push({ left: soloS, done });
    this.retime(g);
    return done;
  }

  /** Tasks running on `rank` now. */
  running(rank: number): number {
    return this.gpu(rank).tasks.length;
  }

  private gpu(rank: number): Gpu {
    const g = this.gpus[rank];
    if (g === undefined) throw new RangeError(`rank ${rank} out of range [0, ${this.gpus.length})`);
    return g;
  }

  /** Brings every task's remaining work up to now. */
  private advance(g: Gpu): void {
    const now = this.sim.now as number;
    const k = g.tasks.length;
    if (k > 0 && now > g.lastS) {
      const rate = g.curve(k) / k;
      for (const t of g.tasks) t.left -= (now - g.lastS) * rate;
    }
    g.lastS = now;
  }

  /** Schedules the wake-up at the next task's end under the current sharing. */
  private retime(g: Gpu): void {
    const epoch = ++g.epoch;
    const k = g.tasks.length;
    if (k === 0) return;
    const rate = g.curve(k) / k;
    let least = Infinity;
    for (const t of g.tasks) least = Math.min(least, t.left);
    this.sim.schedule(seconds(Math.max(0, least / rate)), () => {
      if (g.epoch !== epoch) return;
      this.advance(g);
      const still: Task[] = [];
      const finished: Task[] = [];
      for (const t of g.tasks) (t.left <= EPS * Math.max(1, least) ? finished : still).push(t);
      g.tasks.length = 0;
      g.tasks.push(...still);
      for (const t of finished) t.done.succeed();
      this.retime(g);
    });
  }
}
