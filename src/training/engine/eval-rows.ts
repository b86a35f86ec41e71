/**
 * Evaluation rows cut between this thread and the gradient helper thread: every op of an evaluation
 * is row-wise and the sums are taken afterwards in sample order (training/evaluate.ts), so the result
 * has the same bytes whichever thread computed a row. A piece the helper has not started when it is
 * read is taken back and computed here.
 */
import type { Model } from '../models/model.ts';
import { tfjs } from '../tensor-backend.ts';
import { denseEvalRows, type EvalRowsOutput, type PartModel } from './dense-part.ts';
import type { RowRange } from './dense-backprop.ts';
import type { GradThreadPool } from './thread-pool.ts';
import { uploadWeights } from './weight-tensors.ts';

/** Per-row results of an evaluation, in sample order (see training/evaluate.ts). */
export interface EvalRows extends EvalRowsOutput {
  /** Row parts a helper thread computed. */
  readonly helperParts: number;
}

/** Evaluations of at least this many rows are cut between this thread and the helper. */
export const EVAL_SPLIT_MIN_ROWS = 256;

/**
 * Per-row test results of `params` on the first `n` rows of `x`, `y`, in pieces of at most `chunk`
 * rows, half of them posted to `pool` when it accepts work and there are at least
 * `EVAL_SPLIT_MIN_ROWS` rows.
 */
export function evaluateRowsSplit(
  model: Model,
  part: PartModel,
  pool: GradThreadPool | null,
  params: Float32Array,
  x: Float32Array,
  y: Int32Array,
  n: number,
  chunk: number,
): EvalRows {
  const picked = new Float32Array(n);
  const pred = new Int32Array(n);
  const finite = new Int32Array(n);
  const d = model.inputSize;
  // Pieces of at most `chunk` rows (bounded memory), an even number of them when the helper takes half.
  const split = pool !== null && pool.accepting && n >= EVAL_SPLIT_MIN_ROWS;
  const count = Math.max(1, Math.ceil(n / chunk)) * (split ? 2 : 1);
  const pieces: RowRange[] = [];
  for (let p = 0, start = 0; p < count; p++) {
    const len = Math.floor(n / count) + (p < n % count ? 1 : 0);
    pieces.push({ start, end: start + len });
    start += len;
  }
  const tickets = pieces.map((r, p) =>
    split && p >= count / 2 ? pool.postEval(part, params, x, y, r.start, r.end - r.start) : null,
  );
  const tf = tfjs();
  let helperParts = 0;
  tf.tidy(() => {
    const weights = uploadWeights(model.layout, params);
    const here = (r: RowRange): void => {
      const m = r.end - r.start;
      denseEvalRows(part, weights, x.subarray(r.start * d, r.end * d), y.subarray(r.start, r.end), m, {
        picked: picked.subarray(r.start, r.end),
        pred: pred.subarray(r.start, r.end),
        finite: finite.subarray(r.start, r.end),
      });
    };
    pieces.forEach((r, p) => {
      if (tickets[p] === null) here(r);
    });
    // The helper's pieces, last first, so that a piece it has not started is computed here.
    for (let p = count - 1; p >= 0; p--) {
      const t = tickets[p];
      if (t === null || t === undefined) continue;
      const r = pieces[p]!;
      if (pool!.reclaim(t) || !pool!.wait(t)) {
        pool!.release(t);
        here(r);
        continue;
      }
      const got = pool!.evalOutputs(t);
      if (got === null) here(r);
      else {
        picked.set(got.picked, r.start);
        pred.set(got.pred, r.start);
        finite.set(got.finite, r.start);
        helperParts++;
      }
      pool!.release(t);
    }
  });
  return { picked, pred, finite, helperParts };
}
