/**
 * Shared test fixtures for the training engine: seeded random batches and a float64 reference loss
 * of dense stacks, written with plain loops so finite differences do not depend on tfjs at all.
 */
import { Rng } from '../../../src/core/rng.ts';
import type { GradBatch } from '../../../src/training/engine/batch.ts';
import type { Model } from '../../../src/training/models/model.ts';

/** `n` samples with features uniform in [-1, 1) and uniform labels, from `seed`. */
export function randomBatch(model: Model, n: number, seed: number | string): GradBatch {
  const rng = new Rng(seed);
  const x = new Float32Array(n * model.inputSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.int(0, model.numClasses - 1);
  return { x, y, n };
}

/** Parameters uniform in [-scale, scale), so ReLUs are neither all on nor all off. */
export function randomParams(model: Model, seed: number | string, scale = 0.5): Float32Array {
  const rng = new Rng(seed);
  const p = new Float32Array(model.layout.size);
  for (let i = 0; i < p.length; i++) p[i] = rng.uniform(-scale, scale);
  return p;
}

/** Mean softmax cross-entropy of a dense stack (ReLU between layers) in float64. */
export function referenceDenseLoss(widths: readonly number[], params: ArrayLike<number>, batch: GradBatch): number {
  let total = 0;
  for (let s = 0; s < batch.n; s++) {
    let a: number[] = Array.from(batch.x.subarray(s * widths[0]!, (s + 1) * widths[0]!));
    let off = 0;
    for (let l = 0; l + 1 < widths.length; l++) {
      const nin = widths[l]!;
      const nout = widths[l + 1]!;
      const z = new Array<number>(nout).fill(0);
      for (let j = 0; j < nout; j++) {
        let acc = params[off + nin * nout + j]!; // bias follows the [in, out] kernel
        for (let i = 0; i < nin; i++) acc += a[i]! * params[off + i * nout + j]!;
        z[j] = acc;
      }
      off += nin * nout + nout;
      a = l + 2 < widths.length ? z.map((v) => Math.max(0, v)) : z;
    }
    const m = Math.max(...a);
    const lse = m + Math.log(a.reduce((acc, v) => acc + Math.exp(v - m), 0));
    total += lse - a[batch.y[s]!]!;
  }
  return total / batch.n;
}

/** Central finite-difference gradient of `loss` at `params` (float64), step h. */
export function finiteDifferences(params: Float32Array, loss: (p: Float64Array) => number, h = 1e-5): Float64Array {
  const p = Float64Array.from(params);
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    p[i] = v + h;
    const up = loss(p);
    p[i] = v - h;
    const down = loss(p);
    p[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Largest |a_i − b_i| over max(1, |b|∞): absolute for small gradients, relative for large ones. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? d / scale : Infinity;
}
