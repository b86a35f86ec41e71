/**
 * GPipe (Huang et al., NeurIPS 2019; spec §14): a pure pipeline, stage s on rank s; every stage runs
 * every micro-batch's forward, then every backward, then all stages step together (a flush).
 *
 * Timeline: lib/pipeline/executor.ts plays lib/pipeline/programs.ts's `gpipe` op lists; with equal
 * stages and free transfers one batch takes (M + S − 1)(t_F + t_B) (spec F1).
 * Math: every op reads version v, so the batch's gradient is the full model's gradient on it; τ = 0.
 */
import { flushSchedule } from './lib/pipeline/flush-schedule.ts';
import { gpipe as program } from './lib/pipeline/programs.ts';
import { defineSchedule } from './types.ts';

/** GPipe with a flush. */
export const gpipe = defineSchedule({
  name: 'gpipe',
  summary:
    'pipeline (stages × data × tensor parallel): all forwards, then all backwards of M micro-batches, then one flush update',
  reference: 'Huang et al., "GPipe", NeurIPS 2019 (spec §14)',
  semantics: 'synchronous',
  ...flushSchedule(program),
});
