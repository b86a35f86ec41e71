/**
 * Pipelined Backpropagation with Spike Compensation and Linear Weight Prediction (Kosson, Chiley,
 * Venigalla, Hestness, Köster, "Pipelined Backpropagation at Scale", MLSys 2021; spec §18): a
 * fine-grained asynchronous pipeline that steps every stage after every micro-batch (the paper's
 * batch size 1: the default `microBatches` is the whole batch, one sample each), no stash, no flush.
 *
 * Timeline (lib/pipeline/streams.ts): PipeDream's endless 1F1B stream, a step after every backward.
 * On a device that runs one forward and one backward per period, stage s's gradient lands
 * D_s = p − 1 − s updates after its forward; the paper's 2(S − s) counts a hop per forward and per
 * backward on hardware that runs both at once. D_s is measured from the run (τ of the stage's last
 * gradient), as spec §18 asks, not assumed.
 *
 * Math (lib/pipeline/async-executor.ts): forward and backward read the weights of their own time
 * (δ = D_s). Momentum SGD, v ← m·v + g, with
 * - Spike Compensation: w ← w − η(a·v + b·g), a = m^D, b = (1 − m^D)/(1 − m), so the delayed
 *   gradient's total contribution is the undelayed one's (spec §18 derives it); without it w ← w − ηv;
 * - Linear Weight Prediction: the forward reads ŵ = w − η·D·v, the weights extrapolated D steps ahead.
 * η is the scenario's learning-rate schedule at the stage's step; the momentum is this schedule's own
 * `momentum` option (the method is defined on momentum SGD), so the scenario's optimizer supplies only
 * the learning rate. Memory: one weight copy and v per stage (spec §24.1).
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { runAsyncPipeline, type PolicyEnv, type WeightPolicy } from './lib/pipeline/async-executor.ts';
import { layoutDataKeys, PIPE_LAYOUT_OPTIONS } from './lib/pipeline/layout.ts';
import { pipeProblems } from './lib/pipeline/setup.ts';
import type { Vec } from './lib/trainer.ts';
import { pipeMemoryProblems } from './lib/pipeline/memory-check.ts';
import { defineSchedule } from './types.ts';

/** Pipelined Backpropagation. */
export const pipelinedBackprop = defineSchedule({
  name: 'pipelined-backprop',
  summary:
    'fine-grained asynchronous pipeline: every stage steps after every micro-batch (default one sample), spike compensation and linear weight prediction',
  reference: 'Kosson et al., "Pipelined Backpropagation at Scale", MLSys 2021 (spec §18)',
  semantics: 'asynchronous',
  options: {
    microBatches: {
      type: 'number',
      integer: true,
      min: 1,
      description: 'M: micro-batches per batch and replica (default: stages × batch size, one sample each)',
    },
    ...PIPE_LAYOUT_OPTIONS,
    momentum: {
      type: 'number',
      min: 0,
      max: 0.999,
      default: 0.9,
      description: 'm of the momentum SGD the method is defined on',
    },
    spikeCompensation: {
      type: 'boolean',
      default: true,
      description: 'w ← w − η(m^D·v + (1 − m^D)/(1 − m)·g) for a gradient D updates late',
    },
    weightPrediction: {
      type: 'boolean',
      default: true,
      description: 'forwards read w − η·D·v, the weights predicted D steps ahead',
    },
  },
  ownsMemory: true,
  memoryCheck: (o, env) => {
    const p = o.stages ?? env.devices.length / o.tensorParallel;
    return pipeMemoryProblems({ ...o, microBatches: o.microBatches ?? p * env.batchSize }, env, {
      every: 1,
      versions: () => 1,
      buffers: 1,
    });
  },
  check: pipeProblems,
  dataKeys: layoutDataKeys,
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const p = o.stages ?? ctx.workers / o.tensorParallel;
    yield* runAsyncPipeline(ctx, {
      ...o,
      microBatches: o.microBatches ?? p * ctx.batchSize,
      policy: (env: PolicyEnv): WeightPolicy => {
        const { math, staged } = env;
        const m = o.momentum;
        const vel: Vec[] = [];
        const v = (s: number, w: Vec): Vec => (vel[s] ??= math.scale(0, w));
        return {
          every: 1,
          stash: false,
          buffers: 1,
          step: (st, g, version) => {
            const eta = env.lr(st.steps);
            const nv = math.axpy(m, v(st.stage, st.current.params), g);
            vel[st.stage] = nv;
            let dir = nv;
            if (o.spikeCompensation && m > 0) {
              const a = m ** st.delay;
              dir = math.axpy(a, nv, math.scale((1 - a) / (1 - m), g));
            }
            return staged.snapshot(st.stage, math.axpy(-eta, dir, st.current.params), version);
          },
          ...(o.weightPrediction
            ? {
                forwardWeights: (st, w) => {
                  if (st.delay === 0) return w;
                  const eta = env.lr(st.steps);
                  return staged.snapshot(
                    st.stage,
                    math.axpy(-eta * st.delay, v(st.stage, w.params), w.params),
                    w.version,
                  );
                },
              }
            : {}),
        };
      },
    });
  },
});
