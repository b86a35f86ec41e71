/**
 * Per-stage op times of a pure pipeline (one stage per rank, in rank order) at one micro-batch size,
 * from the run's timing profile re-timed per layer (stage-costs.ts) and split by `planPartition`.
 *
 * A profile with fewer layers than stages (custom timing has ONE layer) cannot be split by whole
 * layers; it is then treated as divisible into equal stage parts: each stage runs 1/S of the whole
 * model's forward and backward on its own GPU, and sends the last layer's output. This keeps every
 * registered pipeline schedule runnable on any cluster; a real model profile is split by layers.
 *
 * A custom fixed step time (`stepTimeS`, for a batch of `batchSize` on a speed-1 GPU) has no per-layer
 * costs: it is split the same way, into equal stage parts, scaled linearly to the micro-batch and split
 * 1 : 2 between forward and backward as compute-model.ts does, so stage s's
 *   t_F = stepTimeS / (3 · speed_s) × microBatch / batchSize / S,   t_B = 2 t_F.
 *
 * 3-D parallel timing: with a {@link TensorParallelSpec} each stage runs on a Megatron tensor-parallel
 * group of `degree` GPUs of one node; its layers are re-timed per GPU with their collectives and any
 * recomputed forward by tensor-parallel.ts, and `boundaryBytes` is what ONE GPU of the group sends
 * (the activation / t). The planner balances the per-GPU compute (forward + both backward parts of the
 * per-GPU profile), without the TP collectives and the recomputation, which grow nearly evenly with
 * the blocks a stage holds. Equal stage parts and custom step times have no layers to split or
 * re-run, so they take no tensor parallelism and no recompute (a RangeError says so).
 */
import type { Device } from '../../../hardware/cluster.ts';
import type { ComputeModel } from '../compute-model.ts';
import { evaluatePartition, planPartition } from '../partition.ts';
import { layerStageCosts, stageCost, type LayerStageCost } from '../stage-costs.ts';
import {
  checkTensorParallel,
  NO_TENSOR_PARALLEL,
  perGpuProfile,
  tensorParallelLayerCosts,
  type TensorParallelSpec,
} from './tensor-parallel.ts';

export type { TensorParallelSpec } from './tensor-parallel.ts';

/** Nominal (straggler-free) seconds of one stage's ops on one micro-batch. */
export interface StageTimes {
  /** Forward. */
  readonly tF: number;
  /** Full backward (input plus weight gradient). */
  readonly tB: number;
  /** Its input-gradient part (I: what the previous stage waits for). */
  readonly tI: number;
  /** Its weight-gradient part (W: zero-bubble schedules run it later). */
  readonly tW: number;
  /**
   * Bytes sent to the next stage after a forward (and back as a gradient after its backward), per GPU
   * of the stage's tensor-parallel group (the whole activation without tensor parallelism).
   */
  readonly boundaryBytes: number;
  /** Layers this stage runs; 0 when the profile was split into equal parts (see the file header). */
  readonly layers: number;
}

/**
 * Stage times for stages on `devices` (stage s on `devices[s]`, the first GPU of its tensor-parallel
 * group when `parallel` is given) at `microBatch` samples, with an optional manual split (layers per
 * stage) and optional tensor parallelism, sequence parallelism and recompute (tensor-parallel.ts).
 * Without `parallel`, or with degree 1, no sequence parallelism and no recompute, the numbers are
 * exactly those of a one-GPU stage.
 * @throws RangeError for a bad micro-batch or manual split (as stage-costs.ts and partition.ts), a bad
 *   `parallel` spec, or tensor parallelism or recompute on a profile that cannot take it.
 */
export function pipelineStageTimes(
  compute: ComputeModel,
  devices: readonly Device[],
  microBatch: number,
  layersPerStage?: readonly number[],
  parallel?: TensorParallelSpec,
): StageTimes[] {
  const tp = checkTensorParallel(parallel ?? NO_TENSOR_PARALLEL);
  // One GPU per stage, nothing re-run: what equal parts and custom step times can express.
  const plain = tp.degree === 1 && tp.recompute === 'none';
  const profile = compute.profile;
  const base = {
    microBatch,
    precision: compute.precision,
    ...(compute.efficiency !== undefined ? { efficiency: compute.efficiency } : {}),
    ...(compute.computeModel !== undefined ? { computeModel: compute.computeModel } : {}),
  };
  const S = devices.length;
  const last = profile.layers[profile.layers.length - 1];
  const step = compute.stepTimeS;
  const unsplit = (why: string): RangeError =>
    new RangeError(
      `${why} has no layers to split or re-run: tensor parallelism (degree ${tp.degree}) and recompute (${tp.recompute}) need a layered profile with at least as many layers as stages`,
    );
  if (step !== undefined) {
    if (!plain) throw unsplit('a custom step time');
    const outBytes = last === undefined ? 0 : (last.activationBytesPerSample * microBatch) / 2;
    return devices.map((d) => {
      const tF = ((step / (3 * d.speed)) * microBatch) / compute.batchSize / S;
      // No per-layer costs: the backward splits evenly, as stage-costs.ts assumes for a layer with weights.
      return { tF, tB: 2 * tF, tI: tF, tW: tF, boundaryBytes: outBytes, layers: 0 };
    });
  }
  if (layersPerStage === undefined && profile.layers.length < S) {
    if (!plain) throw unsplit(`profile ${profile.name}, with fewer layers than stages,`);
    return devices.map((d) => {
      const layers = layerStageCosts(profile, d, base);
      const all = stageCost(layers, 0, layers.length);
      return {
        tF: all.forwardS / S,
        tB: (all.backwardInputS + all.backwardWeightS) / S,
        tI: all.backwardInputS / S,
        tW: all.backwardWeightS / S,
        boundaryBytes: all.outputBytes,
        layers: 0,
      };
    });
  }
  // The split: balanced on the per-GPU profile (or checked, when given).
  const o = { profile: perGpuProfile(profile, tp), devices, ...base };
  const split = (layersPerStage === undefined ? planPartition(o) : evaluatePartition(o, layersPerStage)).layersPerStage;
  const byKey = new Map<string, LayerStageCost[]>();
  let first = 0;
  return devices.map((d, i) => {
    const key = `${d.spec.name}|${d.speed}`;
    let costs = byKey.get(key);
    if (costs === undefined) {
      costs = tensorParallelLayerCosts(profile, d, base, tp);
      byKey.set(key, costs);
    }
    const s = stageCost(costs, first, split[i]!);
    first += split[i]!;
    return {
      tF: s.forwardS,
      tB: s.backwardInputS + s.backwardWeightS,
      tI: s.backwardInputS,
      tW: s.backwardWeightS,
      boundaryBytes: s.outputBytes,
      layers: s.count,
    };
  });
}
