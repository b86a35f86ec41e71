/**
 * PipeDream (Narayanan et al., "PipeDream: Generalized Pipeline Parallelism for DNN Training", SOSP
 * 2019; spec §15): asynchronous 1F1B without a flush, with weight stashing.
 *
 * Timeline (lib/pipeline/streams.ts): stage s admits p − 1 − s warm-up forwards, then alternates one
 * forward and one backward forever, stepping its weights after every backward, so the pipeline never
 * drains and no stage idles in steady state:
 *
 *   stage 0:  F0 F1 F2 F3 B0 F4 B1 F5 B2 …        (p = 4: three warm-up forwards)
 *   stage 3:           F0 B0 F1 B1 F2 B2 …
 *
 * Math (lib/pipeline/async-executor.ts): a micro-batch's forward reads the stage's latest weights and
 * stashes that version; its backward reads the stash (δ = 0). Stage s's gradients are therefore
 * τ = p − 1 − s updates old when applied, and it keeps p − s versions (spec §24.1). With
 * `verticalSync`, every stage uses the version stage 0 read for that micro-batch (τ = p − 1 on every
 * stage; the paper's option). Each micro-batch is one of PipeDream's mini-batches: one update each.
 * `weightStashing: false` is the naive asynchronous pipeline the paper compares with: backwards read
 * the stage's current weights (δ = τ = p − 1 − s), one version per stage.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { runAsyncPipeline } from './lib/pipeline/async-executor.ts';
import { layoutDataKeys } from './lib/pipeline/layout.ts';
import { PIPE_OPTIONS, pipeProblems } from './lib/pipeline/setup.ts';
import { pipeMemoryProblems } from './lib/pipeline/memory-check.ts';
import { defineSchedule } from './types.ts';

/** PipeDream with weight stashing. */
export const pipedream = defineSchedule({
  name: 'pipedream',
  summary:
    'asynchronous pipeline: 1F1B without a flush, each stage steps after every backward on the weights its forward stashed',
  reference: 'Narayanan et al., "PipeDream: Generalized Pipeline Parallelism for DNN Training", SOSP 2019 (spec §15)',
  semantics: 'asynchronous',
  options: {
    ...PIPE_OPTIONS,
    weightStashing: {
      type: 'boolean',
      default: true,
      description:
        'backwards read the weights their forward stashed (false: the current ones, δ ≠ 0, the naive asynchronous pipeline the paper compares with)',
    },
    verticalSync: {
      type: 'boolean',
      default: false,
      description: 'every stage uses the weight version stage 0 read for the micro-batch (τ = stages − 1 everywhere)',
    },
  },
  ownsMemory: true,
  memoryCheck: (o, env) =>
    pipeMemoryProblems(o, env, {
      every: 1,
      versions: (s, p) => (!o.weightStashing ? 1 : o.verticalSync ? p : p - s),
    }),
  check(o, shape) {
    const out = pipeProblems(o, shape);
    if (o.verticalSync && !o.weightStashing)
      out.push(
        'verticalSync needs weightStashing: the version a micro-batch carries is a stashed one, got weightStashing false',
      );
    return out;
  },
  dataKeys: layoutDataKeys,
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    yield* runAsyncPipeline(ctx, {
      ...o,
      policy: () => ({ every: 1, stash: o.weightStashing, verticalSync: o.verticalSync }),
    });
  },
});
