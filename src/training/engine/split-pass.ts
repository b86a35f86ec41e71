/**
 * A large dense pass computed as row parts (dense-part.ts), one of them on a helper thread when one
 * is ready. The main thread posts the last part, computes the others, then waits for the helper; a
 * part the helper could not take is computed on the main thread instead. The part gradients are added
 * in part order either way, so the result has the same bytes with or without threads.
 */
import type * as TF from '@tensorflow/tfjs';
import { densePartGrad, splitRows, type PartInput, type PartModel } from './dense-part.ts';
import type { GradThreadPool } from './thread-pool.ts';

/** The result of a split pass. */
export interface SplitResult {
  /** Σ over all rows of w_i·∇loss_i, flat in layout order. */
  readonly grad: Float32Array;
  /** Unweighted loss of each row, in row order. */
  readonly rowLoss: Float32Array;
  /** Parts the pass was cut into. */
  readonly parts: number;
  /** Parts a helper thread computed. */
  readonly helperParts: number;
}

function rowsOf(input: PartInput, d: number, start: number, end: number): PartInput {
  return {
    x: input.x.subarray(start * d, end * d),
    y: input.y.subarray(start, end),
    w: input.w.subarray(start, end),
    rows: end - start,
  };
}

/**
 * Computes the weighted gradient sum of `input`'s rows in the parts `splitRows` gives.
 * @param weights the stack's weights uploaded from `params` on this thread.
 * @param params the flat parameters, copied to the helper if it takes a part.
 * @param pool helper threads, or null to compute every part here.
 */
export function splitPass(
  model: PartModel,
  weights: readonly TF.Tensor[],
  params: Float32Array,
  input: PartInput,
  pool: GradThreadPool | null,
): SplitResult {
  const d = model.inputSize;
  const ranges = splitRows(input.rows);
  const rowLoss = new Float32Array(input.rows);
  const grads: Float32Array[] = ranges.map(() => new Float32Array(model.size));
  const last = ranges.length - 1;
  const lastRange = ranges[last]!;
  // Post the last part first so the helper works while this thread computes the rest.
  const ticket =
    last > 0 && pool !== null ? pool.submit(model, params, rowsOf(input, d, lastRange.start, lastRange.end)) : null;
  ranges.forEach((r, p) => {
    if (p === last && ticket !== null) return;
    densePartGrad(model, weights, rowsOf(input, d, r.start, r.end), {
      grad: grads[p]!,
      rowLoss: rowLoss.subarray(r.start, r.end),
    });
  });
  let helperParts = 0;
  if (ticket !== null) {
    const got = pool!.collect(ticket);
    const out = { grad: grads[last]!, rowLoss: rowLoss.subarray(lastRange.start, lastRange.end) };
    if (got === null) {
      densePartGrad(model, weights, rowsOf(input, d, lastRange.start, lastRange.end), out);
    } else {
      out.grad.set(got.grad);
      out.rowLoss.set(got.rowLoss);
      helperParts = 1;
    }
  }
  // Add the parts in part order into the first: float32 rounding after each add, as on any thread.
  const grad = grads[0]!;
  for (let p = 1; p < grads.length; p++) {
    const g = grads[p]!;
    for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! + g[i]!;
  }
  return { grad, rowLoss, parts: ranges.length, helperParts };
}
