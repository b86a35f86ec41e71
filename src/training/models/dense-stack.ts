/**
 * Shared pieces of dense-only models: the layout of a stack of dense layers and its forward pass.
 * Logistic regression is the one-layer case; an MLP adds ReLU hidden layers.
 */
import type * as TF from '@tensorflow/tfjs';
import { tfjs } from '../tensor-backend.ts';
import { buildLayout, type EntrySpec, type ParamLayout } from './layout.ts';
import type { Model } from './model.ts';
import { matMul } from './tensor-ops.ts';

/**
 * Layout of dense layers with the given widths: per layer `dense{l}/kernel` [in, out] then
 * `dense{l}/bias` [out]. Hidden kernels use He uniform (they feed a ReLU); the last uses Glorot.
 * @throws RangeError with fewer than two widths or a non-positive width.
 */
export function denseLayout(widths: readonly number[]): ParamLayout {
  if (widths.length < 2)
    throw new RangeError(`a dense stack needs at least input and output widths, got [${widths.join(', ')}]`);
  const specs: EntrySpec[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const fanIn = widths[l]!;
    const fanOut = widths[l + 1]!;
    const last = l + 2 === widths.length;
    specs.push({
      name: `dense${l}/kernel`,
      shape: [fanIn, fanOut],
      init: last ? 'glorot-uniform' : 'he-uniform',
      fanIn,
      fanOut,
    });
    specs.push({ name: `dense${l}/bias`, shape: [fanOut], init: 'zeros', fanIn, fanOut });
  }
  return buildLayout(specs);
}

/** Forward FLOPs per sample of a dense stack: 2 per weight (multiply and add) plus the bias adds. */
export function denseForwardFlops(widths: readonly number[]): number {
  let f = 0;
  for (let l = 0; l + 1 < widths.length; l++) f += 2 * widths[l]! * widths[l + 1]! + widths[l + 1]!;
  return f;
}

/** Logits of a dense stack: ReLU after every layer except the last. Differentiable. */
export function denseLogits(widths: readonly number[], weights: readonly TF.Tensor[], x: TF.Tensor2D): TF.Tensor2D {
  const tf = tfjs();
  let a = x;
  const layers = widths.length - 1;
  for (let l = 0; l < layers; l++) {
    const z = tf.add(matMul(a, weights[2 * l] as TF.Tensor2D), weights[2 * l + 1]!) as TF.Tensor2D;
    a = l + 1 < layers ? tf.relu(z) : z;
  }
  return a;
}

/**
 * A dense-only model with the given widths (input, hidden..., classes): the one builder behind
 * logistic regression (no hidden layer) and the MLP, so their layouts and passes cannot drift apart.
 * @throws RangeError with fewer than two widths or a non-positive width.
 */
export function denseModel(kind: Model['kind'], widths: readonly number[]): Model {
  const w = widths.slice();
  return {
    kind,
    name: `${kind} ${w.join('-')}`,
    inputSize: w[0]!,
    numClasses: w[w.length - 1]!,
    layout: denseLayout(w),
    dense: { widths: w },
    forwardFlopsPerSample: denseForwardFlops(w),
    logits: (weights, x) => denseLogits(w, weights, x),
  };
}
