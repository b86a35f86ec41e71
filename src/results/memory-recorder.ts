/**
 * The in-memory `Recorder` a run writes to. Rows live in growable typed-array columns rather than one
 * object per row: a timing-only run at thousands of GPUs applies millions of updates, and an object per
 * update would dominate both memory and GC time. Staleness statistics are accumulated on every update
 * whether or not rows are kept, because summary.csv and workers.csv need them in every run.
 */
import type { EvalRecord, MetricRecord, Recorder, RowList, SpanRecord, UpdateRecord } from './recorder.ts';

/** What a `MemoryRecorder` keeps. */
export interface MemoryRecorderOptions {
  /** Keep one row per applied update (updates.csv). Staleness statistics are kept regardless. */
  readonly updates: boolean;
  /** Keep trace spans (trace.json). */
  readonly spans: boolean;
  /** Most spans kept; later ones are only counted in `traceDropped`. A non-negative integer. */
  readonly traceLimit: number;
  /**
   * Most update rows kept (default: no limit); later ones still count in the staleness statistics
   * but are only counted in `updatesDropped`. This bounds the recorder's memory at any scale.
   */
  readonly updatesLimit?: number;
  /**
   * Expected number of workers (optional). Per-worker statistics are preallocated for this many, so
   * that `update()` never allocates; a larger worker index still works (the arrays grow once).
   */
  readonly workers?: number;
}

/** Count, mean and maximum of staleness τ = versionApplied − versionRead over some set of updates. */
export interface StalenessStats {
  readonly count: number;
  /** Undefined when `count` is 0. */
  readonly mean: number | undefined;
  /** Undefined when `count` is 0 (there is no maximum of nothing; an empty CSV cell says so). */
  readonly max: number | undefined;
}

const KINDS: readonly SpanRecord['kind'][] = ['compute', 'comm', 'wait'];
const KIND_CODE: Readonly<Record<SpanRecord['kind'], number>> = { compute: 0, comm: 1, wait: 2 };
const INITIAL_CAPACITY = 1024;

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T, minLength: number, maxLength = Infinity): T {
  let n = Math.max(a.length * 2, INITIAL_CAPACITY);
  while (n < minLength) n *= 2;
  n = Math.max(minLength, Math.min(n, maxLength));
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

function stats(count: number, sum: number, max: number): StalenessStats {
  return count === 0 ? { count: 0, mean: undefined, max: undefined } : { count, mean: sum / count, max };
}

/**
 * A `Recorder` that keeps rows in memory for the result writers.
 *
 * Invariants: `update()` allocates nothing when rows are not kept (and the worker index is within the
 * preallocated range); rows come back in record order; spans beyond `traceLimit` are counted, never
 * stored. Versions are stored as float64, so they are exact up to 2^53.
 */
export class MemoryRecorder implements Recorder {
  /** Whether per-update rows are kept. */
  readonly wantsUpdates: boolean;
  /** Whether spans are kept (callers should not even build spans when false). */
  readonly wantsSpans: boolean;
  /** The span limit this recorder was built with. */
  readonly traceLimit: number;
  /** The update-row limit this recorder was built with (Infinity: none). */
  readonly updatesLimit: number;

  // Update columns; only the first `nUpdates` entries are meaningful.
  private nUpdates = 0;
  private updatesOver = 0;
  private uTime = new Float64Array(0);
  private uWorker = new Int32Array(0);
  private uStage = new Int32Array(0);
  private uRead = new Float64Array(0);
  private uApplied = new Float64Array(0);
  // NaN where the row has no distinct backward version (absent, or equal to versionRead): versions are
  // integers, so NaN is free to mean "none".
  private uBackward = new Float64Array(0);
  private uLoss = new Float64Array(0);
  // 1 where the row has a loss: a missing loss must not be stored as NaN, which means "diverged".
  private uHasLoss = new Uint8Array(0);

  // Run-wide and per-worker staleness accumulators (indexed by worker).
  private tauCount = 0;
  private tauSum = 0;
  private tauMax = 0;
  private wCount: Float64Array;
  private wSum: Float64Array;
  private wMax: Float64Array;

  private readonly evalRows: EvalRecord[] = [];
  private readonly metricRows: MetricRecord[] = [];

  // Span columns; names are kept as string references (schedules reuse a few labels).
  private nSpans = 0;
  private sWorker = new Int32Array(0);
  private sKind = new Uint8Array(0);
  private sStart = new Float64Array(0);
  private sDuration = new Float64Array(0);
  private readonly sName: string[] = [];
  private dropped = 0;

  /** @throws RangeError if `traceLimit`, `updatesLimit` or `workers` is not a non-negative integer. */
  constructor(options: MemoryRecorderOptions) {
    if (!Number.isInteger(options.traceLimit) || options.traceLimit < 0) {
      throw new RangeError(`traceLimit must be a non-negative integer, got ${String(options.traceLimit)}`);
    }
    const updatesLimit = options.updatesLimit ?? Infinity;
    if (updatesLimit !== Infinity && (!Number.isInteger(updatesLimit) || updatesLimit < 0)) {
      throw new RangeError(`updatesLimit must be a non-negative integer, got ${String(options.updatesLimit)}`);
    }
    this.updatesLimit = updatesLimit;
    const workers = options.workers ?? 0;
    if (!Number.isInteger(workers) || workers < 0) {
      throw new RangeError(`workers must be a non-negative integer, got ${String(workers)}`);
    }
    this.wantsUpdates = options.updates;
    this.wantsSpans = options.spans;
    this.traceLimit = options.traceLimit;
    this.wCount = new Float64Array(workers);
    this.wSum = new Float64Array(workers);
    this.wMax = new Float64Array(workers);
  }

  /**
   * Records one applied update: always into the staleness statistics, and as a row when `wantsUpdates`.
   * @throws RangeError if the worker index is negative or not an integer, or if τ is negative (a
   *   schedule applied a gradient computed on a future version: always a bug).
   */
  update(r: UpdateRecord): void {
    const w = r.worker;
    const tau = r.versionApplied - r.versionRead;
    if (!(tau >= 0)) {
      throw new RangeError(
        `negative or NaN staleness ${String(tau)} (versionApplied ${String(r.versionApplied)}, versionRead ${String(r.versionRead)}) from worker ${String(w)}`,
      );
    }
    if (!Number.isInteger(w) || w < 0) throw new RangeError(`worker must be a non-negative integer, got ${String(w)}`);
    const vb = r.versionBackward;
    if (vb !== undefined && !(Number.isInteger(vb) && vb >= 0))
      throw new RangeError(`versionBackward must be an integer >= 0, got ${String(vb)} from worker ${String(w)}`);
    this.tauCount += 1;
    this.tauSum += tau;
    if (tau > this.tauMax) this.tauMax = tau;
    if (w >= this.wCount.length) this.growWorkers(w + 1);
    const c = this.wCount[w]!;
    this.wCount[w] = c + 1;
    this.wSum[w] = this.wSum[w]! + tau;
    if (c === 0 || tau > this.wMax[w]!) this.wMax[w] = tau;
    if (!this.wantsUpdates) return;
    const i = this.nUpdates;
    if (i >= this.updatesLimit) {
      this.updatesOver += 1;
      return;
    }
    if (i === this.uTime.length) this.growUpdates(i + 1);
    this.uTime[i] = r.timeS;
    this.uWorker[i] = w;
    this.uStage[i] = r.stage;
    this.uRead[i] = r.versionRead;
    this.uApplied[i] = r.versionApplied;
    this.uBackward[i] = vb === undefined || vb === r.versionRead ? NaN : vb;
    const loss = r.loss;
    this.uHasLoss[i] = loss === undefined ? 0 : 1;
    this.uLoss[i] = loss ?? 0;
    this.nUpdates = i + 1;
  }

  /** Records one evaluation (a handful per run, so plain objects are fine). */
  eval(r: EvalRecord): void {
    this.evalRows.push(r);
  }

  /** Keeps the span if spans are wanted and fewer than `traceLimit` are kept; otherwise counts it. */
  span(s: SpanRecord): void {
    if (!this.wantsSpans) return;
    const i = this.nSpans;
    if (i >= this.traceLimit) {
      this.dropped += 1;
      return;
    }
    if (i === this.sStart.length) this.growSpans(i + 1);
    this.sWorker[i] = s.worker;
    this.sKind[i] = KIND_CODE[s.kind];
    this.sStart[i] = s.startS;
    this.sDuration[i] = s.durationS;
    this.sName.push(s.name);
    this.nSpans = i + 1;
  }

  /**
   * Keeps one named measurement (always: schedules report few, e.g. one per update).
   * @throws RangeError for an empty name, a non-number value or a bad worker index.
   */
  metric(m: MetricRecord): void {
    if (!/^[a-z][a-z0-9_]*$/.test(m.name)) throw new RangeError(`metric name must be snake_case, got '${m.name}'`);
    if (typeof m.value !== 'number') throw new RangeError(`metric '${m.name}': value must be a number`);
    if (m.worker !== undefined && (!Number.isInteger(m.worker) || m.worker < 0)) {
      throw new RangeError(`metric '${m.name}': worker must be a non-negative integer, got ${String(m.worker)}`);
    }
    this.metricRows.push({ timeS: m.timeS, worker: m.worker, name: m.name, value: m.value });
  }

  /** The measurements in record order (a copy); with `endS`, those after the run's end are left out. */
  metrics(endS = Infinity): MetricRecord[] {
    return this.metricRows.filter((m) => m.timeS <= endS);
  }

  /** Spans that arrived after `traceLimit` were reached (0 when spans are not wanted). */
  get traceDropped(): number {
    return this.dropped;
  }

  /** Update rows that arrived after `updatesLimit` was reached (0 when rows are not wanted). */
  get updatesDropped(): number {
    return this.updatesOver;
  }

  /** Number of updates recorded (kept or not). */
  get updateCount(): number {
    return this.tauCount;
  }

  /**
   * The kept update rows in record order, as a read-only view over the recorder's columns: a row
   * object is made only when it is read, so millions of rows never exist as objects at once (they
   * would cost about 100 bytes each, against 49 in the columns). Later updates do not show in a view
   * taken earlier.
   */
  updateRows(): RowList<UpdateRecord> {
    return new UpdateRowView(
      this.nUpdates,
      this.uTime,
      this.uWorker,
      this.uStage,
      this.uRead,
      this.uApplied,
      this.uBackward,
      this.uLoss,
      this.uHasLoss,
    );
  }

  /** The evaluations in record order (a copy). */
  evals(): EvalRecord[] {
    return this.evalRows.slice();
  }

  /**
   * The kept spans in record order, as fresh objects. With `endS` (the run's end), spans are clipped
   * there: a schedule that books a step when it starts may have recorded one that the end of the run
   * cut short, and one that starts at or after the end is left out.
   */
  spans(endS = Infinity): SpanRecord[] {
    const out: SpanRecord[] = [];
    for (let i = 0; i < this.nSpans; i++) {
      const startS = this.sStart[i]!;
      const d = this.sDuration[i]!;
      if (startS >= endS && !(d === 0 && startS === endS)) continue;
      out.push({
        worker: this.sWorker[i]!,
        kind: KINDS[this.sKind[i]!]!,
        name: this.sName[i]!,
        startS,
        durationS: startS + d > endS ? endS - startS : d,
      });
    }
    return out;
  }

  /** Run-wide staleness over every update recorded. */
  stalenessStats(): StalenessStats {
    return stats(this.tauCount, this.tauSum, this.tauMax);
  }

  /** Staleness over the updates of one worker; count 0 and undefined mean/max for a worker never seen. */
  perWorkerStaleness(worker: number): StalenessStats {
    if (!Number.isInteger(worker) || worker < 0 || worker >= this.wCount.length) return stats(0, 0, 0);
    return stats(this.wCount[worker]!, this.wSum[worker]!, this.wMax[worker]!);
  }

  private growWorkers(n: number): void {
    // Exact growth would reallocate once per new worker when ranks arrive in order; doubling does not.
    const len = Math.max(n, this.wCount.length * 2);
    this.wCount = grown(this.wCount, len);
    this.wSum = grown(this.wSum, len);
    this.wMax = grown(this.wMax, len);
  }

  private growUpdates(n: number): void {
    this.uTime = grown(this.uTime, n);
    this.uWorker = grown(this.uWorker, n);
    this.uStage = grown(this.uStage, n);
    this.uRead = grown(this.uRead, n);
    this.uApplied = grown(this.uApplied, n);
    this.uBackward = grown(this.uBackward, n);
    this.uLoss = grown(this.uLoss, n);
    this.uHasLoss = grown(this.uHasLoss, n);
  }

  private growSpans(n: number): void {
    // Never past traceLimit: a large limit that is never reached should not cost twice its memory.
    const cap = this.traceLimit;
    this.sWorker = grown(this.sWorker, n, cap);
    this.sKind = grown(this.sKind, n, cap);
    this.sStart = grown(this.sStart, n, cap);
    this.sDuration = grown(this.sDuration, n, cap);
  }
}

/** Rows of the update columns as `UpdateRecord`s, made on demand (see `MemoryRecorder.updateRows`). */
class UpdateRowView implements RowList<UpdateRecord> {
  constructor(
    readonly length: number,
    private readonly time: Float64Array,
    private readonly worker: Int32Array,
    private readonly stage: Int32Array,
    private readonly read: Float64Array,
    private readonly applied: Float64Array,
    private readonly backward: Float64Array,
    private readonly loss: Float64Array,
    private readonly hasLoss: Uint8Array,
  ) {}

  /** Row `i` (negative counts from the end, as `Array.prototype.at`), or undefined out of range. */
  at(index: number): UpdateRecord | undefined {
    const i = index < 0 ? this.length + index : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    const row: UpdateRecord = {
      timeS: this.time[i]!,
      worker: this.worker[i]!,
      stage: this.stage[i]!,
      versionRead: this.read[i]!,
      versionApplied: this.applied[i]!,
      loss: this.hasLoss[i] === 1 ? this.loss[i]! : undefined,
    };
    // Only rows with a distinct backward version carry the key, so other rows compare equal to what
    // the schedules recorded.
    const vb = this.backward[i]!;
    return Number.isNaN(vb) ? row : { ...row, versionBackward: vb };
  }

  *[Symbol.iterator](): Iterator<UpdateRecord> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}
