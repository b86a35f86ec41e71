/**
 * Batch assembly by copying rows into caller-owned buffers. Reusing the buffers across steps makes a
 * batch allocation-free; copying rows in JS costs ~0.05 ms for an MNIST batch versus ~3 ms for
 * `tf.gather` (tooling.md).
 */
import type { ClassificationDataset, Dataset, RegressionDataset } from './dataset.ts';

function checkOut(ds: Dataset, m: number, xOut: Float32Array, yOut: { length: number }): void {
  if (xOut.length < m * ds.d)
    throw new RangeError(`xOut holds ${xOut.length} values, batch needs ${m}×${ds.d} = ${m * ds.d}`);
  if (yOut.length < m) throw new RangeError(`yOut holds ${yOut.length} values, batch needs ${m}`);
}

/**
 * Copies rows `indices` of `ds` into `xOut` (row-major, `indices.length × d`) and their labels (or
 * regression targets) into `yOut`. Buffers may be longer than needed; the tail is left untouched.
 * Allocates nothing. Returns the number of rows written.
 * @throws RangeError if a buffer is too short or an index is out of range; TypeError if `yOut`'s type
 *   does not match the task (Int32Array for classification, Float32Array for regression).
 */
export function fillBatch(
  ds: ClassificationDataset,
  indices: ArrayLike<number>,
  xOut: Float32Array,
  yOut: Int32Array,
): number;
export function fillBatch(
  ds: RegressionDataset,
  indices: ArrayLike<number>,
  xOut: Float32Array,
  yOut: Float32Array,
): number;
export function fillBatch(
  ds: Dataset,
  indices: ArrayLike<number>,
  xOut: Float32Array,
  yOut: Int32Array | Float32Array,
): number;
export function fillBatch(
  ds: Dataset,
  indices: ArrayLike<number>,
  xOut: Float32Array,
  yOut: Int32Array | Float32Array,
): number {
  const m = indices.length;
  const d = ds.d;
  checkOut(ds, m, xOut, yOut);
  const wantInt = ds.task === 'classification';
  if (wantInt !== yOut instanceof Int32Array) {
    throw new TypeError(`${ds.name}: yOut must be ${wantInt ? 'an Int32Array' : 'a Float32Array'} for ${ds.task}`);
  }
  const src = ds.x;
  const labels = ds.task === 'classification' ? ds.y : ds.targets;
  for (let r = 0; r < m; r++) {
    const i = indices[r]!;
    if (!(i >= 0 && i < ds.n)) throw new RangeError(`${ds.name}: index ${i} outside [0, ${ds.n})`);
    // subarray+set copies a row as one block: a view object per row, but for rows of hundreds of
    // values it is about 15× faster than an index loop (2 against 34 µs for 32 MNIST rows).
    const s = i * d;
    if (d >= 32) xOut.set(src.subarray(s, s + d), r * d);
    else for (let j = 0; j < d; j++) xOut[r * d + j] = src[s + j]!;
    yOut[r] = labels[i]!;
  }
  return m;
}

/**
 * Writes one-hot labels of rows `indices` into `out` (`indices.length × numClasses`, row-major),
 * zeroing the rows first. Allocates nothing.
 * @throws RangeError if `out` is too short or an index is out of range.
 */
export function fillOneHot(ds: ClassificationDataset, indices: ArrayLike<number>, out: Float32Array): number {
  const m = indices.length;
  const c = ds.numClasses;
  if (out.length < m * c) throw new RangeError(`out holds ${out.length} values, one-hot batch needs ${m}×${c}`);
  out.fill(0, 0, m * c);
  for (let r = 0; r < m; r++) {
    const i = indices[r]!;
    if (!(i >= 0 && i < ds.n)) throw new RangeError(`${ds.name}: index ${i} outside [0, ${ds.n})`);
    out[r * c + ds.y[i]!] = 1;
  }
  return m;
}

/** A freshly allocated classification batch (convenience for tests and one-off evaluation). */
export function makeBatch(ds: ClassificationDataset, indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(indices.length * ds.d);
  const y = new Int32Array(indices.length);
  fillBatch(ds, indices, x, y);
  return { x, y };
}
