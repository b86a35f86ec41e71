/**
 * The time side of a schedule in one place: a crew of ranks that compute, communicate, and have
 * their gradients applied. Every schedule books time through it, so the rules hold for all of them:
 *
 * - **Time as intervals.** Compute and communication are recorded as (start, duration) intervals on
 *   each rank and in the trace; what lies past the run's end is clipped when the run stops
 *   (WorkerStats.finish, MemoryRecorder.spans), so a `simTime` stop in the middle of a booked step
 *   never gives a utilization above 1.
 * - **Rows when updates land.** `row` refuses a time ahead of the clock: a schedule that books work
 *   ahead (Local SGD's round) keeps its rows until the round commits.
 * - **One write path.** `commit` publishes the global model and credits the updates, samples and
 *   per-worker counts together, so summary.csv and workers.csv always agree.
 * - **Plain numbers.** `nowS` and every time here are seconds as plain numbers: no `sim.now as number`
 *   casts in schedules.
 *
 * The analytic, bulk-synchronous style is kept: `computeAll` books one step on N ranks with O(N)
 * arithmetic and no event, and the caller waits once for the slowest with `until`. That is what makes
 * a 16,384-GPU synchronous step cost one event per collective.
 */
import type { Event } from '../../core/events.ts';
import { wait, type ProcessGenerator } from '../../core/process.ts';
import { seconds } from '../../core/units.ts';
import type { CollectiveOptions, CollectiveOutcome } from '../../collectives/communicator.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { UpdateRecord } from '../../results/recorder.ts';
import type { ScheduleContext } from '../context.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
import type { GradientRef } from './trainer.ts';

/** What an update row says (spec §0.2): whose gradient, on which version, applied at which. */
export interface AppliedRow {
  readonly worker: number;
  readonly versionRead: number;
  /** The version just before this gradient was applied (τ = versionApplied − versionRead). */
  readonly versionApplied: number;
  /** The gradient, for its batch loss (full mode only). */
  readonly grad: GradientRef;
  /** Pipeline stage or parameter-server shard; 0 when the model is not split. */
  readonly stage?: number;
  /**
   * The version the backward pass used, where a pipeline schedule lets it differ from `versionRead`
   * (updates.csv `version_backward`); leave it out otherwise.
   */
  readonly versionBackward?: number;
  /** When it landed; default now. Never ahead of the clock. */
  readonly timeS?: number;
}

/** The ranks 0 .. n − 1. */
export function rankRange(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** A group of ranks whose time a schedule books (see the file header). */
export class Crew {
  /** Global ranks in the crew, in rank order. */
  readonly ranks: readonly number[];
  private readonly spans: boolean;

  /** A crew of `ranks` (default: every worker of the run). */
  constructor(
    private readonly ctx: ScheduleContext,
    ranks: readonly number[] = rankRange(ctx.workers),
  ) {
    this.ranks = ranks;
    this.spans = ctx.recorder.wantsSpans;
  }

  // The record `rows` fills in for each row, in `UpdateRecord`'s field order (one hidden class).
  private readonly rowRecord: Mutable<UpdateRecord> = {
    timeS: 0,
    worker: 0,
    stage: 0,
    versionRead: 0,
    versionApplied: 0,
    versionBackward: undefined,
    loss: undefined,
  };

  /** Whether trace spans are kept: build span labels only then. */
  get traced(): boolean {
    return this.spans;
  }

  // Each member's nominal step seconds (`compute.stepS`, which never changes), made on first use.
  private nominal: Float64Array | null = null;

  // Factors of a `computeAll` whose caller does not want them, kept between calls.
  private factorScratch = new Float64Array(0);

  private scratch(n: number): Float64Array {
    if (this.factorScratch.length < n) this.factorScratch = new Float64Array(n);
    return this.factorScratch;
  }

  /** Ranks in the crew. */
  get size(): number {
    return this.ranks.length;
  }

  /** The simulated clock, seconds. */
  get nowS(): number {
    return this.ctx.sim.now as number;
  }

  /** Seconds `rank`'s step takes if it starts at `startS`: nominal time × its straggler draw. */
  stepTime(rank: number, startS: number): number {
    const c = this.ctx.compute;
    return c.stepS(rank) * c.factor(rank, startS);
  }

  /**
   * Books one step of compute on every rank of the crew, member i starting at `startS[i]` (or all at
   * one time), without an event: returns each member's duration in `out` (by member index), its
   * straggler factor in `factors` when given, and records the intervals. The caller waits for what it
   * needs with `until`.
   */
  computeAll(
    startS: number | Float64Array,
    label: string,
    out: Float64Array = new Float64Array(this.ranks.length),
    factors?: Float64Array,
  ): Float64Array {
    const { stats, recorder, compute } = this.ctx;
    const ranks = this.ranks;
    const n = ranks.length;
    // The factors are drawn as one batch, then the step times and the intervals booked in one pass
    // each: the same numbers as one `stepTime` per member, without a call chain per member.
    const f = compute.factors(ranks, startS, factors ?? this.scratch(n));
    const nominal = this.nominal ?? (this.nominal = Float64Array.from(ranks, (r) => compute.stepS(r)));
    for (let i = 0; i < n; i++) out[i] = nominal[i]! * f[i]!;
    stats.computeAll(ranks, startS, out);
    if (this.spans) {
      const one = typeof startS === 'number';
      for (let i = 0; i < n; i++) {
        const t = one ? startS : startS[i]!;
        recorder.span({ worker: ranks[i]!, kind: 'compute', name: label, startS: t, durationS: out[i]! });
      }
    }
    return out;
  }

  /** One step of compute on `rank`, starting now: waits for it and records it. Returns its seconds. */
  *compute(rank: number, label: string): ProcessGenerator<number> {
    const t = this.nowS;
    const c = this.stepTime(rank, t);
    yield this.ctx.sim.timeout(seconds(c));
    this.ctx.stats.compute(rank, t, c);
    if (this.spans) this.ctx.recorder.span({ worker: rank, kind: 'compute', name: label, startS: t, durationS: c });
    return c;
  }

  /**
   * Books `durationS` of compute on `rank` from `startS` that the caller timed itself, without an event:
   * a part of a step whose length the caller took from `stepTime` (Hogwild!'s gradient and write
   * phases), or tasks sharing a GPU through `GpuShare` (the rank is busy from the first start to the
   * last end). The caller waits.
   */
  book(rank: number, startS: number, durationS: number, label: string): void {
    this.ctx.stats.compute(rank, startS, durationS);
    if (this.spans) this.ctx.recorder.span({ worker: rank, kind: 'compute', name: label, startS, durationS });
  }

  /** Waits until `timeS` (no event when it has passed). */
  *until(timeS: number): ProcessGenerator<void> {
    const now = this.nowS;
    if (timeS > now) yield this.ctx.sim.timeout(seconds(timeS - now));
  }

  /** Records communication of `rank`: `durationS` from `startS`, the last `exposedS` of it not hidden by compute. */
  comm(rank: number, startS: number, durationS: number, exposedS = durationS): void {
    this.ctx.stats.comm(rank, startS, durationS, exposedS);
  }

  /**
   * `comm(ranks[i], startS, durationS, exposedS[i])` for every i: one collective on many ranks, each
   * with its own part not hidden by compute.
   */
  commAll(ranks: readonly number[], startS: number, durationS: number, exposedS: Float64Array): void {
    this.ctx.stats.commAll(ranks, startS, durationS, exposedS);
  }

  /** A trace span of communication on `rank` (only built when the trace is on). */
  commSpan(rank: number, label: string | (() => string), startS: number, durationS: number): void {
    if (!this.spans) return;
    const name = typeof label === 'string' ? label : label();
    this.ctx.recorder.span({ worker: rank, kind: 'comm', name, startS, durationS });
  }

  /** A trace span of waiting on `rank` (a barrier, a clock gate). */
  waitSpan(rank: number, label: string, startS: number, durationS: number): void {
    if (this.spans && durationS > 0)
      this.ctx.recorder.span({ worker: rank, kind: 'wait', name: label, startS, durationS });
  }

  /**
   * An all-reduce of `sizeBytes` over the crew. With `record` (the default) every member gets the
   * collective as fully exposed communication and a span labelled `label(outcome)`; callers that
   * account overlap themselves (DDP buckets) pass `record: false` and use `comm`/`commSpan`.
   */
  *allReduce(
    sizeBytes: number,
    o: CollectiveOptions & { label?: (out: CollectiveOutcome<Float32Array>) => string; record?: boolean } = {},
  ): ProcessGenerator<CollectiveOutcome<Float32Array>> {
    const out = yield* wait(this.ctx.comm.allReduce(this.ranks, sizeBytes, o));
    if (o.record !== false) {
      const label = o.label ?? ((x: CollectiveOutcome<Float32Array>) => `all-reduce ${x.algorithm}`);
      for (const r of this.ranks) this.comm(r, out.startS, out.timeS);
      if (this.spans) for (const r of this.ranks) this.commSpan(r, label(out), out.startS, out.timeS);
    }
    return out;
  }

  /**
   * A point-to-point send through the communicator (bytes counted per rank and per link). The caller
   * records the time against whoever waits for it.
   */
  send(src: number, dst: number, sizeBytes: number): Event<void> {
    return this.ctx.comm.send(src, dst, sizeBytes);
  }

  /**
   * Starts a reduce-scatter (of a `sizeBytes` vector, each member keeping 1/n of the sum) or an
   * all-gather (to a `sizeBytes` result) over the crew and returns its event, recording nothing: ZeRO
   * overlaps these with compute and books their time itself (`commAll`, `commSpan`).
   */
  startCollective(
    op: 'reduce-scatter' | 'all-gather',
    sizeBytes: number,
    o: CollectiveOptions = {},
  ): Event<CollectiveOutcome<unknown>> {
    const comm = this.ctx.comm;
    return op === 'reduce-scatter'
      ? comm.reduceScatter(this.ranks, sizeBytes, o)
      : comm.allGather(this.ranks, sizeBytes, o);
  }

  /** Writes one update row (τ = versionApplied − versionRead). */
  row(r: AppliedRow): void {
    this.rowAt(r.worker, r.stage ?? 0, r.versionRead, r.versionApplied, r.timeS, r.grad, r.versionBackward);
  }

  /**
   * `row` with the fields as arguments, for hot paths that keep their rows in columns (the parameter
   * server): no `AppliedRow` object per row.
   */
  rowAt(
    worker: number,
    stage: number,
    versionRead: number,
    versionApplied: number,
    timeS: number | undefined,
    grad: GradientRef,
    versionBackward?: number,
  ): void {
    const now = this.nowS;
    const t = timeS ?? now;
    if (t > now) throw new Error(`an update row at ${t} s was written at ${now} s: rows are written when updates land`);
    const rec = this.rowRecord;
    rec.timeS = t;
    rec.worker = worker;
    rec.stage = stage;
    rec.versionRead = versionRead;
    rec.versionApplied = versionApplied;
    rec.versionBackward = versionBackward;
    rec.loss = this.ctx.trainer.full ? grad.value().loss : undefined;
    this.ctx.recorder.update(rec);
  }

  /**
   * Writes one update row per worker in `workers`, all read at `versionRead` and applied at
   * `versionApplied` now, with one gradient's loss: a synchronous step's rows. The same rows as `row`
   * for each worker in order, through one record object (the recorder copies what it keeps).
   */
  rows(workers: readonly number[], versionRead: number, versionApplied: number, grad: GradientRef): void {
    const rec = this.rowRecord;
    rec.timeS = this.nowS;
    rec.stage = 0;
    rec.versionBackward = undefined;
    rec.versionRead = versionRead;
    rec.versionApplied = versionApplied;
    rec.loss = this.ctx.trainer.full ? grad.value().loss : undefined;
    const recorder = this.ctx.recorder;
    for (let i = 0; i < workers.length; i++) {
      rec.worker = workers[i]!;
      recorder.update(rec);
    }
  }

  /**
   * Reports a named measurement at the current time (metrics.csv: `conflicts`, `lost_updates`), for
   * `worker` or, without one, for the run.
   */
  metric(name: string, value: number, worker?: number): void {
    this.ctx.recorder.metric({ timeS: this.nowS, worker, name, value });
  }

  /**
   * Credits `gradients` applied gradients to `worker` without publishing a model: an asynchronous
   * pipeline's stage applies its own (the model is published when stage 0 steps, via `commit`).
   */
  credit(worker: number, gradients: number): void {
    this.ctx.stats.updates[worker]! += gradients;
  }

  /**
   * Publishes `snapshot` as the global model after `updates` more global updates, crediting
   * `gradientsEach` applied gradients (one batch each) to every worker in `workers` (default: the
   * whole crew, `updates` each). Samples are counted here, so work that never lands is never counted:
   * `gradientsEach` × batch size per worker credited, or `samples` when given (a pipeline's micro-batches
   * are not per-worker batches, and tensor-parallel GPUs share theirs).
   */
  commit(
    snapshot: ParamSnapshot,
    updates: number,
    workers: readonly number[] | number = this.ranks,
    gradientsEach = updates,
    samples?: number,
  ): void {
    const counts = this.ctx.stats.updates;
    let n = 1;
    if (typeof workers === 'number') counts[workers]! += gradientsEach;
    else {
      n = workers.length;
      for (const w of workers) counts[w]! += gradientsEach;
    }
    this.ctx.progress.commit(snapshot, updates, samples ?? n * gradientsEach * this.ctx.batchSize);
  }
}
