/**
 * A local round (spec §8–11): every replica takes H optimizer steps on its own copy of the model, with
 * its own optimizer state and its own data, and no communication. Local SGD, post-local SGD, SlowMo,
 * DiLoCo and FedAvg are all "a local round, then an outer step on what the replicas learned"
 * (outer-step.ts).
 *
 * Timeline: member i's step h starts when its step h − 1 ends, each timed on its own GPU with its own
 * straggler draw, booked ahead without events (the analytic style: O(N·H) arithmetic and one event per
 * round). The round waits for the slowest member. The update rows of the round are written then, at
 * the times the steps ended, because that is when the round's work lands: a run stopped inside the
 * round counts none of it.
 *
 * Versions: a round that starts at global version g has local step h read and write the member's own
 * replica at version g + h, so every τ is 0 (replicas drift; they are not stale).
 *
 * Clients (FedAvg, spec §9): with per-replica step counts, a round deadline, or replicas placed on
 * ranks (`Replica.rank`), the round runs as clients placed on GPUs. Several replicas may share one
 * rank: a GPU runs its clients one after another, in the order given (no sharing of a GPU is
 * modelled), each step with its own straggler draw. With a deadline, no step starts after it; a client
 * whose last step does not end by it is dropped (its GPU finishes the step in progress, which is
 * booked, and the clients queued behind it on that GPU never start). Dropped clients write no rows and
 * their math is never computed. The round ends when every GPU is idle. Every row carries the round's
 * version (each local step of the round starts from the global version g, τ = 0), because clients take
 * different numbers of steps and share no per-step version.
 */
import type { ProcessGenerator } from '../../core/process.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import { Crew, type AppliedRow } from './crew.ts';
import type { DataKey, GradientRef, OptimizerState } from './trainer.ts';

/** One model replica taking local steps: its weights, optimizer state and data shard. */
export interface Replica {
  snapshot: ParamSnapshot;
  readonly opt: OptimizerState;
  readonly data: DataKey;
  /** The rank (GPU) it runs on; default: the crew member of the same index. */
  readonly rank?: number;
}

/** Per-round choices of the client form (see the file header). */
export interface RoundOptions {
  /** Absolute time (seconds) by which a replica's last step must end; absent: no deadline. */
  readonly deadlineS?: number;
}

/** What a round did. */
export interface RoundResult {
  /** Local steps every member completed (H, or fewer when a loss went non-finite). */
  readonly steps: number;
  /** When the slowest member finished, seconds. */
  readonly endS: number;
  /** Client form only: which replicas finished every step by the deadline (their rows were written). */
  readonly kept?: readonly boolean[];
  /** Client form only: local steps applied per replica (0 for a dropped one). */
  readonly stepsEach?: readonly number[];
}

/**
 * Runs `steps` local steps on every replica (member i of `crew` owns `replicas[i]`), starting from
 * their current snapshots at global version `version`; waits for the slowest; writes the rows.
 * A non-finite batch loss (full mode) ends the round after that step: the rest would be NaN arithmetic.
 */
export function* localRound(
  ctx: ScheduleContext,
  crew: Crew,
  replicas: readonly Replica[],
  steps: number | readonly number[],
  version: number,
  o?: RoundOptions,
): ProcessGenerator<RoundResult> {
  if (typeof steps !== 'number' || o !== undefined || replicas.some((r) => r.rank !== undefined))
    return yield* clientRound(ctx, crew, replicas, steps, version, o ?? {});
  const { trainer } = ctx;
  const n = crew.size;
  const t0 = crew.nowS;
  const clock = new Float64Array(n).fill(t0);
  const dur = new Float64Array(n);
  const grads = new Array<GradientRef>(n);
  const rows: AppliedRow[] = [];
  let done = 0;
  while (done < steps) {
    // Every member's step is requested before any is read, so the engine computes them in one flush.
    for (let i = 0; i < n; i++) grads[i] = trainer.gradient(replicas[i]!.snapshot, replicas[i]!.data);
    crew.computeAll(clock, `local step ${done + 1}/${steps}`, dur);
    let finite = true;
    for (let i = 0; i < n; i++) {
      const r = replicas[i]!;
      clock[i]! += dur[i]!;
      r.snapshot = trainer.apply(r.opt, r.snapshot, grads[i]!, version + done + 1);
      rows.push({
        worker: crew.ranks[i]!,
        versionRead: version + done,
        versionApplied: version + done,
        grad: grads[i]!,
        timeS: clock[i]!,
      });
      if (trainer.full && !Number.isFinite(grads[i]!.value().loss)) finite = false;
    }
    done++;
    if (!finite) break;
  }
  let endS = t0;
  for (let i = 0; i < n; i++) endS = Math.max(endS, clock[i]!);
  yield* crew.until(endS);
  for (const r of rows) crew.row(r);
  return { steps: done, endS };
}

/** What `trainClients` booked and computed (nothing is written). */
export interface ClientWork {
  /** When the last GPU went idle, seconds. */
  readonly endS: number;
  /** Which replicas finished every step by the deadline. */
  readonly kept: readonly boolean[];
  /** Local steps applied per replica (0 for a dropped one). */
  readonly stepsEach: readonly number[];
  /** One row per applied step, versions `version`, in time order; the caller writes them when they land. */
  readonly rows: readonly AppliedRow[];
}

/**
 * Clients on ranks (see the file header), booked from `startS` (default now) without events and
 * computed, rows returned, nothing written: replica i takes `steps` (or `steps[i]`) local steps on rank
 * `replicas[i].rank ?? crew.ranks[i]`, a rank's replicas one after another, dropped past `o.deadlineS`.
 * FedAvg's round writes the rows at once (`localRound`); FedBuff's clients write theirs when the
 * server applies their update.
 */
export function trainClients(
  ctx: ScheduleContext,
  crew: Crew,
  replicas: readonly Replica[],
  steps: number | readonly number[],
  version: number,
  o: RoundOptions = {},
): ClientWork {
  const { trainer } = ctx;
  const n = replicas.length;
  const t0 = crew.nowS;
  const deadline = o.deadlineS ?? Infinity;
  const want = (i: number): number => (typeof steps === 'number' ? steps : steps[i]!);
  if (typeof steps !== 'number' && steps.length !== n)
    throw new RangeError(`localRound: ${steps.length} step counts for ${n} replicas`);
  // Time first: each rank's clients back to back, booked without events.
  const single = new Map<number, Crew>();
  const rankClock = new Map<number, number>();
  const ends: Float64Array[] = [];
  const kept: boolean[] = [];
  const dur = new Float64Array(1);
  let endS = t0;
  for (let i = 0; i < n; i++) {
    const r = replicas[i]!;
    const rank = r.rank ?? crew.ranks[i]!;
    if (!Number.isInteger(rank)) throw new RangeError(`localRound: replica ${i} has no rank`);
    let one = single.get(rank);
    if (one === undefined) single.set(rank, (one = new Crew(ctx, [rank])));
    let t = rankClock.get(rank) ?? t0;
    const h = want(i);
    const e = new Float64Array(h);
    let done = 0;
    while (done < h && t < deadline) {
      one.computeAll(t, `client ${r.data} step ${done + 1}/${h}`, dur);
      t += dur[0]!;
      e[done++] = t;
    }
    rankClock.set(rank, t);
    endS = Math.max(endS, t);
    ends.push(e);
    kept.push(done === h && t <= deadline);
  }
  // Then the math of the kept clients, one step index at a time (one engine flush per index).
  const applied = new Array<number>(n).fill(0);
  const rows: AppliedRow[] = [];
  const live = new Array<boolean>(n);
  for (let i = 0; i < n; i++) live[i] = kept[i]!;
  const grads = new Array<GradientRef | undefined>(n);
  let maxSteps = 0;
  for (let i = 0; i < n; i++) if (kept[i]) maxSteps = Math.max(maxSteps, want(i));
  for (let h = 0; h < maxSteps; h++) {
    for (let i = 0; i < n; i++)
      grads[i] = live[i] && h < want(i) ? trainer.gradient(replicas[i]!.snapshot, replicas[i]!.data) : undefined;
    for (let i = 0; i < n; i++) {
      const g = grads[i];
      if (g === undefined) continue;
      const r = replicas[i]!;
      r.snapshot = trainer.apply(r.opt, r.snapshot, g, version);
      applied[i]!++;
      rows.push({
        worker: r.rank ?? crew.ranks[i]!,
        versionRead: version,
        versionApplied: version,
        grad: g,
        timeS: ends[i]![h]!,
      });
      // A non-finite batch loss ends this client's training: the rest would be NaN arithmetic.
      if (trainer.full && !Number.isFinite(g.value().loss)) live[i] = false;
    }
  }
  rows.sort((a, b) => a.timeS! - b.timeS! || a.worker - b.worker);
  return { endS, kept, stepsEach: applied, rows };
}

/** The client form of `localRound` (see the file header): `trainClients`, then wait and write the rows. */
function* clientRound(
  ctx: ScheduleContext,
  crew: Crew,
  replicas: readonly Replica[],
  steps: number | readonly number[],
  version: number,
  o: RoundOptions,
): ProcessGenerator<RoundResult> {
  const w = trainClients(ctx, crew, replicas, steps, version, o);
  yield* crew.until(w.endS);
  for (const r of w.rows) crew.row(r);
  let least = Infinity;
  for (let i = 0; i < replicas.length; i++) if (w.kept[i]) least = Math.min(least, w.stepsEach[i]!);
  return { steps: least === Infinity ? 0 : least, endS: w.endS, kept: w.kept, stepsEach: w.stepsEach };
}
