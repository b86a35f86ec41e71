/** Shared pieces of the compression tests: one-tensor inputs and a seeded vector generator. */
import { Rng } from '../../../../src/core/rng.ts';
import type { Compressor, TensorOutput } from '../../../../src/schedules/lib/compression/types.ts';

/** Compresses one rows × cols tensor given per worker, with the stream of `seed`. */
export function compressOne(
  c: Compressor,
  rows: number,
  cols: number,
  inputs: readonly Float32Array[],
  seed: number | string = 1,
  index = 0,
): TensorOutput {
  return c.compress({ index, rows, cols, inputs, rng: new Rng(seed) });
}

/** A vector of `n` normal values from the stream of `seed`, times `scale`. */
export function normalVec(n: number, seed: number | string, scale = 1): Float32Array {
  const rng = new Rng(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = scale * rng.normal();
  return v;
}

/** Σ v², in float64. */
export function sq(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return s;
}
