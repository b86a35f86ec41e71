/**
 * One row part of a large dense gradient pass, computed the same way wherever it runs: on the main
 * thread or on a helper thread of the thread pool (thread-pool.ts, grad-worker.ts).
 *
 * Why parts: single-threaded wasm matmul is flat at ~27–29 GFLOP/s whatever the size, so a large
 * merged pass (e.g. `requestMean` over 32 worker batches) only gets faster on more cores. Its rows
 * are cut into parts, each part's weighted gradient sum is computed on its own, and the part sums are
 * added in part order. The number of parts depends on the row count only, never on how many threads
 * exist, so the bytes of the result are the same with threads on, off, or failed (the determinism
 * guarantee; tested).
 */
import type * as TF from '@tensorflow/tfjs';
import { tfjs } from '../tensor-backend.ts';
import { denseBackward, denseForward, softmaxCrossEntropyGrad, type RowRange } from './dense-backprop.ts';

/** Passes with at least this many rows are split into `SPLIT_PARTS` parts. */
export const SPLIT_MIN_ROWS = 256;

/**
 * Parts of a split pass. Two, because helper threads only pay with a core each and our machines
 * have two; more parts would add per-part overhead (weight upload, gradient read-back) for nothing.
 */
export const SPLIT_PARTS = 2;

/** Where one tensor of a dense stack lives in the flat parameter vector (a plain, cloneable record). */
export interface PartEntry {
  /** Tensor shape: `[in, out]` for a kernel, `[out]` for a bias. */
  readonly shape: readonly number[];
  /** First index in the flat vector. */
  readonly offset: number;
  /** Number of scalars. */
  readonly size: number;
}

/** The shape of a dense stack as a part computation needs it; plain data, so it can be posted to a thread. */
export interface PartModel {
  /** Tensors in layout order: kernel0, bias0, kernel1, ... */
  readonly entries: readonly PartEntry[];
  /** Length of the flat parameter vector. */
  readonly size: number;
  /** Features per row. */
  readonly inputSize: number;
}

/** Rows and per-row weights of one part; `x` holds `rows·inputSize` values (more are ignored). */
export interface PartInput {
  /** Features, row-major. */
  readonly x: Float32Array;
  /** Labels. */
  readonly y: Int32Array;
  /** Row weights (1/(batches·n) per row, see the engine's `assemble`). */
  readonly w: Float32Array;
  /** Rows in the part. */
  readonly rows: number;
}

/** Where a part writes its result. */
export interface PartOutput {
  /** Σ over the part's rows of w_i·∇loss_i, flat in layout order (`model.size` values). */
  readonly grad: Float32Array;
  /** Unweighted loss of each row (`rows` values). */
  readonly rowLoss: Float32Array;
}

/**
 * The row ranges a pass of `rows` rows is cut into: one part below `SPLIT_MIN_ROWS`, else
 * `SPLIT_PARTS` near-equal contiguous parts (the first ones one row longer when it does not divide).
 */
export function splitRows(rows: number): RowRange[] {
  const parts = rows >= SPLIT_MIN_ROWS ? SPLIT_PARTS : 1;
  const out: RowRange[] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const len = Math.floor(rows / parts) + (p < rows % parts ? 1 : 0);
    out.push({ start, end: start + len });
    start += len;
  }
  return out;
}

/** One tensor per entry, viewing `params` (call inside tf.tidy; tfjs copies the values in). */
export function uploadPartWeights(model: PartModel, params: Float32Array): TF.Tensor[] {
  const tf = tfjs();
  return model.entries.map((e) => tf.tensor(params.subarray(e.offset, e.offset + e.size), [...e.shape], 'float32'));
}

/**
 * Computes one part's weighted gradient sum and per-row losses into `out`. Runs its own tf.tidy and
 * copies results out inside it (never returns arrays from tidy, spec/tooling.md).
 * @param weights the stack's weight tensors, e.g. from `uploadPartWeights`.
 */
export function densePartGrad(model: PartModel, weights: readonly TF.Tensor[], input: PartInput, out: PartOutput): void {
  const tf = tfjs();
  const { rows } = input;
  const d = model.inputSize;
  tf.tidy(() => {
    const acts = denseForward(weights, tf.tensor2d(input.x.subarray(0, rows * d), [rows, d]), false);
    const { rowLoss, dLogits } = softmaxCrossEntropyGrad(
      acts.out,
      tf.tensor1d(input.y.subarray(0, rows), 'int32'),
      tf.tensor2d(input.w.subarray(0, rows), [rows, 1]),
    );
    const { grads } = denseBackward(weights, acts, dLogits, [{ start: 0, end: rows }], false);
    model.entries.forEach((e, i) => out.grad.set(grads[0]![i]!.dataSync() as Float32Array, e.offset));
    out.rowLoss.set(rowLoss.dataSync() as Float32Array);
  });
}

/** The plain-data shape of a dense model's layout, for `densePartGrad` and helper threads. */
export function partModel(entries: readonly PartEntry[], size: number, inputSize: number): PartModel {
  return { entries: entries.map((e) => ({ shape: [...e.shape], offset: e.offset, size: e.size })), size, inputSize };
}
