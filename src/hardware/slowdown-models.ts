/**
 * The built-in straggler models: a constant factor, lognormal noise, random spikes that last a span of
 * simulated time, and periodic slowdowns. Each is a `SlowdownModel` and composes with the others in a
 * `Slowdown`. All parameters are checked when the model is made, so a bad scenario fails before the run.
 */
import { NormalStreams, type Rng } from '../core/rng.ts';
import { NO_SLOWDOWN, appliesTo, workerSet } from './slowdown.ts';
import type { SlowdownBank, SlowdownModel, WorkerSlowdown } from './slowdown.ts';

function finitePositive(v: number, path: string): number {
  if (!(v > 0) || v === Infinity) throw new RangeError(`${path} must be a finite number > 0, got ${v}`);
  return v;
}
function finiteNonNegative(v: number, path: string): number {
  if (!(v >= 0) || v === Infinity) throw new RangeError(`${path} must be a finite number >= 0, got ${v}`);
  return v;
}

/** Parameters of `constantSlowdown`. */
export interface ConstantSlowdownParams {
  /** Factor applied to every task (> 0; 2 = twice as slow). */
  readonly factor: number;
  /** Workers affected; all when omitted. */
  readonly workers?: readonly number[];
}

/** A fixed factor on chosen workers (a slow GPU, a busy host). Draws nothing. @throws RangeError on bad parameters. */
export function constantSlowdown(p: ConstantSlowdownParams): SlowdownModel {
  const factor = finitePositive(p.factor, 'constant.factor');
  const workers = workerSet(p.workers, 'constant');
  const state: WorkerSlowdown = Object.freeze({ taskFactor: () => factor });
  return { kind: 'constant', forWorker: (w) => (appliesTo(workers, w) ? state : NO_SLOWDOWN) };
}

/** Parameters of `lognormalSlowdown`. */
export interface LognormalSlowdownParams {
  /** σ of the underlying normal (≥ 0). */
  readonly sigma: number;
  /** μ of the underlying normal; default 0 (median factor 1). Not allowed together with `meanOne`. */
  readonly mu?: number;
  /** Sets μ = −σ²/2 so that the mean factor is exactly 1 (noise that neither slows nor speeds on average). */
  readonly meanOne?: boolean;
  /** Workers affected; all when omitted. */
  readonly workers?: readonly number[];
}

/**
 * Independent lognormal noise per task: factor = exp(N(μ, σ²)), mean exp(μ + σ²/2). One normal draw per
 * task. Factors can fall below 1 (a task faster than nominal).
 * @throws RangeError for σ < 0, a non-finite μ, or μ given together with meanOne.
 */
export function lognormalSlowdown(p: LognormalSlowdownParams): SlowdownModel {
  const sigma = finiteNonNegative(p.sigma, 'lognormal.sigma');
  if (p.mu !== undefined && p.meanOne === true) throw new RangeError('lognormal: give either mu or meanOne, not both');
  const mu = p.meanOne === true ? (-sigma * sigma) / 2 : (p.mu ?? 0);
  if (!Number.isFinite(mu)) throw new RangeError(`lognormal.mu must be finite, got ${mu}`);
  const workers = workerSet(p.workers, 'lognormal');
  return {
    kind: 'lognormal',
    forWorker: (w, rng) => (appliesTo(workers, w) ? { taskFactor: () => rng.lognormal(mu, sigma) } : NO_SLOWDOWN),
    bank: (seedOf) => new LognormalBank(new NormalStreams(seedOf), mu, sigma, workers),
  };
}

// Every worker's lognormal stream in one typed array: `Rng.lognormal` is exp(normal(μ, σ)), and
// `NormalStreams` draws the same normals as each worker's `Rng` would.
class LognormalBank implements SlowdownBank {
  constructor(
    private readonly streams: NormalStreams,
    private readonly mu: number,
    private readonly sigma: number,
    private readonly workers: ReadonlySet<number> | undefined,
  ) {}

  taskFactor(worker: number): number {
    if (this.workers !== undefined && !this.workers.has(worker)) return 1;
    return Math.exp(this.streams.normal(worker, this.mu, this.sigma));
  }

  multiplyInto(workers: readonly number[], _timeS: number | Float64Array, out: Float64Array): void {
    const only = this.workers;
    if (only === undefined) {
      this.streams.multiplyLognormal(workers, this.mu, this.sigma, out);
      return;
    }
    // A worker the model skips gets 1 (NO_SLOWDOWN's factor) and its stream stays unused.
    for (let i = 0; i < workers.length; i++) {
      const w = workers[i]!;
      if (only.has(w)) out[i]! *= Math.exp(this.streams.normal(w, this.mu, this.sigma));
    }
  }
}

/** Parameters of `spikeSlowdown`. */
export interface SpikeSlowdownParams {
  /** Probability that a task starting outside a spike starts a new one, in [0, 1]. */
  readonly probability: number;
  /** Factor while a spike lasts (> 0). */
  readonly factor: number;
  /** Simulated seconds a spike lasts from the task that started it (≥ 0; 0 = that task only). */
  readonly durationS: number;
  /** Workers affected; all when omitted. */
  readonly workers?: readonly number[];
}

class SpikeState implements WorkerSlowdown {
  private until = -1;
  constructor(
    private readonly rng: Rng,
    private readonly p: number,
    private readonly factor: number,
    private readonly durationS: number,
  ) {}
  taskFactor(timeS: number): number {
    // One draw per task, inside a spike or not, so the stream position is the task index.
    const u = this.rng.next();
    if (timeS < this.until) return this.factor;
    if (u < this.p) {
      this.until = timeS + this.durationS;
      return this.factor;
    }
    return 1;
  }
}

/**
 * Random spikes: a task that starts outside a spike starts one with the given probability; every task
 * of that worker starting in [t₀, t₀ + durationS) then gets `factor` (the task at t₀ always does).
 * @throws RangeError on a probability outside [0, 1], a factor ≤ 0 or a negative duration.
 */
export function spikeSlowdown(p: SpikeSlowdownParams): SlowdownModel {
  if (!(p.probability >= 0 && p.probability <= 1))
    throw new RangeError(`spike.probability must be in [0, 1], got ${p.probability}`);
  const factor = finitePositive(p.factor, 'spike.factor');
  const durationS = finiteNonNegative(p.durationS, 'spike.durationS');
  const workers = workerSet(p.workers, 'spike');
  return {
    kind: 'spike',
    forWorker: (w, rng) =>
      appliesTo(workers, w) ? new SpikeState(rng, p.probability, factor, durationS) : NO_SLOWDOWN,
  };
}

/** Parameters of `periodicSlowdown`. */
export interface PeriodicSlowdownParams {
  /** Seconds between window starts (> 0). */
  readonly periodS: number;
  /** Window length in seconds, 0 ≤ durationS ≤ periodS. */
  readonly durationS: number;
  /** Factor inside a window (> 0). */
  readonly factor: number;
  /** Start of the first window; windows are [phaseS + k·periodS, phaseS + k·periodS + durationS) for all integers k. Default 0. */
  readonly phaseS?: number;
  /** Workers affected; all when omitted. */
  readonly workers?: readonly number[];
}

/**
 * Periodic slowdowns (checkpoint writes, a cron job, thermal cycling): a task starting inside a window
 * gets `factor`, else 1. Deterministic; draws nothing.
 * @throws RangeError for a period ≤ 0, a duration outside [0, period], a factor ≤ 0 or a non-finite phase.
 */
export function periodicSlowdown(p: PeriodicSlowdownParams): SlowdownModel {
  const period = finitePositive(p.periodS, 'periodic.periodS');
  const duration = finiteNonNegative(p.durationS, 'periodic.durationS');
  if (duration > period) throw new RangeError(`periodic.durationS must be <= periodS (${period}), got ${duration}`);
  const factor = finitePositive(p.factor, 'periodic.factor');
  const phase = p.phaseS ?? 0;
  if (!Number.isFinite(phase)) throw new RangeError(`periodic.phaseS must be finite, got ${phase}`);
  const workers = workerSet(p.workers, 'periodic');
  const state: WorkerSlowdown = Object.freeze({
    taskFactor: (t: number) => {
      // Position inside the current period, in [0, period) also for times before the phase.
      const r = (((t - phase) % period) + period) % period;
      return r < duration ? factor : 1;
    },
  });
  return { kind: 'periodic', forWorker: (w) => (appliesTo(workers, w) ? state : NO_SLOWDOWN) };
}
