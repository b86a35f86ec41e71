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
 */
import type { ProcessGenerator } from '../../core/process.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import type { AppliedRow, Crew } from './crew.ts';
import type { DataKey, GradientRef, OptimizerState } from './trainer.ts';

/** One model replica taking local steps: its weights, optimizer state and data shard. */
export interface Replica {
  snapshot: ParamSnapshot;
  readonly opt: OptimizerState;
  readonly data: DataKey;
}

/** What a round did. */
export interface RoundResult {
  /** Local steps every member completed (H, or fewer when a loss went non-finite). */
  readonly steps: number;
  /** When the slowest member finished, seconds. */
  readonly endS: number;
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
  steps: number,
  version: number,
): ProcessGenerator<RoundResult> {
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
