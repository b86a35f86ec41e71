/**
 * The deterministic element-wise vector math of the `Trainer` contract (`ParamMath` in trainer.ts):
 * loops run in index order, each element is computed in float64 from float32 operands and rounded to
 * float32 once, on store, and multi-operand sums add the operands in the order given (rank order).
 * So a result depends only on its inputs and their order, never on how a schedule batches its calls.
 *
 * A length-0 result is the shared `EMPTY_VEC`: nothing can be written into a length-0 array, so
 * sharing it is safe, and timing-only runs (every vector empty) then allocate nothing here.
 */
import { EMPTY_VEC, type ParamMath, type Vec } from './trainer.ts';

/** @throws RangeError when `b`'s length differs from `a`'s. */
function sameLength(op: string, a: Vec, b: Vec): void {
  if (a.length !== b.length) throw new RangeError(`${op}: vectors of ${a.length} and ${b.length} values`);
}

/**
 * The common length of a non-empty list of vectors.
 * @throws RangeError on an empty list or differing lengths.
 */
function listLength(op: string, xs: readonly Vec[]): number {
  if (xs.length === 0) throw new RangeError(`${op}: needs at least one vector`);
  const n = xs[0]!.length;
  for (let r = 1; r < xs.length; r++) {
    if (xs[r]!.length !== n) throw new RangeError(`${op}: vector ${r} has ${xs[r]!.length} values, vector 0 has ${n}`);
  }
  return n;
}

/**
 * Checks mean weights and says whether they are all equal (then the mean is the unweighted one).
 * @throws RangeError on a wrong count, a negative or non-finite weight, or a sum that is not > 0.
 */
function checkWeights(weights: readonly number[], k: number): boolean {
  if (weights.length !== k) throw new RangeError(`mean: ${weights.length} weights for ${k} vectors`);
  let total = 0;
  let equal = true;
  for (let r = 0; r < k; r++) {
    const w = weights[r]!;
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`mean: weight ${r} must be finite and >= 0, got ${w}`);
    total += w;
    if (w !== weights[0]) equal = false;
  }
  if (!(total > 0) || !Number.isFinite(total)) {
    throw new RangeError(`mean: weights must sum to a finite value > 0, got ${total}`);
  }
  return equal;
}

/** Σ xs / k per element: the float64 sum over r in order, then one division (the old `average` loop). */
function uniformMean(xs: readonly Vec[], n: number): Vec {
  const out = new Float32Array(n);
  const k = xs.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < k; r++) s += xs[r]![i]!;
    out[i] = s / k;
  }
  return out;
}

/** Σ wᵣxᵣ / Σ wᵣ per element, both sums in float64 over r in order. */
function weightedMean(xs: readonly Vec[], weights: readonly number[], n: number): Vec {
  const out = new Float32Array(n);
  const k = xs.length;
  let total = 0;
  for (let r = 0; r < k; r++) total += weights[r]!;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < k; r++) s += weights[r]! * xs[r]![i]!;
    out[i] = s / total;
  }
  return out;
}

/** The shared `ParamMath` of both trainers (it keeps no state). */
export const PARAM_MATH: ParamMath = Object.freeze({
  sub(a: Vec, b: Vec): Vec {
    sameLength('sub', a, b);
    const n = a.length;
    if (n === 0) return EMPTY_VEC;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
    return out;
  },

  axpy(a: number, x: Vec, y: Vec): Vec {
    sameLength('axpy', x, y);
    const n = x.length;
    if (n === 0) return EMPTY_VEC;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = a * x[i]! + y[i]!;
    return out;
  },

  scale(a: number, x: Vec): Vec {
    const n = x.length;
    if (n === 0) return EMPTY_VEC;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = a * x[i]!;
    return out;
  },

  mul(a: Vec, b: Vec): Vec {
    sameLength('mul', a, b);
    const n = a.length;
    if (n === 0) return EMPTY_VEC;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
    return out;
  },

  sum(xs: readonly Vec[]): Vec {
    const n = listLength('sum', xs);
    if (n === 0) return EMPTY_VEC;
    const out = new Float32Array(n);
    const k = xs.length;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += xs[r]![i]!;
      out[i] = s;
    }
    return out;
  },

  mean(xs: readonly Vec[], weights?: readonly number[]): Vec {
    const n = listLength('mean', xs);
    // Equal weights take the unweighted path: c·x sums are not bit-equal to plain sums, and a
    // schedule passing equal weights (equal shard sizes) must get exactly the plain average.
    const uniform = weights === undefined || checkWeights(weights, xs.length);
    if (n === 0) return EMPTY_VEC;
    return uniform ? uniformMean(xs, n) : weightedMean(xs, weights!, n);
  },
});
