/**
 * Zero-bubble pipeline ZB-H1 with a flush (Qi, Wan, Huang, Lin, "Zero Bubble Pipeline Parallelism",
 * ICLR 2024; spec §19.2): a pure pipeline, stage s on rank s; each backward is split into I (the input
 * gradient, which the previous stage waits for) and W (the weight gradient, which nothing waits for),
 * and stage s defers its Ws by s micro-batches so they fill what would be 1F1B's bubble. Activations
 * in flight stay at 1F1B's bound.
 *
 * Timeline: lib/pipeline/executor.ts plays lib/pipeline/programs.ts's `zb-h1` op lists; with equal
 * stages and t_W ≤ t_F, t_I the makespan is M(t_F + t_I + t_W) + (S − 1)(t_F + t_I − t_W).
 * Math: every op reads version v (a flush), so the batch's gradient is the full model's; τ = 0.
 */
import { flushSchedule } from './lib/pipeline/flush-schedule.ts';
import { zbH1 as program } from './lib/pipeline/programs.ts';
import { defineSchedule } from './types.ts';

/** ZB-H1 (zero bubble, 1F1B memory). */
export const zbH1 = defineSchedule({
  name: 'zb-h1',
  summary:
    'pipeline (stages × data × tensor parallel): 1F1B with each backward split into input and weight gradients, ' +
    'the weight gradients deferred to fill the bubble, then one flush update',
  reference: 'Qi, Wan, Huang, Lin, "Zero Bubble Pipeline Parallelism", ICLR 2024 (spec §19.2)',
  semantics: 'synchronous',
  ...flushSchedule(program),
});
