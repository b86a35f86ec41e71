/**
 * Timing profiles: what one training sample costs, layer by layer, for a model whose step time we want
 * to predict. The profile is hardware-free: FLOPs and bytes only. The schedules turn it into seconds on
 * each GPU with the roofline model (hardware/roofline.ts).
 */

/** One layer (or fused block) of a profile. Every count is per training sample unless it says otherwise. */
export interface LayerProfile {
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
