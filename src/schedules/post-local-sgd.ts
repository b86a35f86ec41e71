/**
 * Post-local SGD (spec/algorithms.md §8; Lin, Stich, Patel, Jaggi, "Don't Use Large Mini-Batches, Use
 * Local SGD", ICLR 2020, §3 "post-local SGD").
 *
 * Timeline:
 *   phase 1, the first `switchAt` updates: synchronous mini-batch SGD (lib/sync-step.ts): every worker
 *   computes on version v, one all-reduce of the gradient after the slowest, one shared optimizer
 *   state ─ the switch: that state is forked into N independent copies (`OptimizerState.clone()`:
 *   momentum buffers and step counts, so the learning-rate schedule continues) ─ phase 2: Local SGD
 *   rounds of H = `localSteps` steps (lib/averaging-round.ts), one all-reduce of the model per round.
 *
 * The paper switches at the first learning-rate decay; here the switch is given in updates, because
 * the timing-only trainer has no learning-rate schedule and the switch must be the same in both modes.
 * `switchAt: 0` is local-sgd; a `switchAt` at or past the end of the run is sync-allreduce.
 * Every staleness is 0.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { averagingRound, workerReplicas } from './lib/averaging-round.ts';
import { Crew } from './lib/crew.ts';
import { compressionFor, COMPRESSOR_OPTION } from './lib/gradient-compression.ts';
import { SyncStep } from './lib/sync-step.ts';
import { defineSchedule } from './types.ts';

/** Post-local SGD. */
export const postLocalSgd = defineSchedule({
  name: 'post-local-sgd',
  summary:
    'synchronous all-reduce SGD for the first switchAt updates, then Local SGD rounds of H steps from a forked optimizer state',
  reference: 'Lin, Stich, Patel, Jaggi, "Don\'t Use Large Mini-Batches, Use Local SGD", ICLR 2020 (spec §8)',
  semantics: 'synchronous',
  options: {
    switchAt: {
      type: 'number',
      integer: true,
      min: 0,
      default: 100,
      description:
        "t': updates of synchronous SGD before switching to Local SGD (the paper: the first learning-rate decay)",
    },
    localSteps: {
      type: 'number',
      integer: true,
      min: 1,
      default: 16,
      description: 'H: local steps between averages after the switch (16 is typical in the paper)',
    },
    algorithm: {
      type: 'collective',
      op: 'all-reduce',
      default: 'ring',
      description: 'all-reduce algorithm, for the gradients before the switch and the models after',
    },
    compressor: COMPRESSOR_OPTION,
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { trainer, progress } = ctx;
    const crew = new Crew(ctx);
    const opt = trainer.optimizer();
    const compression = compressionFor(ctx, crew, o.compressor);
    const comp = compression === undefined ? {} : { compression };
    const sync = new SyncStep(ctx, crew, opt, { kind: 'all-reduce', algorithm: o.algorithm, ...comp });
    for (let t = 0; t < o.switchAt && progress.running; t++) yield* sync.step();
    const replicas = workerReplicas(ctx, crew, opt);
    while (progress.running)
      yield* averagingRound(ctx, crew, replicas, o.localSteps, { algorithm: o.algorithm, ...comp });
  },
});
