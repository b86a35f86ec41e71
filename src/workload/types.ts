/**
 * Timing profiles: what one training sample costs, layer by layer, for a model whose step time we want
 * to predict. The profile is hardware-free: FLOPs and bytes only. The schedules turn it into seconds on
 * each GPU with the roofline model (hardware/roofline.ts).
 */

/**
 * What kind of GPU kernel a layer is, which decides how it is timed (hardware/compute-efficiency.ts, whose `KernelKind`
 * must stay the same union: test/hardware/compute-efficiency.test.ts checks it):
 * `gemm` (dense / linear layers and the attention matmuls) and `conv` run on tensor cores at a
 * shape-dependent fraction of peak; the others are memory-bound passes timed by their bytes.
 */
export type LayerKind = 'gemm' | 'conv' | 'elementwise' | 'norm' | 'softmax' | 'pool' | 'embedding';

/** Every layer kind, in a stable order for listings and docs. */
export const LAYER_KINDS: readonly LayerKind[] = [
  'gemm',
  'conv',
  'elementwise',
  'norm',
  'softmax',
  'pool',
  'embedding',
];

/**
 * The matrix-multiply shape of a GEMM or (implicit-GEMM) convolution for ONE sample: `count`
 * independent (m × k)·(k × n) products. With `count` = 1 the rows of all samples of a batch stack into
 * one GEMM of M = m·batch rows (a linear layer over tokens: m = tokens; a convolution: m = P·Q output
 * pixels, n = output channels, k = C·R·S); with `count` > 1 the products stay separate (batched GEMM:
 * the attention scores of each head, m = n = T, k = d/heads), count·batch of them.
 */
export interface GemmShape {
  /** Rows per sample (tokens, or output pixels P·Q). */
  readonly m: number;
  /** Output columns (output features / channels). */
  readonly n: number;
  /** Reduction length (input features, or C·R·S). */
  readonly k: number;
  /** Independent products per sample (1 for a plain layer; heads for attention). */
  readonly count: number;
}

/** One layer (or fused block) of a profile. Every count is per training sample unless it says otherwise. */
export interface LayerProfile {
  /**
   * Kernel kind. Absent (hand-built or custom layers): timed as a GEMM of unknown shape, at the
   * large-GEMM efficiency with no shape penalty.
   */
  readonly kind?: LayerKind;
  /** GEMM shape per sample, for `gemm` and `conv` layers; absent: no shape penalty. */
  readonly gemm?: GemmShape;
  /** GPU kernels one forward pass launches (default 1); each costs the launch overhead. */
  readonly kernels?: number;
  /** Layer name, e.g. `conv1`, `layer3.2.conv2`, `h.11.attn`. */
  readonly name: string;
  /** Trainable parameters of the layer (a count, not bytes). */
  readonly params: number;
  /** Forward-pass FLOPs for one sample (one multiply-add = 2 FLOPs). */
  readonly forwardFlopsPerSample: number;
  /**
   * Activation bytes the forward pass reads and writes for one sample at the profile's precision
   * (input plus output of the layer); the roofline's memory term adds the parameter bytes once per batch.
   */
  readonly activationBytesPerSample: number;
}

/** A named or derived timing profile. */
export interface TimingProfile {
  /** Profile name (`resnet50`, `model:mlp-784-200-200-10`, `custom`). */
  readonly name: string;
  /** One line for `dtsim list` and the run summary. */
  readonly description: string;
  /** Where the architecture numbers come from (paper, config), so users can check them. */
  readonly source: string;
  /** What one sample is: an image, or a sequence of `sequenceLength` tokens. */
  readonly sample: 'image' | 'sequence' | 'vector';
  /** Tokens per sample for sequence models. */
  readonly sequenceLength?: number;
  /** Bytes per activation / parameter value the profile assumes (2 for fp16/bf16, 4 for fp32). */
  readonly bytesPerValue: number;
  /** Layers in forward order. Sum of `params` is the model's parameter count. */
  readonly layers: readonly LayerProfile[];
}

/** Options a profile is built with. */
export interface ProfileOptions {
  /** Tokens per sequence for sequence models (default: the profile's own). Ignored by image models. */
  readonly sequenceLength?: number;
  /** Bytes per value: 2 for fp16/bf16 training, 4 for fp32. */
  readonly bytesPerValue: number;
}

/** A registered named profile. */
export interface ProfileEntry {
  /** One line for `dtsim list profiles`. */
  readonly description: string;
  /** Where the architecture comes from (paper / reference config). */
  readonly source: string;
  /** Parameter count the built profile must total (checked by a test against the published figure). */
  readonly params: number;
  /** Default tokens per sample for sequence models; absent for image models. */
  readonly defaultSequenceLength?: number;
  /** Builds the per-layer profile. @throws RangeError for a bad sequence length or bytesPerValue. */
  build(options: ProfileOptions): TimingProfile;
}
