/**
 * PipeDream-2BW (Narayanan et al., "Memory-Efficient Pipeline-Parallel DNN Training", ICML 2021;
 * spec §16.1): asynchronous 1F1B without a flush, double-buffered weights.
 *
 * Timeline (lib/pipeline/streams.ts): the stream of PipeDream (stage s: p − 1 − s warm-up forwards,
 * then one forward and one backward forever), but each stage coalesces the gradients of a batch of M
 * micro-batches and steps once per batch:
 *
 *   stage 0 (p = 2, M = 2):  F0 F1 B0 F2 B1 [step] F3 B2 F4 B3 [step] …
 *
 * Math (lib/pipeline/async-executor.ts): a micro-batch uses the version current at its forward for
 * its forward and its backward (a stash, δ = 0). Micro-batches still in flight at a batch boundary
 * keep the older "shadow" version, so a stage never holds more than two versions when M ≥ p, and every
 * update lands exactly one version after the one it read for the micro-batches that straddle the
 * boundary: W(t+1) = W(t) − ν∇f(W(t−1)), τ ≤ 1 (spec §24.1). With data-parallel replicas, the stage's
 * gradients are all-reduced at each step.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { runAsyncPipeline } from './lib/pipeline/async-executor.ts';
import { layoutDataKeys } from './lib/pipeline/layout.ts';
import { PIPE_OPTIONS, pipeProblems } from './lib/pipeline/setup.ts';
import { pipeMemoryProblems } from './lib/pipeline/memory-check.ts';
import { defineSchedule } from './types.ts';

/** PipeDream-2BW. */
export const pipedream2bw = defineSchedule({
  name: 'pipedream-2bw',
  summary:
    'asynchronous pipeline: 1F1B without a flush, one step per batch of M micro-batches, two weight versions (τ ≤ 1)',
  reference: 'Narayanan et al., "Memory-Efficient Pipeline-Parallel DNN Training", ICML 2021 (spec §16.1)',
  semantics: 'asynchronous',
  options: {
    ...PIPE_OPTIONS,
  },
  ownsMemory: true,
  memoryCheck: (o, env) =>
    pipeMemoryProblems(o, env, { every: o.microBatches, versions: (s, p) => (s < p - 1 ? 2 : 1) }),
  check(o, shape) {
    const out = pipeProblems(o, shape);
    if (out.length > 0) return out;
    const p = o.stages ?? shape.workers / o.tensorParallel;
    return o.microBatches >= p
      ? []
      : [
          `microBatches must be at least the ${p} pipeline stages (2BW keeps two versions only when M ≥ p), got ${o.microBatches}`,
        ];
  },
  dataKeys: layoutDataKeys,
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    yield* runAsyncPipeline(ctx, { ...o, policy: (env) => ({ every: env.microBatches, stash: true }) });
  },
});
