/**
 * What every pipeline run sets up before its first op: the layout (layout.ts), the micro-batch size,
 * per-virtual-stage op times from the timing profile (stage-times.ts, with tensor parallelism,
 * sequence parallelism and recomputation when asked), the memory it books (stage-memory.ts) and the
 * op timing (pipe-run.ts).
 *
 * Batch: the pipeline's batch is (workers / t) × batch size samples (layout.ts); each of the d
 * replicas takes p × batch size of them in M micro-batches of p × batch size / M rows.
 */
import type { OptionSpecs } from '../../../core/options.ts';
import type { ClusterNode, Device } from '../../../hardware/cluster.ts';
import type { ScheduleContext } from '../../context.ts';
import type { ComputeModel } from '../compute-model.ts';
import type { RunShape } from '../../types.ts';
import { Crew } from '../crew.ts';
import { layoutProblems, pipeLayout, PIPE_LAYOUT_OPTIONS, type LayoutOptions, type PipeLayout } from './layout.ts';
import { PipeRun } from './pipe-run.ts';
import { stageFootprints, StageMemory, type StageFootprint } from './stage-memory.ts';
import { pipelineStageTimes, type StageTimes } from './stage-times.ts';

/** The options every pipeline schedule takes: micro-batches and the layout. */
export const PIPE_OPTIONS = {
  microBatches: {
    type: 'number',
    integer: true,
    min: 1,
    default: 4,
    description: 'M: micro-batches per batch and replica (a replica takes stages × batch size samples per batch)',
  },
  ...PIPE_LAYOUT_OPTIONS,
} as const satisfies OptionSpecs;

/** Options of a pipeline run. */
export interface PipeSetupOptions extends LayoutOptions {
  readonly microBatches: number;
  /** Model chunks per rank (v, interleaved schedules); default 1. */
  readonly chunks?: number;
  /** Manual layers per virtual stage; absent: the planner (stage-times.ts). */
  readonly layersPerStage?: readonly number[];
  /** Whether TP collectives run under NCCL's protocols (tensor-parallel.ts); default true. */
  readonly ncclProtocols?: boolean;
}

/**
 * `check` problems shared by every pipeline schedule: the layout's, and M must divide a replica's
 * p × batch size samples (known here only as far as the shape goes; the run checks the batch).
 */
export function pipeProblems(o: LayoutOptions, shape: RunShape): string[] {
  return layoutProblems(o, shape);
}

/** A pipeline's plan: what is known before anything runs. */
export interface PipePlan {
  readonly layout: PipeLayout;
  /** M. */
  readonly microBatches: number;
  /** Rows of one micro-batch. */
  readonly microBatchRows: number;
  /** Samples of one batch over all replicas. */
  readonly batchSamples: number;
  /** Per virtual stage c·p + s, on replica 0's GPUs (the planned split; memory and analytic timelines). */
  readonly times: readonly StageTimes[];
  /** Per replica, per virtual stage: the op times the run uses (replica 0's split on each replica's GPUs). */
  readonly replicaTimes: readonly (readonly StageTimes[])[];
  readonly footprints: readonly StageFootprint[];
}

/** A pipeline ready to run. */
export interface PipeSetup extends PipePlan {
  readonly crew: Crew;
  readonly memory: StageMemory;
  readonly run: PipeRun;
}

/**
 * Plans a pipeline on `devices` (every GPU of the run, by rank) at `batchSize` per group: layout,
 * micro-batches, per-virtual-stage op times and footprints. Used by the run and by validation.
 * @throws RangeError when a replica's batch does not split into M micro-batches, or for a bad layout.
 */
export function planPipeline(
  compute: ComputeModel,
  devices: readonly Device[],
  nodes: readonly ClusterNode[],
  batchSize: number,
  o: PipeSetupOptions,
): PipePlan {
  const layout = pipeLayout(o, devices.length);
  const p = layout.stages;
  const M = o.microBatches;
  const perReplica = p * batchSize;
  if (!Number.isInteger(M) || M < 1 || perReplica % M !== 0)
    throw new RangeError(
      `microBatches must divide a replica's batch (${p} stages × batch size ${batchSize} = ${perReplica}), got ${M}`,
    );
  const rows = perReplica / M;
  const v = o.chunks ?? 1;
  const t = layout.tensor;
  // One device per virtual stage: the first GPU of its group in replica r. Megatron's tensor
  // parallelism on the replica's first stage's intra-node link (tensor-parallel.ts): a replica on mixed
  // nodes times every stage's collectives on that one link.
  const timesOf = (r: number, split?: readonly number[]): StageTimes[] => {
    const stageDevices = Array.from({ length: v * p }, (_, vs) => devices[layout.group(r, vs % p)[0]!]!);
    const link = nodes[stageDevices[0]!.node]!.intraNode;
    const parallel =
      t > 1 || o.sequenceParallel || o.recompute !== 'none'
        ? {
            degree: t,
            sequenceParallel: o.sequenceParallel,
            recompute: o.recompute,
            link: {
              latencyS: link.latency as number,
              bandwidthBytesPerS: link.bandwidth as number,
              nccl: o.ncclProtocols ?? true,
            },
          }
        : undefined;
    return pipelineStageTimes(compute, stageDevices, rows, split, parallel);
  };
  const times = timesOf(0, o.layersPerStage);
  // Every replica runs replica 0's split (planned on replica 0's GPUs), each on its own GPUs and links:
  // replicas on other GPU kinds or speeds get their own op times; alike ones share replica 0's.
  const kindOf = (r: number): string =>
    Array.from({ length: p }, (_, s) => {
      const d = devices[layout.group(r, s)[0]!]!;
      const n = nodes[d.node]!.intraNode;
      return `${d.spec.name}|${d.speed}|${n.bandwidth as number}|${n.latency as number}`;
    }).join(',');
  const kind0 = kindOf(0);
  const split = times[0]!.layers > 0 ? times.map((x) => x.layers) : o.layersPerStage;
  const replicaTimes = Array.from({ length: layout.replicas }, (_, r) =>
    r === 0 || kindOf(r) === kind0 ? times : timesOf(r, split),
  );
  return {
    layout,
    microBatches: M,
    microBatchRows: rows,
    batchSamples: layout.replicas * perReplica,
    times,
    replicaTimes,
    footprints: stageFootprints(compute.profile, times, rows, {
      degree: t,
      sequenceParallel: o.sequenceParallel,
      recompute: o.recompute,
    }),
  };
}

/**
 * Sets a pipeline up: books every GPU's stage state in the ledger.
 * @throws RangeError as `planPipeline`.
 * @throws OutOfMemoryError when a stage's state does not fit (unless oversubscription is allowed).
 */
export function setUpPipeline(ctx: ScheduleContext, o: PipeSetupOptions): PipeSetup {
  // TP collectives under NCCL's protocols unless the run's network prices collectives without them.
  const plan = planPipeline(ctx.compute, ctx.devices, ctx.nodes, ctx.batchSize, {
    ...o,
    ncclProtocols: ctx.comm.protocol !== undefined,
  });
  const memory = new StageMemory(
    {
      memory: ctx.memory,
      optimizerSlots: ctx.optimizerSlots,
      stats: ctx.stats,
      bytesPerValue: ctx.compute.profile.bytesPerValue,
    },
    plan.layout,
    plan.footprints,
    o.chunks ?? 1,
  );
  const crew = new Crew(ctx);
  return { ...plan, crew, memory, run: new PipeRun(ctx, crew, plan.layout, plan.replicaTimes, memory) };
}
