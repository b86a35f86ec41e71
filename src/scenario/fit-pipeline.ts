/**
 * One 3-D parallel candidate of `dtsim fit` (fit-space.ts) planned with the pipeline machinery that
 * `dtsim run` and `dtsim validate` use (schedules/lib/pipeline/setup.ts `planPipeline`): the same
 * layout, stage split, stage times and per-GPU footprints. From them:
 *
 * Two ways to split the layers into stages: the run's (stage-times.ts's `planPartition`, a dynamic
 * programme of O(p·L²) that takes ~20 ms for a 1,000-layer model, with op times for every stage), and
 * Megatron's even split of the blocks (`megatronSplit`, embedding on the first stage, head on the
 * last), O(L) and no timing. The cheap pass prunes every candidate by memory on the even split; the
 * survivors are planned, checked and estimated on the run's split, so a row that fits fits as
 * `dtsim validate` would find it. (The two splits differ by at most a block or so per stage, so a
 * candidate within that margin of its capacity may be pruned that the run's split would fit.)
 *
 * - **Memory per GPU** (the cheap pruning formula, spec §24.2 F5): stage s of p books its state
 *   w_s·(2 + slots) (weights, gradients, optimizer slots at the profile's bytes per value; no fp32
 *   master copy, as stage-memory.ts books it), what a recomputing backward rebuilds (held once), and
 *   under 1F1B at most min(p − s, M) micro-batches of activations a_s. Peak = max over s. The
 *   ledger replay of `pipeMemoryProblems` (what validate runs) gives the same peak: the test checks it.
 * - **Estimated step time**, for ranking only: the flush timeline of 1F1B (timeline.ts) at the slowest
 *   stage's op times with α + boundary bytes / B per hop, plus each stage's data-parallel ring
 *   all-reduce of its gradients after the flush (executor.ts does the same, simulated). The rows
 *   `dtsim fit` reports as simulated come from `runScenario` instead (fit-run.ts).
 */
import type { ClusterNode, Device } from '../hardware/cluster.ts';
import type { ComputeModel } from '../schedules/lib/compute-model.ts';
import { oneFOneB } from '../schedules/lib/pipeline/programs.ts';
import { megatronSplit } from '../schedules/lib/pipeline/iteration-time.ts';
import { pipeLayout } from '../schedules/lib/pipeline/layout.ts';
import { planPipeline, type PipePlan, type PipeSetupOptions } from '../schedules/lib/pipeline/setup.ts';
import { stageFootprints } from '../schedules/lib/pipeline/stage-memory.ts';
import { timeline } from '../schedules/lib/pipeline/timeline.ts';
import { optimizerBytesPerParam } from '../workload/zero-memory.ts';
import { fitLinks, linkForSpan, ringAllReduceS } from './fit-links.ts';
import { blockPrefix, type PipeCandidate } from './fit-space.ts';

/** What every candidate of one fit shares. */
export interface FitEnv {
  /** The compute model on every GPU of the cluster. */
  readonly compute: ComputeModel;
  readonly devices: readonly Device[];
  readonly nodes: readonly ClusterNode[];
  /** Optimizer state vectors per parameter (0 SGD, 1 momentum, 2 Adam). */
  readonly optimizerSlots: number;
  /** Global batch B (samples). */
  readonly globalBatch: number;
  /** Whether collectives run under NCCL's protocols (the scenario's network). */
  readonly ncclProtocols: boolean;
}

/** What the cheap pass finds for one candidate. */
export interface Assessment {
  /** Peak bytes on the fullest GPU. */
  readonly memoryBytes: number;
  /** Capacity of the GPU that is fullest relative to its capacity. */
  readonly capacityBytes: number;
  /** Bytes over capacity on the worst GPU (≤ 0 when it fits). */
  readonly shortfallBytes: number;
  /** Estimated seconds of one step (see the file header); NaN when it was not timed because it does not fit. */
  readonly estimateS: number;
}

/** The `1f1b` schedule's options for a candidate (as the scenario's `training.schedule` takes them). */
export function pipeScheduleOptions(c: PipeCandidate): PipeSetupOptions {
  return {
    stages: c.pp,
    tensorParallel: c.tp,
    sequenceParallel: c.sequenceParallel,
    recompute: c.recompute,
    microBatches: c.microBatches,
  };
}

/** The scenario's per-worker batch size for a candidate: B / (d·p) (layout.ts's batch rule). */
export function pipeBatchSize(c: PipeCandidate, globalBatch: number): number {
  return globalBatch / (c.dp * c.pp);
}

/**
 * Plans `c` on `env` as the run does (the planner's split). @throws RangeError when the pipeline
 * machinery cannot plan it (a profile that cannot take tensor parallelism, a split it rejects).
 */
export function planCandidate(c: PipeCandidate, env: FitEnv): PipePlan {
  return planPipeline(env.compute, env.devices, env.nodes, pipeBatchSize(c, env.globalBatch), {
    ...pipeScheduleOptions(c),
    ncclProtocols: env.ncclProtocols,
  });
}

/** Peak bytes per GPU of stage s (F5 with the plan's footprints; see the file header). */
export function stagePeakBytes(plan: PlanMemory, slots: number, bytesPerValue: number): number[] {
  const p = plan.layout.stages;
  const M = plan.microBatches;
  // Weights and gradients at the profile's bytes per value; optimizer state as StageMemory books it.
  const perWeightByte = 2 + optimizerBytesPerParam(slots, bytesPerValue) / bytesPerValue;
  return plan.footprints.map((f, s) => {
    const state = f.weightBytes * perWeightByte;
    return state + f.transientBytes + Math.min(p - s, M) * f.activationBytes;
  });
}

/**
 * The footprints of `c` under Megatron's even split, without timing anything (stageFootprints reads
 * only each stage's layer count), or undefined for a profile without numbered blocks.
 * @throws RangeError as {@link stageFootprints} (tensor parallelism on a profile that cannot take it).
 */
export function evenFootprints(c: PipeCandidate, env: FitEnv): PlanMemory | undefined {
  const profile = env.compute.profile;
  const names = profile.layers.map((l) => l.name);
  const prefix = blockPrefix(names);
  if (prefix === undefined) return undefined;
  const split = c.pp > 1 ? megatronSplit(names, prefix, c.pp) : [names.length];
  const times = split.map((layers) => ({ tF: 0, tB: 0, tI: 0, tW: 0, boundaryBytes: 0, layers }));
  const footprints = stageFootprints(profile, times, c.microBatch, {
    degree: c.tp,
    sequenceParallel: c.sequenceParallel,
    recompute: c.recompute,
  });
  return { layout: pipeLayout(pipeScheduleOptions(c), env.devices.length), microBatches: c.microBatches, footprints };
}

/** What the memory formula needs of a plan. */
export type PlanMemory = Pick<PipePlan, 'layout' | 'microBatches' | 'footprints'>;

/** Peak, capacity and shortfall of a planned candidate on the fullest GPU (see the file header). */
export function planMemory(plan: PlanMemory, env: FitEnv): Omit<Assessment, 'estimateS'> {
  const peaks = stagePeakBytes(plan, env.optimizerSlots, env.compute.profile.bytesPerValue);
  let memoryBytes = 0;
  let capacityBytes = Infinity;
  let shortfallBytes = -Infinity;
  const { layout } = plan;
  for (let r = 0; r < layout.replicas; r++)
    for (let s = 0; s < layout.stages; s++)
      for (const g of layout.group(r, s)) {
        const cap = env.devices[g]!.spec.memoryBytes as number;
        const over = peaks[s]! - cap;
        if (over > shortfallBytes) {
          shortfallBytes = over;
          capacityBytes = cap;
        }
        memoryBytes = Math.max(memoryBytes, peaks[s]!);
      }
  return { memoryBytes, capacityBytes, shortfallBytes };
}

/**
 * Memory and estimated time of `c` (see the file header). `prune`: memory first from the even split's
 * footprints alone, and only a candidate that fits there is planned with the run's split (and may
 * still turn out not to fit); `estimateS` is NaN for one pruned.
 * @throws RangeError as {@link planCandidate}.
 */
export function assessPipe(c: PipeCandidate, env: FitEnv, prune = false): Assessment {
  const cheap = prune ? evenFootprints(c, env) : undefined;
  if (cheap !== undefined) {
    const mem = planMemory(cheap, env);
    if (mem.shortfallBytes > 0) return { ...mem, estimateS: NaN };
  }
  const plan = planCandidate(c, env);
  return { ...planMemory(plan, env), estimateS: estimatePipeS(plan, env) };
}

/** The estimated step time of a planned candidate (see the file header). */
export function estimatePipeS(plan: PipePlan, env: FitEnv): number {
  const { layout, times, footprints } = plan;
  const p = layout.stages;
  const d = layout.replicas;
  const t = layout.tensor;
  const links = fitLinks(env.nodes);
  const most = (f: 'tF' | 'tB' | 'tI' | 'tW' | 'boundaryBytes'): number => Math.max(...times.map((x) => x[f]));
  // Stage s starts at rank s·d·t: neighbouring stages share a node only when d·t GPUs leave room.
  const hop = linkForSpan(links, d * t + 1);
  const tComm = p === 1 ? 0 : hop.latencyS + most('boundaryBytes') / hop.bandwidthBytesPerS;
  const flush = timeline(oneFOneB, {
    stages: p,
    microBatches: plan.microBatches,
    tF: most('tF'),
    tB: most('tB'),
    tI: most('tI'),
    tW: most('tW'),
    tComm,
  }).makespan;
  // A stage's d replicas of one tensor shard sit t ranks apart: the group spans d·t consecutive ranks.
  const grad = Math.max(...footprints.map((f) => f.weightBytes));
  return flush + ringAllReduceS(grad, d, linkForSpan(links, d * t));
}
