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
import { explicitTranspose, tfjs } from '../tensor-backend.ts';
import { matMulBT } from '../models/tensor-ops.ts';
import {
  denseBackward,
  denseForward,
  softmaxCrossEntropyGrad,
  type DenseActivations,
  type RowRange,
} from './dense-backprop.ts';

/**
 * Passes with at least this many rows are split into `SPLIT_PARTS` parts. Below it the per-part costs
 * (weight copy and upload, post, read-back, sum) eat the gain: at 256 rows a helper gave 0.85–1.34×
 * (median 1.06×) in the bench, at 1,024 rows 1.26–1.89× (median 1.53×).
 */
export const SPLIT_MIN_ROWS = 512;

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
 * Rows per chunk inside a part. A wasm pass slows down per row beyond ~1,000 rows (the explicit
 * transpose of x for the weight gradient leaves the caches: 0.9 ms at 256 rows, 7.5 ms at 1,024,
 * 14 ms at 2,048), so a part runs as chunks of at most this many rows and adds their gradients in
 * chunk order. Like the parts, the chunks depend on the row count only.
 */
export const CHUNK_ROWS = 512;

/**
 * Computes one part's weighted gradient sum and per-row losses into `out`, chunk by chunk. Runs its
 * own tf.tidy and copies results out inside it (never returns arrays from tidy, spec/tooling.md).
 * @param weights the stack's weight tensors, e.g. from `uploadPartWeights`.
 */
export function densePartGrad(
  model: PartModel,
  weights: readonly TF.Tensor[],
  input: PartInput,
  out: PartOutput,
): void {
  const tf = tfjs();
  const { rows } = input;
  const d = model.inputSize;
  tf.tidy(() => {
    let acc: TF.Tensor[] = [];
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      // Each chunk's activations are freed when its tidy ends; only the running sum survives it.
      const sum = tf.tidy(() => {
        const acts = denseForward(weights, tf.tensor2d(input.x.subarray(start * d, (start + n) * d), [n, d]), false);
        const { rowLoss, dLogits } = softmaxCrossEntropyGrad(
          acts.out,
          tf.tensor1d(input.y.subarray(start, start + n), 'int32'),
          tf.tensor2d(input.w.subarray(start, start + n), [n, 1]),
        );
        const grads = partBackward(weights, acts, dLogits);
        out.rowLoss.set(rowLoss.dataSync() as Float32Array, start);
        return acc.length === 0 ? grads : grads.map((g, i) => tf.add(acc[i]!, g));
      });
      tf.dispose(acc);
      acc = sum;
    }
    model.entries.forEach((e, i) => out.grad.set(acc[i]!.dataSync() as Float32Array, e.offset));
  });
}

// The weight gradient aᵀ·dz. On wasm both ways transpose explicitly (models/tensor-ops.ts), and
// transposing the narrower operand is cheaper: for layer 0 (a: rows×784, dz: rows×200), (dzᵀ·a)ᵀ
// took 7.0 ms against 8.6 ms for aᵀ·dz at 512 rows, with the same bytes (the products sum over the
// rows in the same order).
function weightGrad(a: TF.Tensor2D, dz: TF.Tensor2D): TF.Tensor2D {
  const tf = tfjs();
  if (!explicitTranspose()) return tf.matMul(a, dz, true, false);
  return a.shape[1] > dz.shape[1] ? tf.transpose(tf.matMul(tf.transpose(dz), a)) : tf.matMul(tf.transpose(a), dz);
}

// dense-backprop's denseBackward for one row range and no input gradient, with `weightGrad`.
function partBackward(weights: readonly TF.Tensor[], acts: DenseActivations, dLogits: TF.Tensor2D): TF.Tensor[] {
  const tf = tfjs();
  const layers = weights.length / 2;
  const grads = new Array<TF.Tensor>(2 * layers);
  let dz = dLogits;
  for (let l = layers - 1; l >= 0; l--) {
    const a = acts.inputs[l]!;
    grads[2 * l] = weightGrad(a, dz);
    grads[2 * l + 1] = tf.sum(dz, 0);
    // a = relu(z) > 0 exactly where z > 0, so the stored activation gives relu's derivative.
    if (l > 0) dz = tf.mul(matMulBT(dz, weights[2 * l] as TF.Tensor2D), tf.step(a)) as TF.Tensor2D;
  }
  return grads;
}

/**
 * One whole request below the split threshold: forward, loss and backward over all its rows at once,
 * the weight gradients as `aᵀ·dz` (dense-backprop.ts). The main thread and a helper thread both
 * compute an unsplit request with this function, so its bytes do not depend on where it ran. Runs
 * its own tf.tidy and copies the results into `out`.
 */
export function denseRequestGrad(
  model: PartModel,
  weights: readonly TF.Tensor[],
  input: PartInput,
  out: PartOutput,
): void {
  const tf = tfjs();
  const n = input.rows;
  const d = model.inputSize;
  tf.tidy(() => {
    const acts = denseForward(weights, tf.tensor2d(input.x.subarray(0, n * d), [n, d]), false);
    const { rowLoss, dLogits } = softmaxCrossEntropyGrad(
      acts.out,
      tf.tensor1d(input.y.subarray(0, n), 'int32'),
      tf.tensor2d(input.w.subarray(0, n), [n, 1]),
    );
    const { grads } = denseBackward(weights, acts, dLogits, [{ start: 0, end: n }], false);
    out.rowLoss.set(rowLoss.dataSync() as Float32Array);
    model.entries.forEach((e, i) => out.grad.set(grads[0]![i]!.dataSync() as Float32Array, e.offset));
  });
}

/** Per-row test results of a dense stack (see `denseEvalRows`). */
export interface EvalRowsOutput {
  /** log-probability of each row's label. */
  readonly picked: Float32Array;
  /** Arg-max class of each row (ties to the lower index). */
  readonly pred: Int32Array;
  /** 1 where all of a row's logits are finite, else 0. */
  readonly finite: Int32Array;
}

/**
 * The per-row part of evaluation (training/evaluate.ts) for `rows` rows of a dense stack: the logits'
 * log-softmax at the label, the arg-max and whether the logits are finite. Every op is row-wise, so a
 * row's results do not depend on which other rows share the pass (checked byte for byte in the
 * tests), and the rows can be cut between threads.
 */
export function denseEvalRows(
  model: PartModel,
  weights: readonly TF.Tensor[],
  x: Float32Array,
  y: Int32Array,
  rows: number,
  out: EvalRowsOutput,
): void {
  const tf = tfjs();
  const d = model.inputSize;
  const classes = model.entries[model.entries.length - 1]!.size;
  tf.tidy(() => {
    const logits = denseForward(weights, tf.tensor2d(x.subarray(0, rows * d), [rows, d]), false).out;
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.tensor1d(y.subarray(0, rows), 'int32'), classes).toFloat();
    out.picked.set(tf.sum(tf.mul(logp, onehot), 1).dataSync() as Float32Array);
    out.pred.set(tf.argMax(logits, 1).dataSync() as Int32Array);
    out.finite.set(tf.all(tf.isFinite(logits), 1).dataSync() as Uint8Array);
  });
}

/** The plain-data shape of a dense model's layout, for `densePartGrad` and helper threads. */
export function partModel(entries: readonly PartEntry[], size: number, inputSize: number): PartModel {
  return { entries: entries.map((e) => ({ shape: [...e.shape], offset: e.offset, size: e.size })), size, inputSize };
}
