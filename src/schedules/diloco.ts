/**
 * DiLoCo, distributed low-communication training (spec/algorithms.md §10; Douillard, Feng, Rusu, et
 * al., "DiLoCo: Distributed Low-Communication Training of Language Models", arXiv 2311.08105, 2023,
 * Algorithm 1).
 *
 * Timeline of one outer step (lib/averaging-round.ts):
 *   every worker starts from θ^(t−1) ─ H inner steps with the scenario's optimizer (`training.optimizer`;
 *   the paper uses AdamW) on its own replica, its own inner state (kept local, never communicated) and
 *   its own data ─ the slowest finishes ─ one all-reduce of the model ─ the outer step: the outer
 *   optimizer (`outer`, default Nesterov momentum 0.9 at learning rate 0.7, as in the paper) applied
 *   to the outer gradient Δ = θ^(t−1) − mean_i θ_i (lib/outer-step.ts) gives θ^(t).
 *
 * `updates` counts inner steps (H per outer step), as for local-sgd. Every staleness is 0. With H = 1,
 * inner plain SGD and outer SGD at learning rate 1 without momentum it is sync-allreduce.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { averagingRound, workerReplicas } from './lib/averaging-round.ts';
import { compressionFor, COMPRESSOR_OPTION } from './lib/gradient-compression.ts';
import { Crew } from './lib/crew.ts';
import { defineSchedule } from './types.ts';

/** DiLoCo. */
export const diloco = defineSchedule({
  name: 'diloco',
  summary:
    'H inner steps per worker with the scenario optimizer, then an outer Nesterov step on the all-reduced pseudo-gradient',
  reference:
    'Douillard et al., "DiLoCo: Distributed Low-Communication Training of Language Models", arXiv 2311.08105, 2023 (spec §10)',
  semantics: 'synchronous',
  options: {
    localSteps: {
      type: 'number',
      integer: true,
      min: 1,
      default: 500,
      description: 'H: inner steps per outer step (the paper: 500)',
    },
    outer: {
      type: 'optimizer',
      default: { kind: 'nesterov', lr: 0.7, options: { momentum: 0.9 } },
      description:
        'outer optimizer on the pseudo-gradient x₀ − mean (the paper: Nesterov, momentum 0.9, learning rate 0.7)',
    },
    algorithm: {
      type: 'collective',
      op: 'all-reduce',
      default: 'ring',
      description: 'all-reduce algorithm for the pseudo-gradient',
    },
    compressor: COMPRESSOR_OPTION,
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { trainer, progress } = ctx;
    const crew = new Crew(ctx);
    const replicas = workerReplicas(ctx, crew);
    const outer = { opt: trainer.optimizer(o.outer) };
    const compression = compressionFor(ctx, crew, o.compressor);
    const round = { algorithm: o.algorithm, outer: () => outer, ...(compression === undefined ? {} : { compression }) };
    while (progress.running) yield* averagingRound(ctx, crew, replicas, o.localSteps, round);
  },
});
