/** Test-set evaluation of a flat parameter vector: mean loss and accuracy, in fixed-size chunks. */
import { tfjs } from './tensor-backend.ts';
import type { Model } from './models/model.ts';
import type { GradientEngine } from './engine/gradient-engine.ts';
import { uploadWeights } from './engine/weight-tensors.ts';

/** Samples to evaluate: `x` is n × d row-major, `y` the labels. Datasets fit this shape. */
export interface EvalSet {
  /** Features, n·d values. */
  readonly x: Float32Array;
  /** Labels in [0, numClasses). */
  readonly y: Int32Array;
  /** Number of samples. */
  readonly n: number;
}

/** Evaluation result. */
export interface EvalResult {
  /** Mean softmax cross-entropy over the set. */
  readonly loss: number;
  /**
   * Fraction of samples whose largest logit is the label (ties go to the lower class index). NaN when
   * some sample's logits are not all finite: the arg-max of NaN logits is no prediction, and counting
   * it (as class 0) would report a diverged model as about 1/classes accurate.
   */
  readonly accuracy: number;
  /** Samples evaluated. */
  readonly samples: number;
  /**
   * Distinct classes predicted over the samples with finite logits (0 when there are none). 1 means the
   * model has collapsed to a constant prediction, which shows as an accuracy equal to one class's share.
   */
  readonly predictedClasses: number;
}

/**
 * Evaluates `params` on `set`, `chunk` samples per forward pass (bounded memory; the sums are taken
 * in sample order in float64, so the result does not depend on the chunk size beyond float32 logits).
 * @throws RangeError if params do not fit the model, the set is empty or too short, or chunk < 1.
 */
export function evaluate(model: Model, params: Float32Array, set: EvalSet, chunk = 2000): EvalResult {
  const d = model.inputSize;
  checkEval(model, params, set, chunk);
  const tf = tfjs();
  let lossSum = 0;
  let correct = 0;
  let nonFinite = 0;
  const predicted = new Uint8Array(model.numClasses);
  tf.tidy(() => {
    const weights = uploadWeights(model.layout, params);
    for (let start = 0; start < set.n; start += chunk) {
      const m = Math.min(chunk, set.n - start);
      tf.tidy(() => {
        const logits = model.logits(weights, tf.tensor2d(set.x.subarray(start * d, (start + m) * d), [m, d]));
        const labels = set.y.subarray(start, start + m);
        const logp = tf.logSoftmax(logits);
        const picked = tf
          .sum(tf.mul(logp, tf.oneHot(tf.tensor1d(labels, 'int32'), model.numClasses).toFloat()), 1)
          .dataSync();
        const pred = tf.argMax(logits, 1).dataSync();
        // One bool per sample: a cheap m×classes reduction next to the forward pass.
        const finite = tf.all(tf.isFinite(logits), 1).dataSync();
        for (let i = 0; i < m; i++) {
          lossSum -= picked[i]!;
          if (finite[i] === 0) {
            nonFinite++;
            continue;
          }
          predicted[pred[i]!] = 1;
          if (pred[i] === labels[i]) correct++;
        }
      });
    }
  });
  return result(set.n, lossSum, correct, nonFinite, predicted);
}

/**
 * `evaluate` through a gradient engine: for a dense model the per-row work is cut between the main
 * thread and the engine's helper thread when it is ready (`GradientEngine.evaluateRows`), and the
 * sums are then taken in sample order exactly as `evaluate` takes them. Every op is row-wise, so the
 * result has the same bytes as `evaluate`'s (tested). Other models use `evaluate`.
 * @throws RangeError as `evaluate`.
 */
export function evaluateOn(engine: GradientEngine, params: Float32Array, set: EvalSet, chunk = 2000): EvalResult {
  const model = engine.model;
  if (model.dense === null) return evaluate(model, params, set, chunk);
  checkEval(model, params, set, chunk);
  const rows = engine.evaluateRows(params, set.x, set.y, set.n, chunk);
  let lossSum = 0;
  let correct = 0;
  let nonFinite = 0;
  const predicted = new Uint8Array(model.numClasses);
  for (let i = 0; i < set.n; i++) {
    lossSum -= rows.picked[i]!;
    if (rows.finite[i] === 0) {
      nonFinite++;
      continue;
    }
    predicted[rows.pred[i]!] = 1;
    if (rows.pred[i] === set.y[i]) correct++;
  }
  return result(set.n, lossSum, correct, nonFinite, predicted);
}

function checkEval(model: Model, params: Float32Array, set: EvalSet, chunk: number): void {
  const d = model.inputSize;
  if (params.length !== model.layout.size)
    throw new RangeError(`params have ${params.length} values, ${model.name} needs ${model.layout.size}`);
  if (!Number.isInteger(set.n) || set.n <= 0 || set.x.length < set.n * d || set.y.length < set.n) {
    throw new RangeError(`evaluation set needs n > 0 samples of ${d} features and n labels`);
  }
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a positive integer, got ${chunk}`);
}

function result(n: number, lossSum: number, correct: number, nonFinite: number, predicted: Uint8Array): EvalResult {
  let predictedClasses = 0;
  for (const p of predicted) predictedClasses += p;
  return {
    loss: lossSum / n,
    accuracy: nonFinite > 0 ? Number.NaN : correct / n,
    samples: n,
    predictedClasses,
  };
}
