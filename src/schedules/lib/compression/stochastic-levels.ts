/**
 * The bucketed stochastic quantiser QSGD and NUQSGD share: a vector is cut into buckets; a bucket is
 * sent as its float32 L2 norm and, per value, a sign and the index of a level ℓ of |x|/‖bucket‖ in
 * [0, 1]. A value between two adjacent levels a < b goes to b with probability (r − a)/(b − a) and
 * to a otherwise, so its expectation is r: the quantiser is unbiased.
 */
import { bitsFor } from './common.ts';
import type { Rng } from '../../../core/rng.ts';

/** Where |x|/‖bucket‖ = r lies: the adjacent levels `lower ≤ r ≤ upper`. Writes into `out`. */
export type LevelBracket = (r: number, out: Float64Array) => void;

/**
 * Writes into `out` the stochastic quantisation of `x` (same length) with buckets of `bucket`
 * values, one uniform draw of `rng` per value in index order.
 */
export function quantiseBuckets(
  x: Float32Array,
  out: Float32Array,
  bucket: number,
  bracket: LevelBracket,
  rng: Rng,
): void {
  const ab = new Float64Array(2);
  for (let lo = 0; lo < x.length; lo += bucket) {
    const hi = Math.min(x.length, lo + bucket);
    let ss = 0;
    for (let i = lo; i < hi; i++) ss += x[i]! * x[i]!;
    // The norm travels as float32, so the decoder scales by the float32 value.
    const norm = Math.fround(Math.sqrt(ss));
    if (!(norm > 0) || !Number.isFinite(norm)) {
      // An all-zero bucket is all zeros; a non-finite one passes through so divergence stays visible.
      for (let i = lo; i < hi; i++) out[i] = norm === 0 ? 0 : x[i]!;
      continue;
    }
    for (let i = lo; i < hi; i++) {
      const v = x[i]!;
      const r = Math.min(1, Math.abs(v) / norm);
      bracket(r, ab);
      const a = ab[0]!;
      const b = ab[1]!;
      const u = rng.next();
      const level = b > a && u < (r - a) / (b - a) ? b : a;
      out[i] = (v < 0 ? -norm : norm) * level;
    }
  }
}

/**
 * Wire bytes of a bucketed quantisation of `n` values: one float32 norm per bucket and a fixed-width
 * code of `symbols` signed symbols per value, packed and rounded up to whole bytes per tensor (no
 * Elias coding).
 */
export function bucketedBytes(n: number, bucket: number, symbols: number): number {
  if (n <= 0) return 0;
  return 4 * Math.ceil(n / bucket) + Math.ceil((n * bitsFor(symbols)) / 8);
}
