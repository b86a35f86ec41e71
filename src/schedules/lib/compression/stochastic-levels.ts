/**
 * The bucketed stochastic quantiser QSGD and NUQSGD share: a vector is cut into buckets; a bucket is
 * sent as its float32 L2 norm and, per value, a sign and the index of a level ℓ of |x|/‖bucket‖ in
 * [0, 1]. A value between two adjacent levels a < b goes to b with probability (r − a)/(b − a) and
 * to a otherwise, so its expectation is r: the quantiser is unbiased.
 */
import { bitsFor, rankOrderMean } from './common.ts';
import type { Rng } from '../../../core/rng.ts';
import type { Compressor, TensorInput, TensorOutput } from './types.ts';

/**
 * The level sets: `uniform` {0, 1/s, …, 1} (QSGD) or `exponential` {0, 2^−s, …, 1/2, 1} (NUQSGD).
 * A tag rather than a callback, so the per-value loop stays monomorphic; make one with `levelSet`.
 */
export interface LevelSet {
  readonly kind: 'uniform' | 'exponential';
  readonly s: number;
  /** 2^−s: the smallest non-zero exponential level. */
  readonly smallest: number;
}

/** A level set with its constants precomputed. */
export function levelSet(kind: LevelSet['kind'], s: number): LevelSet {
  return { kind, s, smallest: 2 ** -s };
}

// A double's two 32-bit words; clearing the mantissa of a positive normal r leaves 2^⌊log2 r⌋ exactly.
const f64 = new Float64Array(1);
const words = new Uint32Array(f64.buffer);
const HI = new Uint16Array(Uint32Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** The largest level ≤ r of `levels`, for r in [0, 1]. */
export function levelBelow(levels: LevelSet, r: number): number {
  const s = levels.s;
  if (levels.kind === 'uniform') return Math.min(s, Math.floor(s * r)) / s;
  if (r >= 1) return 1;
  if (r < levels.smallest) return 0;
  f64[0] = r;
  words[1 - HI] = 0;
  words[HI] = words[HI]! & 0xfff00000;
  return f64[0];
}

/** The smallest level above `below` (1 at the top). */
export function levelAbove(levels: LevelSet, below: number): number {
  if (below >= 1) return 1;
  if (levels.kind === 'uniform') return Math.min(1, below + 1 / levels.s);
  return below === 0 ? levels.smallest : 2 * below;
}

/**
 * Writes into `out` the stochastic quantisation of `x` (same length) with buckets of `bucket`
 * values, one uniform draw of `rng` per value in index order.
 */
export function quantiseBuckets(x: Float32Array, out: Float32Array, bucket: number, levels: LevelSet, rng: Rng): void {
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
      const a = levelBelow(levels, r);
      const b = levelAbove(levels, a);
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

/**
 * A bucketed stochastic quantiser (QSGD's and NUQSGD's shared shape): each worker's tensor rounded per
 * bucket to `levels`' set, `symbols` signed codes per value and one float32 norm per bucket on the wire,
 * all-gathered (quantised payloads are not summable in compressed form).
 */
export function bucketedQuantiser(o: {
  readonly name: string;
  readonly levels: LevelSet;
  readonly bucket: number;
  readonly symbols: number;
  readonly errorFeedback: boolean;
}): Compressor {
  const { levels, bucket, symbols } = o;
  return {
    name: o.name,
    label: `${o.name} s=${levels.s}`,
    collective: 'all-gather',
    rounds: 1,
    errorFeedback: o.errorFeedback,
    extraStateSlots: 0,
    wireBytes: (rows, cols, valueBytes) => {
      void valueBytes; // the payload is codes and float32 norms whatever the training precision
      return bucketedBytes(rows * cols, bucket, symbols);
    },
    compress(t: TensorInput): TensorOutput {
      const n = t.rows * t.cols;
      const decoded = t.inputs.map((x) => {
        const out = new Float32Array(n);
        quantiseBuckets(x, out, bucket, levels, t.rng);
        return out;
      });
      return { mean: rankOrderMean(decoded, n), decoded };
    },
  };
}
