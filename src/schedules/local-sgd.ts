/**
 * Local SGD with periodic model averaging (spec/algorithms.md §8; Lin, Stich, Patel, Jaggi, "Don't Use
 * Large Mini-Batches, Use Local SGD", ICLR 2020).
 *
 * Timeline of one round:
 *   every worker starts from the averaged model x₀ ─ H local steps on its own replica, its own
 *   optimizer state (local momentum stays local) and its own data (lib/local-round.ts) ─ the slowest
 *   finishes ─ one all-reduce of the full model ─ x₀ ← the mean of the replicas (lib/outer-step.ts);
 *   the round is lib/averaging-round.ts, shared with post-local-sgd, DiLoCo and SlowMo.
 * Communication is one all-reduce per H steps instead of one per step. With `compressor`, each
 * replica's change x₀ − xᵢ is compressed instead (error feedback per worker) and the compressor's
 * collectives replace the all-reduce (lib/gradient-compression.ts).
 *
 * The global model advances H versions per round, so `updates` counts steps as for sync-allreduce, and
 * every staleness is 0. With H = 1 and plain SGD the mean of the N updated replicas equals one step on
 * the mean gradient: sync-allreduce.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import { averagingRound, workerReplicas } from './lib/averaging-round.ts';
import { compressionFor, COMPRESSOR_OPTION } from './lib/gradient-compression.ts';
import { defineSchedule } from './types.ts';

/** Local SGD with periodic model averaging. */
export const localSgd = defineSchedule({
  name: 'local-sgd',
  summary: 'each worker takes H local steps on its own replica, then the replicas are averaged by an all-reduce',
  reference: 'Lin, Stich, Patel, Jaggi, "Don\'t Use Large Mini-Batches, Use Local SGD", ICLR 2020 (spec §8)',
  semantics: 'synchronous',
  options: {
    localSteps: {
      type: 'number',
      integer: true,
      min: 1,
      default: 4,
      description: 'H: local steps between averages (H = 1 with plain SGD is sync-allreduce)',
    },
    algorithm: {
      type: 'collective',
      op: 'all-reduce',
      default: 'ring',
      description: 'all-reduce algorithm for the averaging',
    },
    compressor: COMPRESSOR_OPTION,
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const crew = new Crew(ctx);
    const replicas = workerReplicas(ctx, crew);
    const compression = compressionFor(ctx, crew, o.compressor);
    const round = { algorithm: o.algorithm, ...(compression === undefined ? {} : { compression }) };
    while (ctx.progress.running) yield* averagingRound(ctx, crew, replicas, o.localSteps, round);
  },
});
