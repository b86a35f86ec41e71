/**
 * Compute time of one training step on each worker: the timing profile's layers, timed per layer by
 * the roofline of the worker's GPU (hardware/roofline.ts), scaled by the group's speed, times the
 * straggler factor drawn when the task starts. Nominal times are computed once per distinct
 * (GPU, speed) pair, so a 4,096-GPU cluster of two generations costs two roofline evaluations.
 */
import { seconds } from '../../core/units.ts';
import type { Device } from '../../hardware/cluster.ts';
import type { Precision } from '../../hardware/device-spec.ts';
import {
  computeConstants,
  kindLayerTiming,
  optimizerBytesPerParam,
  optimizerStepS,
  type ComputeOverrides,
} from '../../hardware/compute-efficiency.ts';
import { layerCost, layerTime, type LayerCost } from '../../hardware/roofline.ts';
import type { Slowdown } from '../../hardware/slowdown.ts';
import type { TimingProfile } from '../../workload/types.ts';

/** One backward-pass layer as DDP bucketing sees it: its time and the gradient bytes it produces. */
export interface BackwardLayer {
  readonly timeS: number;
  readonly gradBytes: number;
}

/** Nominal (straggler-free) step costs of one worker. */
export interface WorkerCost {
  readonly forwardS: number;
  readonly backwardS: number;
  /** Backward layers in backward order (last forward layer first); times sum to `backwardS`. */
  readonly backwardLayers: readonly BackwardLayer[];
  /**
   * Forward seconds of each layer in forward order; they sum to `forwardS`. ZeRO stage 3 gathers each
   * layer's parameters just before its forward. Always set by `ComputeModel`; hand-built costs may
   * leave it out when nothing reads it.
   */
  readonly forwardLayersS?: readonly number[];
  /**
   * The optimizer step's seconds (kind model only; 0 under a single `efficiency` or a custom step
   * time; absent counts as 0). Already inside `backwardS` and the last backward layer: see
   * `kindWorkerCost`.
   */
  readonly optimizerS?: number;
}

/** How the step time of each worker is obtained. */
export interface ComputeModelOptions {
  readonly devices: readonly Device[];
  readonly profile: TimingProfile;
  /** Per-worker batch size. */
  readonly batchSize: number;
  readonly precision: Precision;
  /**
   * One fraction of peak for every layer: the plain roofline, no optimizer step (the override for
   * users who calibrated one number). Absent: the kind model (hardware/compute-efficiency.ts).
   */
  readonly efficiency?: number;
  /** Overrides of the kind model's constants (ignored when `efficiency` is set). */
  readonly computeModel?: ComputeOverrides;
  /** Optimizer state vectors per parameter (0 SGD, 1 momentum, 2 Adam) for the optimizer step. Default 0. */
  readonly optimizerSlots?: number;
  /** A fixed forward+backward step time on a speed-1 GPU of any kind (custom timing), seconds. */
  readonly stepTimeS?: number;
  readonly slowdown: Slowdown;
  /**
   * Bytes per value of gradient and parameter messages (`workload.communicationPrecision`); default
   * the profile's bytes per value.
   */
  readonly wireBytesPerValue?: number;
  /** The communication precision when the scenario sets one: full mode rounds synchronised values through it. */
  readonly wirePrecision?: 'fp32' | 'fp16' | 'bf16';
}

/** Backward costs twice the forward (spec §0.4: input gradient plus weight gradient). */
const BACKWARD_FACTOR = 2;

/** Per-worker step times. */
export class ComputeModel {
  /** Bytes of the full gradient (= parameter) message: Σ params × `wireBytesPerValue`. */
  readonly gradBytes: number;
  /** Bytes per value on the wire (the communication precision). */
  readonly wireBytesPerValue: number;
  /** The communication precision when the scenario sets one (see `ComputeModelOptions`). */
  readonly wirePrecision: 'fp32' | 'fp16' | 'bf16' | undefined;
  /** `profile:<name>`-style description of what timed the run. */
  readonly profile: TimingProfile;
  /** Arithmetic precision the run is timed at (pipeline stage costs re-time layers with it). */
  readonly precision: Precision;
  /** Fraction of peak reached, when the scenario sets one. */
  readonly efficiency: number | undefined;
  /** Overrides of the kind model's constants, when the scenario sets some. */
  readonly computeModel: ComputeOverrides | undefined;
  /** The custom fixed step time at `batchSize` on a speed-1 GPU, when the scenario sets one. */
  readonly stepTimeS: number | undefined;
  /** Per-worker batch size the step times are for. */
  readonly batchSize: number;
  private readonly costs: WorkerCost[];
  private readonly slowdown: Slowdown;

  /** @throws RangeError from the roofline (precision the GPU lacks, bad efficiency). */
  constructor(o: ComputeModelOptions) {
    this.profile = o.profile;
    this.precision = o.precision;
    this.efficiency = o.efficiency;
    this.computeModel = o.computeModel;
    this.stepTimeS = o.stepTimeS;
    this.batchSize = o.batchSize;
    this.slowdown = o.slowdown;
    const bpv = o.wireBytesPerValue ?? o.profile.bytesPerValue;
    let grad = 0;
    for (const l of o.profile.layers) grad += l.params * bpv;
    this.gradBytes = grad;
    this.wireBytesPerValue = bpv;
    this.wirePrecision = o.wirePrecision;
    const byKey = new Map<string, WorkerCost>();
    this.costs = o.devices.map((d) => {
      const key = `${d.spec.name}|${d.speed}`;
      let c = byKey.get(key);
      if (c === undefined) {
        c = workerCost(o, d);
        byKey.set(key, c);
      }
      return c;
    });
  }

  /** Workers covered. */
  get workers(): number {
    return this.costs.length;
  }

  /** Nominal costs of `worker`. */
  cost(worker: number): WorkerCost {
    return this.costs[worker]!;
  }

  /** Nominal forward+backward seconds of `worker`. */
  stepS(worker: number): number {
    const c = this.costs[worker]!;
    return c.forwardS + c.backwardS;
  }

  /** Straggler factor of `worker`'s task that starts at `timeS` (draws from its stream). */
  factor(worker: number, timeS: number): number {
    return this.slowdown.taskFactor(worker, timeS);
  }

  /**
   * `out[i]` = `factor(workers[i], timeS or timeS[i])` for distinct workers, drawn as a batch (a
   * synchronous step of 16,384 GPUs asks for all of its factors at once). Returns `out`.
   */
  factors(workers: readonly number[], timeS: number | Float64Array, out: Float64Array): Float64Array {
    return this.slowdown.taskFactors(workers, timeS, out);
  }
}

function workerCost(o: ComputeModelOptions, d: Device): WorkerCost {
  const layers = o.profile.layers;
  const bpv = o.profile.bytesPerValue;
  const b = o.batchSize;
  if (o.stepTimeS === undefined && o.efficiency === undefined) return kindWorkerCost(o, d);
  // Weights are read once per batch; activations scale with the batch.
  const costs: LayerCost[] = layers.map((l) =>
    layerCost(l.forwardFlopsPerSample * b, l.params * bpv + l.activationBytesPerSample * b, l.name),
  );
  const opts = {
    precision: o.precision,
    speed: d.speed,
    ...(o.efficiency !== undefined ? { efficiency: o.efficiency } : {}),
  };
  let fwd = costs.map((c) => layerTime(c, d.spec, opts) as number);
  if (o.stepTimeS !== undefined) {
    // Custom step time: split as 1 : 2 and spread over the layers in proportion to their FLOPs.
    const total = o.stepTimeS / d.speed / (1 + BACKWARD_FACTOR);
    const flops = layers.reduce((s, l) => s + l.forwardFlopsPerSample, 0);
    fwd = layers.map((l) => (flops > 0 ? (total * l.forwardFlopsPerSample) / flops : total / layers.length));
  }
  let forwardS = 0;
  for (const t of fwd) forwardS += t;
  const backwardLayers: BackwardLayer[] = [];
  let backwardS = 0;
  for (let i = layers.length - 1; i >= 0; i--) {
    const t = fwd[i]! * BACKWARD_FACTOR;
    backwardS += t;
    backwardLayers.push({ timeS: t, gradBytes: layers[i]!.params * (o.wireBytesPerValue ?? bpv) });
  }
  return {
    forwardS: seconds(forwardS),
    backwardS: seconds(backwardS),
    backwardLayers,
    forwardLayersS: fwd,
    optimizerS: 0,
  };
}

/**
 * The kind model's worker cost: per-layer forward and backward (dX + dW) times, plus the optimizer
 * step. The optimizer step runs once per update after the gradients are in; it is added to the last
 * backward layer (the first forward layer), so every schedule charges it once per step without
 * knowing about it. For data-parallel schedules that overlap the gradient all-reduce with the
 * backward, this places it before the last bucket's all-reduce rather than after: the step time
 * is right, the overlap with that one bucket is slightly optimistic.
 */
function kindWorkerCost(o: ComputeModelOptions, d: Device): WorkerCost {
  const layers = o.profile.layers;
  const bpv = o.profile.bytesPerValue;
  const constants = computeConstants(d.spec, o.precision, o.computeModel);
  const ko = { spec: d.spec, precision: o.precision, speed: d.speed, constants };
  const timings = layers.map((l) => kindLayerTiming(l, o.batchSize, bpv, ko));
  let forwardS = 0;
  let params = 0;
  for (let i = 0; i < layers.length; i++) {
    forwardS += timings[i]!.forwardS;
    params += layers[i]!.params;
  }
  const optimizerS = optimizerStepS(params, optimizerBytesPerParam(o.optimizerSlots ?? 0), d.spec, constants);
  const backwardLayers: BackwardLayer[] = [];
  let backwardS = 0;
  for (let i = layers.length - 1; i >= 0; i--) {
    const t = timings[i]!.backwardInputS + timings[i]!.backwardWeightS + (i === 0 ? optimizerS : 0);
    backwardS += t;
    backwardLayers.push({ timeS: t, gradBytes: layers[i]!.params * (o.wireBytesPerValue ?? bpv) });
  }
  const forwardLayersS = timings.map((t) => t.forwardS);
  return { forwardS: seconds(forwardS), backwardS: seconds(backwardS), backwardLayers, forwardLayersS, optimizerS };
}
