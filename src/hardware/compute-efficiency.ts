/**
 * Kernel timing by operation kind — the default compute model (docs/hardware.md, "Compute model").
 *
 * A GEMM or convolution runs at a shape-dependent fraction of the tensor peak; everything else
 * (elementwise, norm, softmax, pool, embedding) is a pass over its bytes at a fraction of the memory
 * bandwidth; every kernel pays a launch overhead. One layer's forward time is
 *
 *   t = max( flops / (peak · e_kind · s(d) · w · speed),  bytes / (bandwidth · e_mem) ) + kernels · t_launch
 *
 * where for a GEMM of M × N × K (after batching)
 *   s(d) = d / (d + d₀), d = min(M, N, K): a small dimension leaves tensor cores idle (little data reuse
 *          per loaded tile; NVIDIA, "Matrix Multiplication Background User's Guide", §"Dimension
 *          quantization effects" and "Math vs memory bound"), saturating at large sizes;
 *   w    = units / (waves · SMs), tiles = count · ⌈M/t_m⌉·⌈N/t_n⌉, waves = ⌈units / SMs⌉: wave
 *          quantisation (same guide, §"Wave quantization"): the last wave of tiles runs on part of
 *          the GPU but takes a whole wave's time. units = tiles · split, where a GEMM with fewer tiles
 *          than SMs splits its reduction (split-K) into min(⌊SMs/tiles⌋, ⌊K/t_m⌋) slices.
 *
 * A scenario's single `workload.efficiency` replaces all of this by the plain roofline (roofline.ts).
 *
 * ONE table of constants, `COMPUTE_CONSTANTS`, below; each number's source is beside it.
 */
import { peakFlops } from './device-spec.ts';
import type { DeviceSpec, Precision } from './device-spec.ts';

/**
 * Kernel kinds the model times: the same union as workload's `LayerKind` (hardware/ may not import
 * workload/, design.md §1; a type test keeps the two equal).
 */
export type KernelKind = 'gemm' | 'conv' | 'elementwise' | 'norm' | 'softmax' | 'pool' | 'embedding';

/** A GEMM shape per sample, as workload's `GemmShape` (see there): `count` products of m × n × k. */
export interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly count: number;
}

/** Large-GEMM and large-convolution efficiencies at one precision. */
export interface KindEfficiency {
  /** Fraction of peak a large GEMM reaches. */
  readonly gemm: number;
  /** Fraction of peak a large convolution reaches (cuDNN implicit GEMM, including its im2col overhead). */
  readonly conv: number;
  /** d₀ of the GEMM saturation s(d) = d/(d + d₀). */
  readonly gemmSaturationDim: number;
  /** d₀ of the convolution saturation. */
  readonly convSaturationDim: number;
}

/** The constants of the kind model for one GPU and precision, after any scenario overrides. */
export interface ComputeConstants {
  readonly gemmEfficiency: number;
  readonly convEfficiency: number;
  /** Fraction of peak memory bandwidth a streaming kernel reaches. */
  readonly memoryEfficiency: number;
  /** Seconds per kernel launch (the gap between back-to-back kernels). */
  readonly launchOverheadS: number;
  /** d₀ of the saturation s(d) = d / (d + d₀) of GEMMs. */
  readonly gemmSaturationDim: number;
  /** d₀ of the saturation of convolutions. */
  readonly convSaturationDim: number;
  /** Output tile of one thread block, rows × columns, for wave quantisation. */
  readonly tileM: number;
  readonly tileN: number;
}

/** What a scenario may override (`workload.computeModel`); absent fields keep the table's values. */
export interface ComputeOverrides {
  readonly gemmEfficiency?: number;
  readonly convEfficiency?: number;
  readonly memoryEfficiency?: number;
  readonly launchOverheadS?: number;
}

/**
 * The constants table. Calibrated numbers are marked FIT and were fitted ONLY to the calibration
 * cases of docs/validation.md ("Compute model calibration"); every other number has its source.
 */
export const COMPUTE_CONSTANTS = {
  /**
   * Large-GEMM / large-conv efficiency by precision class. FIT:
   * - `cudaCore` (fp32 without tensor cores; V100 fp32): ResNet-50 v1.5, V100, FP32, batch 112, 367 img/s.
   * - `tensorCore` gemm (fp16/bf16/tf32/fp8): Megatron-LM on Selene (A100 fp16, 22B–1T) and BERT-large
   *   on V100 AMP; conv: ResNet-50 v1.5, V100, AMP, batch 256, 1,200 img/s.
   * Every other GPU takes its precision class's numbers: an assumption (cuBLAS/cuDNN reach similar
   * fractions of peak across NVIDIA tensor-core generations), not a measurement.
   */
  efficiency: {
    cudaCore: { gemm: 0.85, conv: 0.85, gemmSaturationDim: 16, convSaturationDim: 16 },
    tensorCore: { gemm: 0.9, conv: 0.55, gemmSaturationDim: 256, convSaturationDim: 64 },
  } satisfies Record<string, KindEfficiency>,
  /**
   * Fraction of peak memory bandwidth a streaming kernel reaches: BabelStream (Deakin et al., "Evaluating
   * attainable memory bandwidth of parallel programming models via BabelStream", IJCSE 2018) measures
   * 80–90% of the HBM2 datasheet peak on P100/V100 for copy/triad; framework kernels (non-vectorised
   * loads, reductions in norms) sit at the low end, hence 0.8.
   */
  memoryEfficiency: 0.8,
  /**
   * Seconds per kernel: NVIDIA's "Getting Started with CUDA Graphs" (developer blog, 2019) measures
   * ≈ 3.8 µs per short kernel launched back to back from a stream (2.9 µs of it launch overhead);
   * eager PyTorch adds its dispatcher on top. 4 µs.
   */
  launchOverheadS: 4e-6,
  /** d₀ of s(d) = d/(d + d₀). FIT (Megatron 22B vs 1T: per-GPU widths 768 vs 3,200). */
  saturationDim: 256,
  /**
   * Output tile 128 × 128: the tile of NVIDIA's wave-quantisation examples (Matrix Multiplication
   * Background User's Guide) and cuBLAS's common tensor-core tile on V100/A100.
   */
  tileM: 128,
  tileN: 128,
} as const;

/**
 * Backward-to-forward byte ratio of the memory-bound kinds (the backward of a GEMM/conv is timed as its
 * two GEMMs, see `kindLayerTiming`). Why: a forward reads its input and writes its output (the
 * profile's activation bytes, 2 tensors for a unary op);
 * - elementwise: reads dY and the saved input, writes dX: 3 tensors, 1.5×;
 * - norm: reads x, dY, writes dX, and reduces dγ, dβ (batch norm re-reads x and dY for the
 *   statistics' gradients): 2×;
 * - softmax: reads y and dY, writes dX: 1.5×;
 * - pool: reads dY (and max indices), writes dX at the input's size: 1×;
 * - embedding: scatter-adds dY rows into the table's gradient: 1×.
 */
export const MEMORY_BACKWARD_FACTOR: Readonly<Record<Exclude<KernelKind, 'gemm' | 'conv'>, number>> = {
  elementwise: 1.5,
  norm: 2,
  softmax: 1.5,
  pool: 1,
  embedding: 1,
};

/**
 * Optimizer bytes per parameter for one update, for an optimizer with `stateSlots` parameter-sized
 * state vectors (0 SGD, 1 momentum, 2 Adam): gradient read, fp32 weights read and written, each fp32
 * state vector read and written. Under mixed precision (2-byte values) the fp32 master copy is read
 * and written (8 B), the 2-byte gradient read (2 B) and the 2-byte model weights written (2 B): 12 B;
 * in fp32 the weights are read and written (8 B) and the gradient read (4 B): 12 B too. Each state
 * vector adds 8 B. SGD 12 B, momentum 20 B, Adam 28 B (Rajbhandari et al., ZeRO, SC 2020 §3.1, count
 * 16 B of state per mixed-precision Adam parameter; the traffic is what one pass moves of it).
 */
export function optimizerBytesPerParam(stateSlots: number): number {
  return 12 + 8 * stateSlots;
}

/**
 * The constants for `spec` at `precision`, with `overrides` applied.
 * @throws RangeError for an override outside its range (the scenario schema checks them first).
 */
export function computeConstants(
  spec: DeviceSpec,
  precision: Precision,
  overrides?: ComputeOverrides,
): ComputeConstants {
  const C = COMPUTE_CONSTANTS;
  const eff = precision === 'fp32' ? C.efficiency.cudaCore : C.efficiency.tensorCore;
  void spec;
  const c: ComputeConstants = {
    gemmEfficiency: overrides?.gemmEfficiency ?? eff.gemm,
    convEfficiency: overrides?.convEfficiency ?? eff.conv,
    memoryEfficiency: overrides?.memoryEfficiency ?? C.memoryEfficiency,
    launchOverheadS: overrides?.launchOverheadS ?? C.launchOverheadS,
    gemmSaturationDim: eff.gemmSaturationDim,
    convSaturationDim: eff.convSaturationDim,
    tileM: C.tileM,
    tileN: C.tileN,
  };
  for (const k of ['gemmEfficiency', 'convEfficiency', 'memoryEfficiency'] as const)
    if (!(c[k] > 0 && c[k] <= 1)) throw new RangeError(`${k} must be in (0, 1], got ${c[k]}`);
  if (!(c.launchOverheadS >= 0 && Number.isFinite(c.launchOverheadS)))
    throw new RangeError(`launchOverhead must be a finite number of seconds >= 0, got ${c.launchOverheadS}`);
  return c;
}

/** One GEMM of the batch: `count` products of m × n × k (rows already stacked across samples). */
interface BatchGemm {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly count: number;
}

/** The forward GEMM of `g` at `batch` samples: rows stack when count = 1, products multiply otherwise. */
export function batchGemm(g: GemmShape, batch: number): BatchGemm {
  return g.count === 1 ? { m: g.m * batch, n: g.n, k: g.k, count: 1 } : { ...g, count: g.count * batch };
}

/**
 * Shape factor s(min(M, N, K)) · w of one GEMM on `spec` (see the file header), in (0, 1].
 * Without an SM count the wave term is 1.
 */
export function gemmShapeFactor(g: BatchGemm, spec: DeviceSpec, c: ComputeConstants, d0: number): number {
  const d = Math.min(g.m, g.n, g.k);
  const sat = d / (d + d0);
  const sms = spec.multiprocessors;
  if (sms === undefined) return sat;
  const tiles = g.count * Math.ceil(g.m / c.tileM) * Math.ceil(g.n / c.tileN);
  // Split-K: with fewer output tiles than SMs and a long reduction, cuBLAS/CUTLASS split the reduction
  // over several thread blocks (CUTLASS "split-K" / "stream-K" GEMMs), each slice at least one tile deep.
  const split = tiles >= sms ? 1 : Math.max(1, Math.min(Math.floor(sms / tiles), Math.floor(g.k / c.tileM)));
  const units = tiles * split;
  const waves = Math.ceil(units / sms);
  return sat * (units / (waves * sms));
}

/**
 * What the kind model needs of a layer: a structural subset of a profile's `LayerProfile`
 * (workload/types.ts), counts per sample.
 */
export interface KindLayer {
  readonly kind?: KernelKind;
  readonly gemm?: GemmShape;
  readonly kernels?: number;
  readonly params: number;
  readonly forwardFlopsPerSample: number;
  readonly activationBytesPerSample: number;
}

/** Forward and backward seconds of one layer, the backward split as stage-costs.ts needs it. */
export interface KindTiming {
  readonly forwardS: number;
  /** Input-gradient part (dX): on the pipeline's critical path. */
  readonly backwardInputS: number;
  /** Weight-gradient part (dW); 0 for a layer without parameters. */
  readonly backwardWeightS: number;
}

/** How a layer is timed: the device, its arithmetic precision and group speed, the constants. */
export interface KindTimingOptions {
  readonly spec: DeviceSpec;
  readonly precision: Precision;
  /** Compute-roof multiplier of the node group (1 = nominal); memory and launches are not scaled. */
  readonly speed: number;
  readonly constants: ComputeConstants;
}

/**
 * Times `layer` at `batch` samples with the kind model. `bytesPerValue` prices its parameters (read
 * once per pass).
 *
 * GEMM / conv: the forward is one GEMM of the layer's shape; the backward is the two GEMMs of the
 * chain rule, each with the forward's FLOPs (spec §0.4: backward = 2 × forward): dX = dY·Wᵀ, an
 * M × K output reducing over N, and dW = Xᵀ·dY, a K × N output reducing over M, each at its own
 * shape's efficiency. A parameter-free GEMM (attention scores and context) has both products in dX.
 * Memory-bound kinds: backward bytes = `MEMORY_BACKWARD_FACTOR` × forward bytes, all in dX.
 * @throws RangeError for a precision the device lacks.
 */
export function kindLayerTiming(
  layer: KindLayer,
  batch: number,
  bytesPerValue: number,
  o: KindTimingOptions,
): KindTiming {
  const { spec, constants: c } = o;
  const peak = peakFlops(spec, o.precision) * o.speed;
  const bw = spec.memoryBandwidth * c.memoryEfficiency;
  const flops = layer.forwardFlopsPerSample * batch;
  const bytes = layer.params * bytesPerValue + layer.activationBytesPerSample * batch;
  const kernels = layer.kernels ?? 1;
  const launch = kernels * c.launchOverheadS;
  const kind = layer.kind ?? 'gemm';
  if (kind === 'gemm' || kind === 'conv') {
    const base = kind === 'conv' ? c.convEfficiency : c.gemmEfficiency;
    const d0 = kind === 'conv' ? c.convSaturationDim : c.gemmSaturationDim;
    const pass = (g: BatchGemm | undefined): number => {
      const eff = base * (g === undefined ? 1 : gemmShapeFactor(g, spec, c, d0));
      return Math.max(flops / (peak * eff), bytes / bw) + launch;
    };
    const g = layer.gemm === undefined ? undefined : batchGemm(layer.gemm, batch);
    const dX = g === undefined ? undefined : { m: g.m, n: g.k, k: g.n, count: g.count };
    const dW = g === undefined ? undefined : { m: g.k, n: g.n, k: g.m, count: g.count };
    const f = pass(g);
    const bi = pass(dX);
    const bw2 = pass(dW);
    return layer.params > 0
      ? { forwardS: f, backwardInputS: bi, backwardWeightS: bw2 }
      : { forwardS: f, backwardInputS: bi + bw2, backwardWeightS: 0 };
  }
  // Memory-bound: the FLOP term at the large-GEMM rate only matters for absurd profiles.
  const compute = flops / (peak * c.gemmEfficiency);
  const f = Math.max(compute, bytes / bw) + launch;
  const k = MEMORY_BACKWARD_FACTOR[kind];
  const b = Math.max(k * compute, (k * bytes) / bw) + launch;
  return { forwardS: f, backwardInputS: b, backwardWeightS: 0 };
}

/**
 * Seconds of one optimizer step over `params` parameters: a memory-bound pass of
 * `bytesPerParam` bytes each (see `optimizerBytesPerParam`), plus one launch (fused multi-tensor
 * kernels, e.g. apex/PyTorch `foreach`, touch all tensors in a handful of launches).
 */
export function optimizerStepS(params: number, bytesPerParam: number, spec: DeviceSpec, c: ComputeConstants): number {
  if (params === 0) return 0;
  return (params * bytesPerParam) / (spec.memoryBandwidth * c.memoryEfficiency) + c.launchOverheadS;
}
