/**
 * One round of the model-averaging family (spec §8, §10, §11), shared by local-sgd, post-local-sgd's
 * second phase, DiLoCo and SlowMo so that none of them copies the loop:
 *
 *   every replica is reset to the global model x₀ ─ H local steps (lib/local-round.ts) ─ the slowest
 *   finishes ─ one all-reduce of the full model (n bytes) ─ the new global model from the outer step
 *   (lib/outer-step.ts): the mean, or an outer optimizer on the pseudo-gradient ─ committed with the
 *   round's steps as updates.
 *
 * The outer step may start from an `anchor` other than this round's x₀ (SlowMo's slow-momentum step
 * starts from the model at the start of its outer iteration, several averaging rounds back).
 */
import type { ProcessGenerator } from '../../core/process.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import type { Crew } from './crew.ts';
import { runCompressedCalls, type GradientCompression } from './gradient-compression.ts';
import { localRound, type Replica, type RoundResult } from './local-round.ts';
import { outerStep } from './outer-step.ts';
import type { OptimizerState } from './trainer.ts';

/**
 * One replica per member of `crew`, on the current global model, keyed by the member's rank, each with
 * a fresh optimizer state of the scenario's optimizer, or a clone of `from` (post-local SGD's fork).
 */
export function workerReplicas(ctx: ScheduleContext, crew: Crew, from?: OptimizerState): Replica[] {
  const { trainer, progress } = ctx;
  return crew.ranks.map((r) => ({
    snapshot: progress.current,
    opt: from === undefined ? trainer.optimizer() : from.clone(),
    data: r,
  }));
}

/** The outer optimizer of a round: `outerStep`'s `opt`, `lr` and `scale`. */
export interface OuterUpdate {
  readonly opt: OptimizerState;
  readonly lr?: number;
  readonly scale?: number;
}

/** How an averaging round ends. */
export interface AveragingRoundOptions {
  /** All-reduce algorithm of the average. */
  readonly algorithm: string;
  /**
   * The outer update, asked for after the local steps (SlowMo's depends on the learning rate they
   * used); absent or returning undefined: the new model is the mean of the replicas.
   */
  readonly outer?: () => OuterUpdate | undefined;
  /** What the outer update steps from; default this round's starting model. */
  readonly anchor?: ParamSnapshot;
  /**
   * Compressed averaging: each replica's model change x₀ − xᵢ is compressed (error feedback per
   * worker) and the compressor's collectives replace the all-reduce; the outer step then sees the one
   * model x₀ − mean of the compressed changes.
   */
  readonly compression?: GradientCompression;
}

/** What a round did, and the model it committed. */
export interface AveragingRoundResult extends RoundResult {
  readonly model: ParamSnapshot;
}

/**
 * Runs one round from the current global model on `replicas` (member i of `crew` owns `replicas[i]`,
 * whose optimizer state persists across rounds) and commits the result (see the file header).
 */
export function* averagingRound(
  ctx: ScheduleContext,
  crew: Crew,
  replicas: readonly Replica[],
  steps: number,
  o: AveragingRoundOptions,
): ProcessGenerator<AveragingRoundResult> {
  const x0 = ctx.progress.current;
  for (const r of replicas) r.snapshot = x0;
  const round = yield* localRound(ctx, crew, replicas, steps, x0.version);
  const version = x0.version + round.steps;
  const comp = o.compression;
  let averaged: readonly ParamSnapshot[];
  if (comp === undefined) {
    yield* crew.allReduce(ctx.compute.gradBytes, {
      algorithm: o.algorithm,
      label: (out) => `average (all-reduce ${out.algorithm})`,
    });
    averaged = replicas.map((r) => r.snapshot);
  } else {
    const t = yield* runCompressedCalls(ctx, crew, comp.wire(), 1, o.algorithm);
    for (const r of crew.ranks) crew.comm(r, t.startS, t.endS - t.startS);
    const { math } = ctx.trainer;
    const deltas = replicas.map((r) => math.sub(x0.params, r.snapshot.params));
    averaged = [ctx.trainer.snapshot(math.sub(x0.params, comp.mean(deltas, crew.ranks, crew)), version)];
  }
  const outer = o.outer?.();
  const model = outerStep(ctx.trainer, o.anchor ?? x0, averaged, { version, ...outer });
  crew.commit(model, round.steps);
  return { ...round, model };
}
