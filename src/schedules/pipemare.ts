/**
 * PipeMare (Yang, Zhang, Li, Ré, Aberger, De Sa, "PipeMare: Asynchronous Pipeline Parallel DNN
 * Training", MLSys 2021; spec §17): an asynchronous pipeline with one weight copy per stage and no
 * stash, made stable by learning-rate rescheduling (T1) and discrepancy correction (T2).
 *
 * Timeline (lib/pipeline/streams.ts): PipeDream's endless 1F1B stream; each stage accumulates the
 * gradients of a batch of M micro-batches and steps when the batch's last backward at the stage ends.
 *
 * Math (lib/pipeline/async-executor.ts): a forward reads the stage's weights at forward time (version
 * v_f), the backward those at backward time (v_b ≥ v_f): δ = v_b − v_f ≠ 0 near the input, which is
 * what PipeMare is about (spec §0.3: the weight gradient uses the stored activations, the error
 * propagation W_bᵀ). The delays are measured, not assumed: τ_i = applied − v_f of the stage's last
 * gradient.
 * - T1: the stage's step size is α_k · τ_i^(−p_k), p_k = 1 − min(k / K, 1): a full 1/τ_i at first,
 *   annealed to none after K = `rescheduleSteps` steps of the stage (τ_i taken as at least 1).
 * - T2: Δ̄ ← γΔ̄ + (1 − γ)(w_(t+1) − w_t) per stage after every step, and the backward reads
 *   w_t − (v_b − v_f)·Δ̄, the weights extrapolated back toward those its forward used. γ =
 *   `correctionDecay`; the paper ties γ to the stage's delay [R, spec §17], here it is one option.
 * Memory: one weight copy, plus Δ̄ with T2 (spec §24.1).
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import type { ParamSnapshot } from '../training/engine/snapshot.ts';
import { runAsyncPipeline, type PolicyEnv, type WeightPolicy } from './lib/pipeline/async-executor.ts';
import { layoutDataKeys } from './lib/pipeline/layout.ts';
import { PIPE_OPTIONS, pipeProblems } from './lib/pipeline/setup.ts';
import type { Vec } from './lib/trainer.ts';
import { pipeMemoryProblems } from './lib/pipeline/memory-check.ts';
import { defineSchedule } from './types.ts';

/** PipeMare. */
export const pipemare = defineSchedule({
  name: 'pipemare',
  summary:
    'asynchronous pipeline without weight stashing (δ ≠ 0): one step per batch of M micro-batches, learning-rate rescheduling and discrepancy correction',
  reference: 'Yang et al., "PipeMare: Asynchronous Pipeline Parallel DNN Training", MLSys 2021 (spec §17)',
  semantics: 'asynchronous',
  options: {
    ...PIPE_OPTIONS,
    lrRescheduling: {
      type: 'boolean',
      default: true,
      description: 'T1: scale each stage’s step size by τ^(−p_k), p_k = 1 − min(k/K, 1)',
    },
    rescheduleSteps: {
      type: 'number',
      integer: true,
      min: 1,
      default: 100,
      description: 'K: stage steps over which T1 anneals from 1/τ to 1',
    },
    discrepancyCorrection: {
      type: 'boolean',
      default: true,
      description: 'T2: backward weights extrapolated back by (v_b − v_f)·Δ̄, Δ̄ an average of weight steps',
    },
    correctionDecay: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.9,
      description: 'γ of T2’s Δ̄ ← γΔ̄ + (1 − γ)(w_(t+1) − w_t)',
    },
  },
  ownsMemory: true,
  memoryCheck: (o, env) =>
    pipeMemoryProblems(o, env, {
      every: o.microBatches,
      versions: () => 1,
      buffers: o.discrepancyCorrection ? 1 : 0,
    }),
  check: pipeProblems,
  dataKeys: layoutDataKeys,
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    yield* runAsyncPipeline(ctx, {
      ...o,
      policy: (env: PolicyEnv): WeightPolicy => {
        const { math, staged } = env;
        const avg: Vec[] = [];
        const delta = (s: number, w: ParamSnapshot): Vec => (avg[s] ??= math.scale(0, w.params));
        return {
          every: env.microBatches,
          stash: false,
          buffers: o.discrepancyCorrection ? 1 : 0,
          ...(o.lrRescheduling
            ? {
                lrScale: (st) => Math.max(1, st.delay) ** -(1 - Math.min(st.steps / o.rescheduleSteps, 1)),
              }
            : {}),
          ...(o.discrepancyCorrection
            ? {
                backwardWeights: (st, versionRead) => {
                  const lag = st.steps - versionRead;
                  if (lag === 0) return st.current;
                  const w = math.axpy(-lag, delta(st.stage, st.current), st.current.params);
                  return staged.snapshot(st.stage, w, st.steps);
                },
                afterStep: (st, before, after) => {
                  const g = o.correctionDecay;
                  const step = math.sub(after.params, before.params);
                  avg[st.stage] = math.axpy(1 - g, step, math.scale(g, delta(st.stage, before)));
                },
              }
            : {}),
        };
      },
    });
  },
});
