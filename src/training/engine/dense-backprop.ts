/**
 * Hand-written forward and backward passes of a dense stack (see models/model.ts DenseStack), on
 * tensors. Used by the gradient engine's fast path and by pipeline stages.
 *
 * Why by hand: (1) pipeline stages need error propagation with backward-time weights W_b while the
 * weight gradient uses activations stored at forward time (spec/algorithms.md §0.3), which autograd
 * cannot express; (2) requests that share a snapshot can share the forward pass and the error
 * propagation, because both are row-wise, and only the weight gradients `aᵀ·dz` need per-request row
 * ranges. Callers run these inside tf.tidy.
 */
import type * as TF from '@tensorflow/tfjs';
import { tfjs } from '../tensor-backend.ts';
import { matMulAT, matMulBT } from '../models/tensor-ops.ts';

/** Rows [start, end) of a merged batch whose weight gradient is wanted on its own. */
export interface RowRange {
  /** First row. */
  readonly start: number;
  /** One past the last row. */
  readonly end: number;
}

/** Activations a dense forward pass keeps for the backward pass. */
export interface DenseActivations {
  /** Input of each layer: `inputs[0]` is x, `inputs[l]` the ReLU output of layer l−1. */
  readonly inputs: TF.Tensor2D[];
  /** Output of the last layer (ReLU'd if `reluOut`). */
  readonly out: TF.Tensor2D;
}

/** Forward through `weights` = [kernel0, bias0, kernel1, ...]; ReLU between layers, and after the last if `reluOut`. */
export function denseForward(weights: readonly TF.Tensor[], x: TF.Tensor2D, reluOut: boolean): DenseActivations {
  const tf = tfjs();
  const layers = weights.length / 2;
  const inputs: TF.Tensor2D[] = [];
  let a = x;
  for (let l = 0; l < layers; l++) {
    inputs.push(a);
    // Plain matMul, not the customGrad wrapper: this pass is differentiated by hand below, so no
    // gradient tape is needed and the wrapper's bookkeeping would be pure overhead.
    const z = tf.add(tf.matMul(a, weights[2 * l] as TF.Tensor2D), weights[2 * l + 1]!) as TF.Tensor2D;
    a = l + 1 < layers || reluOut ? tf.relu(z) : z;
  }
  return { inputs, out: a };
}

/**
 * Softmax cross-entropy per row and its gradient with respect to the logits, each row scaled by its
 * weight: `dz_i = w_i·(softmax(z_i) − onehot(y_i))`. With w_i = 1/n this is the gradient of the mean loss.
 * @returns per-row unweighted losses [n] and the weighted logit gradient [n, C].
 */
export function softmaxCrossEntropyGrad(
  logits: TF.Tensor2D,
  labels: TF.Tensor1D,
  rowWeights: TF.Tensor2D,
): { rowLoss: TF.Tensor1D; dLogits: TF.Tensor2D } {
  const tf = tfjs();
  const onehot = tf.oneHot(labels, logits.shape[1]).toFloat() as TF.Tensor2D;
  const logp = tf.logSoftmax(logits);
  const rowLoss = tf.neg(tf.sum(tf.mul(onehot, logp), 1)) as TF.Tensor1D;
  const dLogits = tf.mul(tf.sub(tf.exp(logp), onehot), rowWeights) as TF.Tensor2D;
  return { rowLoss, dLogits };
}

function rows(t: TF.Tensor2D, r: RowRange, all: boolean): TF.Tensor2D {
  return all ? t : tfjs().slice(t, [r.start, 0], [r.end - r.start, -1]);
}

/**
 * Backward through a dense stack. `dOut` is the gradient at the last layer's pre-activation (the caller
 * applies the output ReLU's mask if there is one). Error propagation uses `weightsB`; weight gradients
 * use the stored `acts.inputs`; ReLU masks come from the stored activations too.
 * @returns for each row range, one gradient tensor per weight (kernel0, bias0, ...), and the gradient
 * with respect to the stack's input when `needInputGrad` (else null).
 */
export function denseBackward(
  weightsB: readonly TF.Tensor[],
  acts: DenseActivations,
  dOut: TF.Tensor2D,
  ranges: readonly RowRange[],
  needInputGrad: boolean,
): { grads: TF.Tensor[][]; inputGrad: TF.Tensor2D | null } {
  const tf = tfjs();
  const layers = weightsB.length / 2;
  const total = dOut.shape[0];
  const all = ranges.length === 1 && ranges[0]!.start === 0 && ranges[0]!.end === total;
  const grads: TF.Tensor[][] = ranges.map(() => new Array<TF.Tensor>(2 * layers));
  let dz = dOut;
  let inputGrad: TF.Tensor2D | null = null;
  for (let l = layers - 1; l >= 0; l--) {
    const a = acts.inputs[l]!;
    ranges.forEach((r, j) => {
      const dzr = rows(dz, r, all);
      grads[j]![2 * l] = matMulAT(rows(a, r, all), dzr);
      grads[j]![2 * l + 1] = tf.sum(dzr, 0);
    });
    if (l > 0 || needInputGrad) {
      const da = matMulBT(dz, weightsB[2 * l] as TF.Tensor2D);
      // a = relu(z) > 0 exactly where z > 0, so the stored activation gives relu's derivative.
      if (l > 0) dz = tf.mul(da, tf.step(a)) as TF.Tensor2D;
      else inputGrad = da;
    }
  }
  return { grads, inputGrad };
}
