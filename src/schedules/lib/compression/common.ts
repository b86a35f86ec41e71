/**
 * Small pieces every compressor shares: the rank-order mean of decoded messages (float64 sums, one
 * rounding to float32, as PARAM_MATH.mean), the `errorFeedback` option, and the bit count of a
 * signed quantisation alphabet.
 */
import type { CompressorOptionSpec } from './types.ts';

/**
 * Element-wise mean of `xs` (each `n` values) in rank order with float64 sums, stored as float32:
 * the same arithmetic as PARAM_MATH.mean, so a lossless compressor gives bit-identical means.
 */
export function rankOrderMean(xs: readonly Float32Array[], n: number): Float32Array {
  const out = new Float32Array(n);
  const k = xs.length;
  if (k === 1) {
    out.set(xs[0]!.subarray(0, n));
    return out;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < k; r++) s += xs[r]![i]!;
    out[i] = s / k;
  }
  return out;
}

/** The `errorFeedback` option with a compressor's own default. */
export function errorFeedbackOption(def: boolean): CompressorOptionSpec {
  return {
    type: 'boolean',
    description: 'keep each worker’s residual (input − decoded) and add it to the next step’s gradient',
    default: def,
  };
}

/** The `ratio` option (k/P per tensor) of the sparsifiers. */
export function ratioOption(def: number): CompressorOptionSpec {
  return {
    type: 'number',
    description: 'fraction of each tensor’s values sent, k/n; k = max(1, ceil(ratio·n))',
    default: def,
    greaterThan: 0,
    max: 1,
  };
}

/** Values kept of a tensor of `n` values at keep-fraction `ratio`: max(1, ceil(ratio·n)), at most n. */
export function keptCount(n: number, ratio: number): number {
  if (n <= 0) return 0;
  const x = ratio * n;
  // 0.1·30 is 3.0000000000000004 in binary: a product within rounding of an integer is that integer.
  const near = Math.round(x);
  const k = Math.abs(x - near) <= 1e-9 * Math.max(1, x) ? near : Math.ceil(x);
  return Math.min(n, Math.max(1, k));
}

/** Bits of one value drawn from `symbols` distinct codes, fixed-width (no entropy coding). */
export function bitsFor(symbols: number): number {
  return Math.max(1, Math.ceil(Math.log2(symbols)));
}

/** Reads a numeric option that the scenario layer has validated and filled. */
export function num(options: Readonly<Record<string, number | boolean>>, key: string): number {
  const v = options[key];
  if (typeof v !== 'number') throw new TypeError(`compressor option ${key} must be a number, got ${String(v)}`);
  return v;
}

/** Reads a boolean option that the scenario layer has validated and filled. */
export function bool(options: Readonly<Record<string, number | boolean>>, key: string): boolean {
  const v = options[key];
  if (typeof v !== 'boolean') throw new TypeError(`compressor option ${key} must be a boolean, got ${String(v)}`);
  return v;
}
