/**
 * A flat parameter vector as the model's per-entry tensors and back: what every pass uploads before
 * it runs (the gradient engine, stage passes, evaluation) and reads back after.
 */
import type * as TF from '@tensorflow/tfjs';
import type { ParamLayout } from '../models/layout.ts';
import { tfjs } from '../tensor-backend.ts';

/** One tensor per layout entry, viewing `params` (call inside tf.tidy). */
export function uploadWeights(layout: ParamLayout, params: Float32Array): TF.Tensor[] {
  const tf = tfjs();
  return layout.entries.map((e) => tf.tensor(params.subarray(e.offset, e.offset + e.size), [...e.shape], 'float32'));
}

/** Reads per-entry tensors back into one flat vector in `layout` order. */
export function readFlat(layout: ParamLayout, tensors: readonly TF.Tensor[]): Float32Array {
  const out = new Float32Array(layout.size);
  layout.entries.forEach((e, i) => out.set(tensors[i]!.dataSync() as Float32Array, e.offset));
  return out;
}
