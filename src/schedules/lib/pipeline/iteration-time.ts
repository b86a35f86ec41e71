/**
 * The analytic iteration time of a 3-D parallel (data × pipeline × tensor) language-model step, the
 * capacity planner's question "how long is one iteration of GPT-3 175B on 64 A100s at TP 8 × PP 8":
 * stage times from {@link pipelineStageTimes} with a tensor-parallel spec, played by the closed-form
 * {@link timeline} of a flush program, with each stage-to-stage hop costing α + bytes/B on the link
 * between nodes. No simulator, no stragglers, no data-parallel gradient all-reduce and no optimizer
 * step (the compute model has none): this is the pipeline's makespan for one global batch per replica.
 *
 * `timeline` takes one op time for every stage, so the slowest stage's F, B, I and W are used
 * everywhere: the steady state runs at the slowest stage's pace, and a lighter end stage only
 * shortens the warm-up and cool-down slightly, which this bound ignores.
 */
import type { Device } from '../../../hardware/cluster.ts';
import type { ComputeModel } from '../compute-model.ts';
import type { PipeProgram } from './pipe-op.ts';
import { pipelineStageTimes, type StageTimes } from './stage-times.ts';
import type { TensorParallelSpec } from './tensor-parallel.ts';
import { timeline, type Timeline } from './timeline.ts';

/** One pipeline iteration to time. */
export interface IterationOptions {
  readonly compute: ComputeModel;
  /** The first GPU of each stage's tensor-parallel group, in stage (rank) order. */
  readonly devices: readonly Device[];
  /** Samples per micro-batch. */
  readonly microBatch: number;
  /** Micro-batches per iteration (global batch / data-parallel degree / micro-batch). */
  readonly microBatches: number;
  readonly program: PipeProgram;
  /** Model chunks per rank (interleaved 1F1B); default 1. */
  readonly chunks?: number;
  /** Layers per virtual stage (chunk c of rank d is virtual stage c·S + d); default: the planner's. */
  readonly layersPerStage?: readonly number[];
  readonly parallel?: TensorParallelSpec;
  /** What one GPU's stage-to-stage send goes over: latency α and that GPU's share of bandwidth. */
  readonly p2p: { readonly latencyS: number; readonly bandwidthBytesPerS: number };
}

/** The result: per-virtual-stage times, the op times used, and the timeline. */
export interface IterationTime {
  readonly stages: readonly StageTimes[];
  readonly tF: number;
  readonly tB: number;
  readonly tI: number;
  readonly tW: number;
  /** One hop: α + boundary bytes (the largest stage's, per GPU) / B. */
  readonly tCommS: number;
  readonly timeline: Timeline;
  /** Seconds of one iteration: the timeline's makespan. */
  readonly seconds: number;
}

/**
 * Times one iteration (see the file header).
 * @throws RangeError as {@link pipelineStageTimes}; Error as {@link timeline} (e.g. a program that
 *   needs M to be a multiple of the stages).
 */
export function pipelineIterationTime(o: IterationOptions): IterationTime {
  const v = o.chunks ?? 1;
  const S = o.devices.length;
  // Virtual stage c·S + d runs on rank d.
  const virtual = Array.from({ length: v * S }, (_, i) => o.devices[i % S]!);
  const stages = pipelineStageTimes(o.compute, virtual, o.microBatch, o.layersPerStage, o.parallel);
  const most = (f: keyof StageTimes): number => Math.max(...stages.map((s) => s[f]));
  const tF = most('tF');
  const tI = most('tI');
  const tW = most('tW');
  const tB = most('tB');
  const tCommS = S === 1 ? 0 : o.p2p.latencyS + most('boundaryBytes') / o.p2p.bandwidthBytesPerS;
  const t = timeline(o.program, { stages: S, microBatches: o.microBatches, chunks: v, tF, tB, tI, tW, tComm: tCommS });
  return { stages, tF, tB, tI, tW, tCommS, timeline: t, seconds: t.makespan };
}

/**
 * Megatron-LM's split of a transformer profile into `parts` stages: the blocks evenly (Megatron needs
 * the block count divisible by the stages), the layers before the first block (embedding) on the
 * first stage and those after the last block (final norm, head, loss) on the last.
 * @param blockPrefix the profile's block prefix (`layers` for Megatron GPT: names `layers.<i>.…`).
 * @throws RangeError when the blocks do not divide evenly or the profile has no blocks.
 */
export function megatronSplit(layerNames: readonly string[], blockPrefix: string, parts: number): number[] {
  const block = new RegExp(`^${blockPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.`);
  const index = layerNames.map((n) => block.exec(n)?.[1]);
  const firstBlock = index.findIndex((i) => i !== undefined);
  if (firstBlock < 0) throw new RangeError(`no layer is named ${blockPrefix}.<i>.…: no blocks to split`);
  const lastBlock = index.length - 1 - [...index].reverse().findIndex((i) => i !== undefined);
  const blocks = Number(index[lastBlock]) + 1;
  if (!Number.isInteger(parts) || parts < 1 || blocks % parts !== 0)
    throw new RangeError(`${blocks} blocks cannot be split evenly into ${parts} stages`);
  const perBlock = (lastBlock + 1 - firstBlock) / blocks;
  const split = new Array<number>(parts).fill((blocks / parts) * perBlock);
  split[0] = split[0]! + firstBlock;
  split[parts - 1] = split[parts - 1]! + (layerNames.length - 1 - lastBlock);
  return split;
}
