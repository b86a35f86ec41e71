/**
 * Builders for the layer kinds every profile is made of: dense (linear) layers, 2-D convolutions,
 * pooling and memory-bound elementwise ops. Each derives params, forward FLOPs and activation bytes
 * from the layer's shape, so a profile is the architecture written down and nothing else.
 *
 * Conventions shared by all profiles:
 * - one multiply-add is 2 FLOPs; a bias add is 1 FLOP per output element;
 * - activation bytes are (elements read + elements written) × bytesPerValue for one sample: the layer's
 *   input(s) plus its output. Weights are not in this number (the roofline adds parameter bytes once
 *   per batch);
 * - elementwise ops (norms, activations, softmax, residual adds, pooling) get nominal FLOP counts from
 *   `ELEMENTWISE_FLOPS`. They are memory-bound on every GPU, so their bytes decide their time and the
 *   nominal FLOPs only need to be the right order of magnitude (they are < 2% of any profile's total).
 */
import type { LayerKind, LayerProfile } from './types.ts';

/**
 * Nominal forward FLOPs per output element of the elementwise ops. Why these numbers: one FLOP per
 * arithmetic step of the usual formula, statistics reductions counted once per element.
 */
export const ELEMENTWISE_FLOPS = {
  /** max(x, 0). */
  relu: 1,
  /** a + b (residual connections). */
  add: 1,
  /** (x − μ)·rsqrt(σ² + ε)·γ + β with the batch statistics: mean, variance, then the affine map. */
  batchNorm: 4,
  /** As batch norm, statistics over the feature dimension instead; one more step for the variance. */
  layerNorm: 5,
  /** x·rsqrt(mean(x²) + ε)·γ: square, mean, scale, gain. */
  rmsNorm: 4,
  /** GELU with the tanh approximation: x³, two multiply-adds, tanh, 1 + t, ½·x·(…) (GPT-2, BERT). */
  gelu: 8,
  /** SiLU(gate)·up of SwiGLU: negate, exp, add 1, divide, multiply by up (Llama). */
  swiglu: 5,
  /** Softmax along a row: max, subtract, exp, sum, divide. */
  softmax: 5,
  /** Rotary position embedding on a query/key element: two multiplies and an add (Llama). */
  rope: 3,
  /** Dropout: compare a random number with p, then scale the kept value by 1/(1 − p). */
  dropout: 2,
} as const;

/** Options of a dense layer applied independently to `tokens` positions of one sample. */
export interface LinearShape {
  /** Input features per position. */
  readonly inFeatures: number;
  /** Output features per position. */
  readonly outFeatures: number;
  /** Whether the layer adds a bias vector (counted as params and as 1 FLOP per output element). */
  readonly bias: boolean;
  /** Positions the layer is applied to per sample: 1 for an image classifier, T for a sequence. */
  readonly tokens: number;
  /**
   * True when the weight matrix is shared with an earlier layer (a tied LM head): its FLOPs and bytes
   * count, its parameters do not, so the model's parameter total counts the matrix once.
   */
  readonly tiedWeights?: boolean;
  /** Bytes per activation value. */
  readonly bytesPerValue: number;
}

/** A dense layer `y = x·W (+ b)` over `tokens` positions. */
export function linearLayer(name: string, s: LinearShape): LayerProfile {
  const biasParams = s.bias ? s.outFeatures : 0;
  const weightParams = s.tiedWeights === true ? 0 : s.inFeatures * s.outFeatures;
  return {
    name,
    kind: 'gemm',
    // Tokens stack across the batch into one GEMM's rows.
    gemm: { m: s.tokens, n: s.outFeatures, k: s.inFeatures, count: 1 },
    params: weightParams + biasParams,
    forwardFlopsPerSample: s.tokens * (2 * s.inFeatures * s.outFeatures + biasParams),
    activationBytesPerSample: s.tokens * (s.inFeatures + s.outFeatures) * s.bytesPerValue,
  };
}

/** Side of the output of a window op (conv or pool) on a square input. */
export function windowOutputSize(inSize: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((inSize + 2 * padding - kernel) / stride) + 1;
}

/** Options of a square 2-D convolution on a square input. */
export interface ConvShape {
  /** Input channels (Cin). */
  readonly inChannels: number;
  /** Filters (Cout). */
  readonly outChannels: number;
  /** Kernel side K. */
  readonly kernel: number;
  /** Stride in both directions. */
  readonly stride: number;
  /** Zero padding on each side; (K − 1)/2 keeps the side at stride 1 ("same"). */
  readonly padding: number;
  /** Input side in pixels. */
  readonly inSize: number;
  /** Whether the conv adds a bias per filter. */
  readonly bias: boolean;
  /** Bytes per activation value. */
  readonly bytesPerValue: number;
}

/** A layer together with the side of its (square) output, so builders can chain shapes. */
export interface ShapedLayer {
  /** The layer's profile entry. */
  readonly layer: LayerProfile;
  /** Output side in pixels. */
  readonly outSize: number;
}

/**
 * A convolution: 2·K·K·Cin·Cout·Hout·Wout FLOPs (plus Cout·Hout·Wout bias adds when it has a bias).
 * @throws RangeError when the kernel does not fit the padded input.
 */
export function conv2dLayer(name: string, s: ConvShape): ShapedLayer {
  const outSize = windowOutputSize(s.inSize, s.kernel, s.stride, s.padding);
  if (outSize < 1)
    throw new RangeError(`${name}: a ${s.kernel}x${s.kernel} kernel does not fit a ${s.inSize}x${s.inSize} input`);
  const outElements = s.outChannels * outSize * outSize;
  const biasParams = s.bias ? s.outChannels : 0;
  return {
    outSize,
    layer: {
      name,
      kind: 'conv',
      // Implicit GEMM (cuDNN): M = N·P·Q output pixels, N = Cout filters, K = Cin·R·S.
      gemm: { m: outSize * outSize, n: s.outChannels, k: s.kernel * s.kernel * s.inChannels, count: 1 },
      params: s.kernel * s.kernel * s.inChannels * s.outChannels + biasParams,
      forwardFlopsPerSample: 2 * s.kernel * s.kernel * s.inChannels * outElements + (s.bias ? outElements : 0),
      activationBytesPerSample: (s.inChannels * s.inSize * s.inSize + outElements) * s.bytesPerValue,
    },
  };
}

/** Options of a square max pool. */
export interface PoolShape {
  /** Channels (unchanged by the pool). */
  readonly channels: number;
  /** Input side in pixels. */
  readonly inSize: number;
  /** Window side K. */
  readonly kernel: number;
  /** Stride in both directions. */
  readonly stride: number;
  /** Padding on each side. */
  readonly padding: number;
  /** Bytes per activation value. */
  readonly bytesPerValue: number;
}

/** A max pool: K·K comparisons per output element (counted as FLOPs), no parameters. */
export function maxPoolLayer(name: string, s: PoolShape): ShapedLayer {
  const outSize = windowOutputSize(s.inSize, s.kernel, s.stride, s.padding);
  if (outSize < 1)
    throw new RangeError(`${name}: a ${s.kernel}x${s.kernel} pool does not fit a ${s.inSize}x${s.inSize} input`);
  const outElements = s.channels * outSize * outSize;
  return {
    outSize,
    layer: {
      name,
      kind: 'pool',
      params: 0,
      forwardFlopsPerSample: s.kernel * s.kernel * outElements,
      activationBytesPerSample: (s.channels * s.inSize * s.inSize + outElements) * s.bytesPerValue,
    },
  };
}

/** A global average pool: one add per input element (the final divide per channel is ignored). */
export function globalAvgPoolLayer(
  name: string,
  channels: number,
  inSize: number,
  bytesPerValue: number,
): LayerProfile {
  const inElements = channels * inSize * inSize;
  return {
    name,
    kind: 'pool',
    params: 0,
    forwardFlopsPerSample: inElements,
    activationBytesPerSample: (inElements + channels) * bytesPerValue,
  };
}

/** Options of an elementwise (memory-bound) op. */
export interface ElementwiseShape {
  /** Elements read per sample (all inputs together: 2·n for a residual add of two n-element tensors). */
  readonly elementsIn: number;
  /** Elements written per sample. */
  readonly elementsOut: number;
  /** Nominal FLOPs per output element (see `ELEMENTWISE_FLOPS`). */
  readonly flopsPerElement: number;
  /** Trainable parameters (γ, β of a norm), 0 for activations and adds. */
  readonly params: number;
  /** Bytes per activation value. */
  readonly bytesPerValue: number;
  /** Kernel kind: `elementwise` (default), `norm`, `softmax` or `pool`. */
  readonly kind?: Exclude<LayerKind, 'gemm' | 'conv'>;
}

/** An elementwise op: norm, activation, softmax, residual add. */
export function elementwiseLayer(name: string, s: ElementwiseShape): LayerProfile {
  return {
    name,
    kind: s.kind ?? 'elementwise',
    params: s.params,
    forwardFlopsPerSample: s.flopsPerElement * s.elementsOut,
    activationBytesPerSample: (s.elementsIn + s.elementsOut) * s.bytesPerValue,
  };
}

/**
 * The softmax cross-entropy loss over `logits` values per sample: reads the logits and writes the
 * probabilities that the backward pass needs (softmax FLOPs; the log and the label pick are ignored).
 */
export function softmaxCrossEntropyLayer(logits: number, bytesPerValue: number): LayerProfile {
  return elementwiseLayer('loss', {
    elementsIn: logits,
    elementsOut: logits,
    flopsPerElement: ELEMENTWISE_FLOPS.softmax,
    params: 0,
    bytesPerValue,
    kind: 'softmax',
  });
}
