/**
 * What every trainable model offers the engine: a flat parameter layout and a differentiable map from
 * weight tensors to logits. Dense-only models (logistic regression, MLP) also describe their stack, so
 * the engine can run its hand-written backprop and split them into pipeline stages.
 */
import type * as TF from '@tensorflow/tfjs';
import type { ParamLayout } from './layout.ts';

/** Model families dtsim trains for real. */
export type ModelKind = 'logistic-regression' | 'mlp' | 'cnn';

/**
 * A stack of dense layers `z_l = a_{l-1}·W_l + b_l`, ReLU after every layer but the last (whose
 * output is the logits). Layer l's kernel is layout entry 2l (shape [in, out]) and its bias 2l+1.
 */
export interface DenseStack {
  /** Widths from input to output: `[inputSize, hidden..., numClasses]`; layers = length − 1. */
  readonly widths: readonly number[];
}

/** A trainable classifier over flat parameters. */
export interface Model {
  /** Family. */
  readonly kind: ModelKind;
  /** Human-readable description, e.g. `mlp 784-200-200-10`. */
  readonly name: string;
  /** Features per sample (784 for MNIST). */
  readonly inputSize: number;
  /** Output classes. */
  readonly numClasses: number;
  /** Where each tensor lives in the flat parameter vector. */
  readonly layout: ParamLayout;
  /** The dense stack for dense-only models; `null` for models with other layers (CNN). */
  readonly dense: DenseStack | null;
  /** Forward FLOPs per sample (2 per multiply-add); backward is about twice this. */
  readonly forwardFlopsPerSample: number;
  /**
   * Logits `[n, numClasses]` for inputs `x` `[n, inputSize]`. `weights` holds one tensor per layout
   * entry, in layout order and shape. Differentiable with respect to `weights` (tf.grads).
   */
  logits(weights: readonly TF.Tensor[], x: TF.Tensor2D): TF.Tensor2D;
}
