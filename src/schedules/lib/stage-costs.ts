/**
 * Per-layer and per-stage costs of a pipeline at one micro-batch size (spec §14–15): forward time,
 * backward time split into its input-gradient (B) and weight-gradient (W) parts, the activation bytes
 * a stage sends across its boundary, and the parameter and activation bytes it holds.
 *
 * Times come from the kind model (hardware/compute-efficiency.ts: per-kind efficiencies, GEMM shapes,
 * launch overheads; its own B/W split) or, when the scenario sets one `efficiency`, from the plain
 * roofline of the stage's GPU (hardware/roofline.ts), exactly as compute-model.ts times a whole step,
 * so a one-stage pipeline costs what the data-parallel compute model says.
 *
 * Assumptions of the plain roofline, since a timing profile gives forward FLOPs and bytes only:
 * - Backward = 2 × forward (spec §0.4). A layer with parameters splits it evenly, B = W = 1 × forward:
 *   for a dense layer y = xWᵀ both dX = dY·W and dW = dYᵀ·X cost the forward's multiply-adds.
 *   A layer without parameters has no weight gradient, so all of it is B (B = 2 × forward, W = 0) and
 *   the total stays the 2× the rest of the simulator uses.
 * - `activationBytesPerSample` is the layer's input plus output; the output is taken as half of it
 *   (equal-sized input and output), and that is what crosses a stage boundary after the layer.
 */
import type { Device } from '../../hardware/cluster.ts';
import type { Precision } from '../../hardware/device-spec.ts';
import { computeConstants, kindLayerTiming, type ComputeOverrides } from '../../hardware/compute-efficiency.ts';
import { layerCost, layerTime } from '../../hardware/roofline.ts';
import type { TimingProfile } from '../../workload/types.ts';

/** What one layer costs on one GPU for one micro-batch. */
export interface LayerStageCost {
  readonly name: string;
  /** Forward seconds. */
  readonly forwardS: number;
  /** Backward seconds for the input gradient (B), the part on the pipeline's critical path. */
  readonly backwardInputS: number;
  /** Backward seconds for the weight gradient (W), which zero-bubble schedules may defer. */
  readonly backwardWeightS: number;
  /** Bytes of the layer's output for the micro-batch: what a stage ending here sends forward. */
  readonly outputBytes: number;
  /** Bytes of the layer's parameters (once, independent of the micro-batch). */
  readonly paramBytes: number;
  /** Activation bytes (input plus output) for the micro-batch. */
  readonly activationBytes: number;
}

/** How layers are timed. */
export interface StageCostOptions {
  /** Samples per micro-batch, a positive integer. */
  readonly microBatch: number;
  readonly precision: Precision;
  /**
   * One fraction of peak for every layer: the plain roofline (the override for users who calibrated
   * one number). Absent: the kind model (hardware/compute-efficiency.ts).
   */
  readonly efficiency?: number;
  /** Overrides of the kind model's constants (ignored when `efficiency` is set). */
  readonly computeModel?: ComputeOverrides;
}

/** The GPU a stage runs on: its spec and its group's speed multiplier. */
export type StageDevice = Pick<Device, 'spec' | 'speed'>;

/**
 * Costs of every layer of `profile` on `device` at `o.microBatch` samples.
 * @throws RangeError for a micro-batch that is not a positive integer, or as the roofline.
 */
export function layerStageCosts(profile: TimingProfile, device: StageDevice, o: StageCostOptions): LayerStageCost[] {
  const mb = o.microBatch;
  if (!Number.isInteger(mb) || mb < 1) throw new RangeError(`microBatch must be a positive integer, got ${mb}`);
  const bpv = profile.bytesPerValue;
  if (o.efficiency === undefined) {
    const constants = computeConstants(device.spec, o.precision, o.computeModel);
    const ko = { spec: device.spec, precision: o.precision, speed: device.speed, constants };
    return profile.layers.map((l) => {
      const t = kindLayerTiming(l, mb, bpv, ko);
      const activationBytes = l.activationBytesPerSample * mb;
      return {
        name: l.name,
        forwardS: t.forwardS,
        backwardInputS: t.backwardInputS,
        backwardWeightS: t.backwardWeightS,
        outputBytes: activationBytes / 2,
        paramBytes: l.params * bpv,
        activationBytes,
      };
    });
  }
  const opts = {
    precision: o.precision,
    speed: device.speed,
    ...(o.efficiency !== undefined ? { efficiency: o.efficiency } : {}),
  };
  return profile.layers.map((l) => {
    const paramBytes = l.params * bpv;
    const activationBytes = l.activationBytesPerSample * mb;
    // Weights are read once per micro-batch; activations scale with its rows (as compute-model.ts).
    const f = layerTime(
      layerCost(l.forwardFlopsPerSample * mb, paramBytes + activationBytes, l.name),
      device.spec,
      opts,
    );
    // Scaling both roofline terms by k scales the max by k, so B and W are exact multiples of F.
    const w = l.params > 0 ? 1 : 0;
    return {
      name: l.name,
      forwardS: f,
      backwardInputS: f * (2 - w),
      backwardWeightS: f * w,
      outputBytes: activationBytes / 2,
      paramBytes,
      activationBytes,
    };
  });
}

/** Summed costs of a contiguous layer range [first, first + count) on one GPU. */
export interface StageCost {
  readonly first: number;
  readonly count: number;
  readonly forwardS: number;
  readonly backwardInputS: number;
  readonly backwardWeightS: number;
  /** Forward + both backward parts. */
  readonly computeS: number;
  /** Bytes the stage sends forward (its last layer's output) and receives back as a gradient. */
  readonly outputBytes: number;
  readonly paramBytes: number;
  readonly activationBytes: number;
}

/**
 * Sums `layers[first, first + count)` in layer order (so float sums are reproducible).
 * @throws RangeError for an empty or out-of-range layer range.
 */
export function stageCost(layers: readonly LayerStageCost[], first: number, count: number): StageCost {
  if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 1 || first + count > layers.length)
    throw new RangeError(`stage layers [${first}, ${first + count}) are not a non-empty range of ${layers.length}`);
  let f = 0;
  let b = 0;
  let w = 0;
  let p = 0;
  let a = 0;
  for (let i = first; i < first + count; i++) {
    const l = layers[i]!;
    f += l.forwardS;
    b += l.backwardInputS;
    w += l.backwardWeightS;
    p += l.paramBytes;
    a += l.activationBytes;
  }
  return {
    first,
    count,
    forwardS: f,
    backwardInputS: b,
    backwardWeightS: w,
    computeS: f + b + w,
    outputBytes: layers[first + count - 1]!.outputBytes,
    paramBytes: p,
    activationBytes: a,
  };
}
