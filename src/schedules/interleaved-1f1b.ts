/**
 * Interleaved 1F1B with a flush (Narayanan et al., "Efficient Large-Scale Language Model Training on
 * GPU Clusters Using Megatron-LM", SC'21; spec §19.1): a pure pipeline of S ranks holding v model
 * chunks each; chunk c of rank d is virtual stage c·S + d, so a micro-batch passes every rank v times.
 * The bubble shrinks by v, at the price of v times the point-to-point traffic and more activations.
 *
 * Timeline: lib/pipeline/executor.ts plays lib/pipeline/programs.ts's `interleaved-1f1b` op lists
 * (Megatron's warm-up, then 1F1B over the chunks, then the cool-down); with equal virtual stages the
 * bubble fraction is (S − 1)/(v·M + S − 1) (spec F3). Megatron needs M to be a multiple of S, and so does
 * this. Math: every op reads version v (a flush), so the batch's gradient is the full model's; τ = 0.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { runPipeline } from './lib/pipeline/executor.ts';
import { layoutDataKeys, PIPE_LAYOUT_OPTIONS } from './lib/pipeline/layout.ts';
import { pipeProblems } from './lib/pipeline/setup.ts';
import { interleaved1F1B as program } from './lib/pipeline/programs.ts';
import { pipeMemoryProblems } from './lib/pipeline/memory-check.ts';
import { defineSchedule } from './types.ts';

/** Interleaved 1F1B (Megatron's virtual pipeline). */
export const interleaved1F1B = defineSchedule({
  name: 'interleaved-1f1b',
  summary:
    'pipeline, v model chunks per worker (virtual stages): 1F1B over the chunks with a bubble v times ' +
    'smaller, then one flush update',
  reference: 'Narayanan et al., "Efficient Large-Scale Language Model Training ... Megatron-LM", SC 2021 (spec §19.1)',
  semantics: 'synchronous',
  options: {
    microBatches: {
      type: 'number',
      integer: true,
      min: 1,
      default: 8,
      description: 'M: micro-batches per batch and replica, a multiple of the stages',
    },
    chunks: {
      type: 'number',
      integer: true,
      min: 1,
      default: 2,
      description: 'v: model chunks per worker (virtual pipeline stages per rank)',
    },
    ...PIPE_LAYOUT_OPTIONS,
  },
  ownsMemory: true,
  memoryCheck: (o, env) => pipeMemoryProblems(o, env, { program }),
  dataKeys: layoutDataKeys,
  check(o, shape) {
    const out = pipeProblems(o, shape);
    if (out.length > 0) return out;
    const p = o.stages ?? shape.workers / o.tensorParallel;
    return o.microBatches % p === 0
      ? []
      : [`microBatches must be a multiple of the ${p} pipeline stages (as Megatron requires), got ${o.microBatches}`];
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    yield* runPipeline(ctx, { program, ...o });
  },
});
