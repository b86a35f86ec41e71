/**
 * 1F1B with a flush (PipeDream-Flush, Narayanan et al., ICML 2021; Megatron-LM; spec §16.2): a pure
 * pipeline, stage s on rank s; after a warm-up of S − 1 − s forwards each stage alternates one forward
 * and one backward, then drains, and all stages step together.
 *
 * Timeline: lib/pipeline/executor.ts plays lib/pipeline/programs.ts's `1f1b` op lists; the makespan is
 * GPipe's (M + S − 1)(t_F + t_B) (spec F2) while stage s holds at most min(S − s, M) activations (F5).
 * Math: every op reads version v, so the batch's gradient is the full model's gradient on it; τ = 0.
 */
import { flushSchedule } from './lib/pipeline/flush-schedule.ts';
import { oneFOneB as program } from './lib/pipeline/programs.ts';
import { defineSchedule } from './types.ts';

/** 1F1B (PipeDream-Flush). */
export const oneFOneB = defineSchedule({
  name: '1f1b',
  summary:
    'pipeline (stages × data × tensor parallel): warm-up, then one forward and one backward in turn, then one flush update',
  reference: 'Narayanan et al., "Memory-Efficient Pipeline-Parallel DNN Training", ICML 2021 (spec §16.2)',
  semantics: 'synchronous',
  ...flushSchedule(program),
});
