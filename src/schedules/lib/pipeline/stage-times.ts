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
 */
import type { Device } from '../../../hardware/cluster.ts';
import type { ComputeModel } from '../compute-model.ts';
import { evaluatePartition, planPartition } from '../partition.ts';
import { layerStageCosts, stageCost } from '../stage-costs.ts';

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
  /** Bytes sent to the next stage after a forward (and back as a gradient after its backward). */
  readonly boundaryBytes: number;
  /** Layers this stage runs; 0 when the profile was split into equal parts (see the file header). */
  readonly layers: number;
}

/**
 * Stage times for stages on `devices` (stage s on `devices[s]`) at `microBatch` samples, with an
 * optional manual split (layers per stage).
 * @throws RangeError for a bad micro-batch or manual split (as stage-costs.ts and partition.ts).
 */
export function pipelineStageTimes(
  compute: ComputeModel,
  devices: readonly Device[],
  microBatch: number,
  layersPerStage?: readonly number[],
): StageTimes[] {
  const profile = compute.profile;
  const base = {
    microBatch,
    precision: compute.precision,
    ...(compute.efficiency !== undefined ? { efficiency: compute.efficiency } : {}),
  };
  const S = devices.length;
  const last = profile.layers[profile.layers.length - 1];
  const step = compute.stepTimeS;
  if (step !== undefined) {
    const outBytes = last === undefined ? 0 : (last.activationBytesPerSample * microBatch) / 2;
    return devices.map((d) => {
      const tF = ((step / (3 * d.speed)) * microBatch) / compute.batchSize / S;
      // No per-layer costs: the backward splits evenly, as stage-costs.ts assumes for a layer with weights.
      return { tF, tB: 2 * tF, tI: tF, tW: tF, boundaryBytes: outBytes, layers: 0 };
    });
  }
  if (layersPerStage === undefined && profile.layers.length < S) {
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
  const o = { profile, devices, ...base };
  const plan = layersPerStage === undefined ? planPartition(o) : evaluatePartition(o, layersPerStage);
  return plan.stages.map((s) => ({
    tF: s.forwardS,
    tB: s.backwardInputS + s.backwardWeightS,
    tI: s.backwardInputS,
    tW: s.backwardWeightS,
    boundaryBytes: s.outputBytes,
    layers: s.count,
  }));
}
