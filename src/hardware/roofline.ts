/**
 * Roofline kernel timing (Williams, Waterman, Patterson, CACM 2009): a layer is limited either by
 * arithmetic or by memory traffic, whichever takes longer,
 *
 *   t = max( flops / (peak[precision] · efficiency · speed),  bytes / memoryBandwidth ).
 *
 * Each layer gets its own roofline: a list's time is the sum of the per-layer times, never the
 * roofline of the summed costs (a memory-bound layer does not hide behind a compute-bound one).
 * `speed` scales the compute roof only (clock or throttling differences); stragglers are applied by
 * the schedule as a separate multiplicative factor on top.
 */
import { bytes, computeTime, flops, flopsPerSecond, max, seconds, transferTime } from '../core/units.ts';
import type { Bytes, Flops, Seconds } from '../core/units.ts';
import { peakFlops } from './device-spec.ts';
import type { DeviceSpec, Precision } from './device-spec.ts';

/** The work of one layer (or kernel): arithmetic and device-memory traffic. */
export interface LayerCost {
  /** Floating-point operations. */
  readonly flops: Flops;
  /** Bytes read from and written to device memory. */
  readonly bytes: Bytes;
  /** Optional label for traces. */
  readonly name?: string;
}

/** Builds a `LayerCost` from plain numbers. @throws RangeError if either is negative or not finite. */
export function layerCost(flopCount: number, byteCount: number, name?: string): LayerCost {
  const c = { flops: flops(flopCount), bytes: bytes(byteCount) };
  return name === undefined ? c : { ...c, name };
}

/** How a device runs kernels. */
export interface RooflineOptions {
  /** Precision of the arithmetic. */
  readonly precision: Precision;
  /** Fraction of peak reached, in (0, 1]; defaults to the spec's `defaultEfficiency`. */
  readonly efficiency?: number;
  /** Device speed multiplier (> 0, 1 = nominal), as set per node group in the cluster. Default 1. */
  readonly speed?: number;
}

/** What bounds a layer's time. */
export type Bound = 'compute' | 'memory';

/** One layer's roofline time and which roof it hit. */
export interface LayerTiming {
  readonly time: Seconds;
  readonly computeTime: Seconds;
  readonly memoryTime: Seconds;
  /** `compute` when compute time ≥ memory time (ties count as compute). */
  readonly bound: Bound;
}

function effectiveRate(spec: DeviceSpec, opts: RooflineOptions): ReturnType<typeof flopsPerSecond> {
  const eff = opts.efficiency ?? spec.defaultEfficiency;
  if (!(eff > 0 && eff <= 1)) throw new RangeError(`efficiency must be in (0, 1], got ${eff}`);
  const speed = opts.speed ?? 1;
  if (!(speed > 0) || speed === Infinity) throw new RangeError(`speed must be a finite number > 0, got ${speed}`);
  return flopsPerSecond(peakFlops(spec, opts.precision) * eff * speed);
}

/**
 * Roofline time of one layer on `spec`, with the two terms and the binding roof.
 * @throws RangeError for an efficiency outside (0, 1], a speed ≤ 0, or a precision the device lacks.
 */
export function layerTiming(cost: LayerCost, spec: DeviceSpec, opts: RooflineOptions): LayerTiming {
  const c = computeTime(cost.flops, effectiveRate(spec, opts));
  const m = transferTime(cost.bytes, spec.memoryBandwidth);
  return { time: max(c, m), computeTime: c, memoryTime: m, bound: c >= m ? 'compute' : 'memory' };
}

/** Roofline time of one layer (see `layerTiming`). @throws RangeError as `layerTiming`. */
export function layerTime(cost: LayerCost, spec: DeviceSpec, opts: RooflineOptions): Seconds {
  return layerTiming(cost, spec, opts).time;
}

/**
 * Sum of per-layer roofline times, in list order (so the float sum is deterministic).
 * @throws RangeError as `layerTiming`.
 */
export function layersTime(layers: readonly LayerCost[], spec: DeviceSpec, opts: RooflineOptions): Seconds {
  const rate = effectiveRate(spec, opts);
  let t = 0;
  for (const l of layers) {
    t += Math.max(computeTime(l.flops, rate), transferTime(l.bytes, spec.memoryBandwidth));
  }
  return seconds(t);
}

/** Forward, backward and total time of a pass over a layer list. */
export interface PassTime {
  readonly forward: Seconds;
  readonly backward: Seconds;
  readonly total: Seconds;
}

/**
 * Forward plus backward time of a layer list. The backward of each layer costs `backwardFactor` times
 * its forward FLOPs and bytes (default 2: input gradient plus weight gradient, spec §0.4 t_B ≈ 2·t_F),
 * timed by its own roofline.
 * @throws RangeError for a backwardFactor ≤ 0 or as `layerTiming`.
 */
export function forwardBackwardTime(
  layers: readonly LayerCost[],
  spec: DeviceSpec,
  opts: RooflineOptions & { readonly backwardFactor?: number },
): PassTime {
  const k = opts.backwardFactor ?? 2;
  if (!(k > 0) || k === Infinity) throw new RangeError(`backwardFactor must be a finite number > 0, got ${k}`);
  const forward = layersTime(layers, spec, opts);
  // Scaling both terms of every layer by k scales each max() by k, so backward is exactly k·forward.
  const backward = seconds(forward * k);
  return { forward, backward, total: seconds(forward + backward) };
}
