/**
 * ZeRO candidates of `dtsim fit` (Rajbhandari et al., SC 2020; spec §23): the memory formula and the
 * closed-form estimate that rank them; the fastest ones at stages 1–3 are then run as the `zero`
 * schedule (fit-run.ts), and the others keep this estimate, labelled so.
 *
 * Data parallelism over all N GPUs, each taking B / N samples per step in B / (N·b) micro-batches of b
 * (gradient accumulation).
 * - **Memory per GPU**: the model state of F14 (workload/zero-memory.ts: weights w·Ψ, gradients w·Ψ
 *   and K = optimizerBytesPerParam(slots, w) bytes of optimizer state per parameter, with an fp32
 *   master copy under mixed precision, each sharded N ways from its stage on), plus one micro-batch's
 *   activations and what a recomputing backward rebuilds (stage-memory.ts's footprint of the whole
 *   model on one GPU, as a one-stage pipeline books it), plus, at stage 3, the gathered weights of the
 *   largest layer (the one being computed; prefetching would hold two).
 * - **Step time**: the micro-batches' forwards and backwards one after another (stage-times.ts, with
 *   the recomputation's extra forward) on the slowest GPU kind, then the gradient exchange as a ring all-reduce of w·Ψ bytes
 *   over N GPUs, not overlapped: stages 0–2 move 2Ψ elements per GPU (reduce-scatter + all-gather,
 *   the same volume as plain all-reduce), stage 3 moves 3Ψ, 1.5× (F15); across nodes the ring gets
 *   the node's NICs (fit-links.ts `interWhole`). No optimizer step time.
 */
import { DEFAULT_HOST_LINK } from '../hardware/cluster.ts';
import { optimizerBytesPerParam as stepBytesPerParam } from '../hardware/compute-efficiency.ts';
import { planPipeline, type PipePlan } from '../schedules/lib/pipeline/setup.ts';
import { DEFAULT_HOST_MEMORY_BANDWIDTH } from '../schedules/lib/zero-host.ts';
import { profileParams } from '../workload/memory.ts';
import { optimizerBytesPerParam, zeroModelStateBytes } from '../workload/zero-memory.ts';
import { fitLinks, linkForSpan, ringAllReduceS } from './fit-links.ts';
import type { Assessment, FitEnv } from './fit-pipeline.ts';
import type { ZeroCandidate } from './fit-space.ts';

/** Per-GPU bytes of a ZeRO candidate, split. */
export interface ZeroMemory {
  readonly state: number;
  readonly activations: number;
  /** Recomputation's rebuilt block and, at stage 3, one gathered layer. */
  readonly transient: number;
  readonly total: number;
}

/** The per-GPU memory of `c` (see the file header). */
export function zeroMemory(c: ZeroCandidate, env: FitEnv): ZeroMemory {
  const profile = env.compute.profile;
  const w = profile.bytesPerValue;
  const plan = planOne(c, env);
  const foot = plan.footprints[0]!;
  const shares = zeroModelStateBytes({
    params: profileParams(profile),
    dp: c.dp,
    stage: c.stage,
    weightBytes: w,
    gradBytes: w,
    optimizerBytes: optimizerBytesPerParam(env.optimizerSlots, w),
  });
  // ZeRO-Offload keeps only the (stage-3: partitioned) fp16 weights on the GPU.
  const state = c.offload === 'cpu' ? shares.weights : shares.total;
  let gathered = 0;
  if (c.stage === 3) for (const l of profile.layers) gathered = Math.max(gathered, l.params * w);
  const transient = foot.transientBytes + gathered;
  return { state, activations: foot.activationBytes, transient, total: state + foot.activationBytes + transient };
}

// Stages 0–3 share one plan per (micro-batch, recompute): the plan does not depend on the stage.
const plans = new WeakMap<FitEnv, Map<string, PipePlan>>();

/** The plan of `c` as a one-stage pipeline on GPU `rank` (default 0; the footprint does not depend on it). */
function planOne(c: ZeroCandidate, env: FitEnv, rank = 0): PipePlan {
  const cache = plans.get(env) ?? new Map<string, PipePlan>();
  plans.set(env, cache);
  const d = env.devices[rank]!;
  const key = `${c.microBatch}|${c.recompute}|${d.spec.name}|${d.speed}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  // A one-stage, one-GPU pipeline at b rows: the whole model's op times and footprint, recomputation included.
  const plan = planPipeline(env.compute, [d], env.nodes, c.microBatch, {
    stages: 1,
    tensorParallel: 1,
    sequenceParallel: false,
    recompute: c.recompute,
    microBatches: 1,
  });
  cache.set(key, plan);
  return plan;
}

/** Memory and estimated step time of `c` (see the file header). */
export function assessZero(c: ZeroCandidate, env: FitEnv): Assessment {
  const mem = zeroMemory(c, env);
  let capacityBytes = Infinity;
  for (const d of env.devices) capacityBytes = Math.min(capacityBytes, d.spec.memoryBytes as number);
  // Synchronous: every step waits for the slowest GPU kind (one of each kind and speed is timed).
  const kinds = new Map<string, number>();
  for (const d of env.devices)
    if (!kinds.has(`${d.spec.name}|${d.speed}`)) kinds.set(`${d.spec.name}|${d.speed}`, d.rank);
  let perMicroBatch = 0;
  for (const rank of kinds.values()) {
    const st = planOne(c, env, rank).times[0]!;
    perMicroBatch = Math.max(perMicroBatch, st.tF + st.tB);
  }
  const compute = c.microBatches * perMicroBatch;
  const links = fitLinks(env.nodes);
  const params = profileParams(env.compute.profile);
  const bytes = params * env.compute.profile.bytesPerValue;
  const comm = ringAllReduceS(bytes, c.dp, linkForSpan(links, c.dp, true)) * (c.stage === 3 ? 1.5 : 1);
  return {
    memoryBytes: mem.total,
    capacityBytes,
    shortfallBytes: mem.total - capacityBytes,
    estimateS: compute + comm + (c.offload === 'cpu' ? offloadS(params / c.dp, bytes / c.dp, env) : 0),
  };
}

/**
 * ZeRO-Offload's host work per step, as the `zero` schedule times it (lib/zero-host.ts): the gradient
 * partition down and the updated fp16 partition back over each GPU's host link, and the node's CPU
 * Adam over its GPUs' partitions at the schedule's default host memory bandwidth, none of it
 * overlapped.
 */
function offloadS(paramsPerGpu: number, bytesPerGpu: number, env: FitEnv): number {
  let copy = 0;
  let gpus = 0;
  for (const n of env.nodes) {
    const l = n.hostLink ?? DEFAULT_HOST_LINK;
    copy = Math.max(copy, (l.latency as number) + bytesPerGpu / (l.bandwidth as number));
    gpus = Math.max(gpus, n.gpus);
  }
  const cpu = (gpus * paramsPerGpu * stepBytesPerParam(env.optimizerSlots)) / DEFAULT_HOST_MEMORY_BANDWIDTH;
  return 2 * copy + cpu;
}
