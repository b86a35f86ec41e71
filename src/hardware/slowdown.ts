/**
 * Stragglers as composable slowdown models. A schedule asks `slowdown.taskFactor(worker, now)` once per
 * task and multiplies the task's nominal time by the answer. Each model keeps one state object per
 * worker, created on first use with its own random stream `rng.fork(model label).fork('worker-w')`:
 * a worker's factors depend only on the seed, the model list and that worker's own task times, so
 * another worker drawing more (or a worker being added) never shifts them.
 */
import type { Rng } from '../core/rng.ts';

/** One model's state for one worker. */
export interface WorkerSlowdown {
  /**
   * Multiplicative factor (> 0; ≥ 1 for a slowdown) for this worker's task starting at `timeS`.
   * Called once per task, with non-decreasing times; may draw from the worker's stream.
   */
  taskFactor(timeS: number): number;
}

/** A straggler model: a recipe for per-worker states. */
export interface SlowdownModel {
  /** Short kind, e.g. `lognormal`; part of the stream label. */
  readonly kind: string;
  /**
   * The state for `worker`. `rng` is this model's private stream for this worker; a model that draws
   * nothing may ignore it.
   */
  forWorker(worker: number, rng: Rng): WorkerSlowdown;
}

/** A state that always answers 1: for workers a model does not apply to. */
export const NO_SLOWDOWN: WorkerSlowdown = Object.freeze({ taskFactor: () => 1 });

/** Whether a model restricted to `workers` applies to `worker` (no list: every worker). */
export function appliesTo(workers: ReadonlySet<number> | undefined, worker: number): boolean {
  return workers === undefined || workers.has(worker);
}

/**
 * Checks a model's optional worker list and returns it as a set.
 * @throws RangeError naming `what` if the list holds anything but integers >= 0.
 */
export function workerSet(workers: readonly number[] | undefined, what: string): ReadonlySet<number> | undefined {
  if (workers === undefined) return undefined;
  for (const w of workers) {
    if (!Number.isInteger(w) || w < 0) throw new RangeError(`${what}.workers must hold integers >= 0, got ${w}`);
  }
  return new Set(workers);
}

/**
 * Several models composed by multiplication, with per-worker, per-model streams.
 * Invariant: for a fixed seed and model list, the sequence of factors a worker gets depends only on
 * that worker's own sequence of task times.
 */
export class Slowdown {
  private readonly models: readonly SlowdownModel[];
  private readonly rng: Rng;
  private readonly labels: readonly string[];
  private readonly states = new Map<number, WorkerSlowdown[]>();
  private readonly lastTime = new Map<number, number>();

  /**
   * @param models composed in list order (the product does not depend on it, the stream labels do).
   * @param rng the stream for stragglers, e.g. `root.fork('stragglers')`; it is only forked, never drawn.
   */
  constructor(models: readonly SlowdownModel[], rng: Rng) {
    this.models = [...models];
    this.rng = rng;
    // Index plus kind: two models of the same kind still get different streams.
    this.labels = this.models.map((m, i) => `${i}-${m.kind}`);
  }

  /**
   * The product of all models' factors for `worker`'s task starting at `timeS`.
   * @throws RangeError for a worker that is not an integer ≥ 0, a time that is not finite and ≥ 0,
   *   or a time earlier than this worker's previous task (spike state would be ambiguous).
   */
  taskFactor(worker: number, timeS: number): number {
    if (!Number.isInteger(worker) || worker < 0) throw new RangeError(`worker must be an integer >= 0, got ${worker}`);
    if (!(timeS >= 0) || timeS === Infinity) throw new RangeError(`timeS must be finite and >= 0, got ${timeS}`);
    const last = this.lastTime.get(worker);
    if (last !== undefined && timeS < last) {
      throw new RangeError(`worker ${worker}: task at ${timeS} s asked after one at ${last} s; ask in time order`);
    }
    this.lastTime.set(worker, timeS);
    let states = this.states.get(worker);
    if (states === undefined) {
      states = this.models.map((m, i) => m.forWorker(worker, this.rng.fork(this.labels[i]!).fork(`worker-${worker}`)));
      this.states.set(worker, states);
    }
    let f = 1;
    for (const s of states) f *= s.taskFactor(timeS);
    return f;
  }
}
