/**
 * Stragglers as composable slowdown models. A schedule asks `slowdown.taskFactor(worker, now)` once per
 * task and multiplies the task's nominal time by the answer. Each model keeps one state object per
 * worker, created on first use with its own random stream `rng.fork(model label).fork('worker-w')`:
 * a worker's factors depend only on the seed, the model list and that worker's own task times, so
 * another worker drawing more (or a worker being added) never shifts them.
 */
import { Rng } from '../core/rng.ts';

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
  /**
   * Optional fast path: the states of every worker at once, kept in typed arrays rather than an
   * object (and a stream) per worker. It must give exactly the factors `forWorker`'s states give, in
   * the same order per worker. `seedOf(w)` is the seed path of the stream `forWorker` would get.
   */
  bank?(seedOf: (worker: number) => string): SlowdownBank;
}

/** Every worker's state of one model (see `SlowdownModel.bank`). */
export interface SlowdownBank {
  /** The factor of `worker`'s task at `timeS`: what its `WorkerSlowdown.taskFactor(timeS)` gives. */
  taskFactor(worker: number, timeS: number): number;
  /**
   * For each i, multiplies `out[i]` by the factor of `workers[i]`'s task at `timeS` (or `timeS[i]`),
   * as `taskFactor` in index order would. Workers in the list are distinct.
   */
  multiplyInto?(workers: readonly number[], timeS: number | Float64Array, out: Float64Array): void;
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

// The generic bank: one `WorkerSlowdown` per worker, made on first use with the worker's own stream.
class PerWorkerBank implements SlowdownBank {
  private readonly states: (WorkerSlowdown | undefined)[] = [];
  constructor(
    private readonly model: SlowdownModel,
    private readonly seedOf: (worker: number) => string,
  ) {}
  taskFactor(worker: number, timeS: number): number {
    let s = this.states[worker];
    if (s === undefined) this.states[worker] = s = this.model.forWorker(worker, new Rng(this.seedOf(worker)));
    return s.taskFactor(timeS);
  }
}

/**
 * Several models composed by multiplication, with per-worker, per-model streams.
 * Invariant: for a fixed seed and model list, the sequence of factors a worker gets depends only on
 * that worker's own sequence of task times.
 *
 * State lives in arrays indexed by worker (no map lookups: a 16,384-GPU run asks 16 million times),
 * and models with a `bank` keep theirs in typed arrays; `taskFactors` asks for a whole crew at once.
 */
export class Slowdown {
  private readonly banks: readonly SlowdownBank[];
  // NaN: the worker has not asked yet.
  private lastTime: Float64Array = new Float64Array(0);

  /**
   * @param models composed in list order (the product does not depend on it, the stream labels do).
   * @param rng the stream for stragglers, e.g. `root.fork('stragglers')`; it is only forked, never drawn.
   */
  constructor(models: readonly SlowdownModel[], rng: Rng) {
    this.banks = models.map((m, i) => {
      // Index plus kind: two models of the same kind still get different streams. The seed path is
      // what `rng.fork(label).fork('worker-w')` gives, built without making the two streams.
      const prefix = `${rng.seedPath}/${i}-${m.kind}/worker-`;
      const seedOf = (w: number): string => prefix + String(w);
      return m.bank?.(seedOf) ?? new PerWorkerBank(m, seedOf);
    });
  }

  /**
   * The product of all models' factors for `worker`'s task starting at `timeS`.
   * @throws RangeError for a worker that is not an integer ≥ 0, a time that is not finite and ≥ 0,
   *   or a time earlier than this worker's previous task (spike state would be ambiguous).
   */
  taskFactor(worker: number, timeS: number): number {
    this.check(worker, timeS);
    const banks = this.banks;
    let f = 1;
    for (let m = 0; m < banks.length; m++) f *= banks[m]!.taskFactor(worker, timeS);
    return f;
  }

  /**
   * `out[i]` = `taskFactor(workers[i], timeS or timeS[i])` for every i, with the same checks; the
   * workers must be distinct. Returns `out`.
   */
  taskFactors(workers: readonly number[], timeS: number | Float64Array, out: Float64Array): Float64Array {
    const n = workers.length;
    const one = typeof timeS === 'number';
    for (let i = 0; i < n; i++) {
      this.check(workers[i]!, one ? timeS : timeS[i]!);
      out[i] = 1;
    }
    for (const bank of this.banks) {
      if (bank.multiplyInto !== undefined) bank.multiplyInto(workers, timeS, out);
      else for (let i = 0; i < n; i++) out[i]! *= bank.taskFactor(workers[i]!, one ? timeS : timeS[i]!);
    }
    return out;
  }

  // The argument checks, and the time-order rule per worker.
  private check(worker: number, timeS: number): void {
    if (!Number.isInteger(worker) || worker < 0) throw new RangeError(`worker must be an integer >= 0, got ${worker}`);
    if (!(timeS >= 0) || timeS === Infinity) throw new RangeError(`timeS must be finite and >= 0, got ${timeS}`);
    let lt = this.lastTime;
    if (worker >= lt.length) lt = this.grow(worker);
    const last = lt[worker]!;
    if (timeS < last) {
      throw new RangeError(`worker ${worker}: task at ${timeS} s asked after one at ${last} s; ask in time order`);
    }
    lt[worker] = timeS;
  }

  private grow(worker: number): Float64Array {
    let n = Math.max(64, this.lastTime.length);
    while (n <= worker) n *= 2;
    const lt = new Float64Array(n).fill(NaN);
    lt.set(this.lastTime);
    this.lastTime = lt;
    return lt;
  }
}
