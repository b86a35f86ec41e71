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
import type { ScheduleContext } from '../../context.ts';
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
}

/**
 * `check` problems shared by every pipeline schedule: the layout's, and M must divide a replica's
 * p × batch size samples (known here only as far as the shape goes; the run checks the batch).
 */
export function pipeProblems(o: LayoutOptions, shape: RunShape): string[] {
  return layoutProblems(o, shape);
}

/** A pipeline ready to run. */
export interface PipeSetup {
  readonly crew: Crew;
  readonly layout: PipeLayout;
  /** M. */
  readonly microBatches: number;
  /** Rows of one micro-batch. */
  readonly microBatchRows: number;
  /** Samples of one batch over all replicas. */
  readonly batchSamples: number;
  /** Per virtual stage c·p + s. */
  readonly times: readonly StageTimes[];
  readonly footprints: readonly StageFootprint[];
  readonly memory: StageMemory;
  readonly run: PipeRun;
}

/**
 * Sets a pipeline up: books every GPU's stage state in the ledger.
 * @throws RangeError when a replica's batch does not split into M micro-batches, or for a bad layout.
 * @throws OutOfMemoryError when a stage's state does not fit (unless oversubscription is allowed).
 */
export function setUpPipeline(ctx: ScheduleContext, o: PipeSetupOptions): PipeSetup {
  const layout = pipeLayout(o, ctx.workers);
  const p = layout.stages;
  const M = o.microBatches;
  const perReplica = p * ctx.batchSize;
  if (!Number.isInteger(M) || M < 1 || perReplica % M !== 0)
    throw new RangeError(
      `microBatches must divide a replica's batch (${p} stages × batch size ${ctx.batchSize} = ${perReplica}), got ${M}`,
    );
  const rows = perReplica / M;
  const v = o.chunks ?? 1;
  // One device per virtual stage: the first GPU of its group in replica 0 (replicas are alike).
  const devices = Array.from({ length: v * p }, (_, vs) => ctx.devices[layout.group(0, vs % p)[0]!]!);
  const t = layout.tensor;
  if (t > 1 || o.sequenceParallel || o.recompute !== 'none')
    throw new RangeError(
      'tensorParallel > 1, sequenceParallel and recompute are not built yet in the pipeline executor',
    );
  const times = pipelineStageTimes(ctx.compute, devices, rows, o.layersPerStage);
  const footprints = stageFootprints(ctx.compute.profile, times, rows, t, o.recompute);
  const memory = new StageMemory(ctx, layout, footprints, v, o.recompute);
  const crew = new Crew(ctx);
  return {
    crew,
    layout,
    microBatches: M,
    microBatchRows: rows,
    batchSamples: layout.replicas * perReplica,
    times,
    footprints,
    memory,
    run: new PipeRun(ctx, crew, layout, times, memory),
  };
}
