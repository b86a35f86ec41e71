/**
 * QSGD (Alistarh, Grubic, Li, Tomioka, Vojnovic, NeurIPS 2017; spec §20.3): per bucket of `bucket`
 * values, Q_s(v)_i = ‖v‖₂·sgn(v_i)·ξ_i with ξ_i the stochastic rounding of s·|v_i|/‖v‖₂ to the
 * uniform levels {0, 1/s, …, 1}: unbiased, E‖Q_s(v) − v‖² ≤ min(n/s², √n/s)·‖v‖² per bucket of n.
 *
 * Wire: per bucket one float32 norm, per value a fixed-width code of its 2s + 1 signed levels,
 * ceil(log2(2s + 1)) bits (no Elias coding), rounded up to bytes per tensor. Quantised payloads are
 * not summable in compressed form, so they are all-gathered.
 *
 * Defaults s = 7, bucket 512: the paper's "4-bit QSGD" with bucket size 512 (its ImageNet runs),
 * 2·7 + 1 = 15 signed levels filling 4 bits, 8× fewer bytes than fp32.
 */
import { bool, errorFeedbackOption, num } from './common.ts';
import { bucketedQuantiser, levelSet } from './stochastic-levels.ts';
import type { Compressor, CompressorEntry, CompressorOptionSpec } from './types.ts';

/** QSGD's variance-bound factor min(n/s², √n/s) (spec F18): E‖Q_s(v) − v‖² ≤ factor·‖v‖². */
export function qsgdVarianceBound(n: number, s: number): number {
  return Math.min(n / (s * s), Math.sqrt(n) / s);
}

/** A QSGD compressor with `levels` s and buckets of `bucket` values. */
export function qsgd(levels: number, bucket: number, errorFeedback = false): Compressor {
  if (!(Number.isInteger(levels) && levels >= 1)) throw new RangeError(`QSGD levels must be an integer ≥ 1`);
  if (!(Number.isInteger(bucket) && bucket >= 1)) throw new RangeError(`QSGD bucket must be an integer ≥ 1`);
  return bucketedQuantiser({
    name: 'qsgd',
    levels: levelSet('uniform', levels),
    bucket,
    symbols: 2 * levels + 1,
    errorFeedback,
  });
}

/** The `bucket` option QSGD and NUQSGD share. */
export const BUCKET_OPTION: CompressorOptionSpec = Object.freeze({
  type: 'integer',
  description: 'values per bucket, each bucket with its own float32 norm',
  default: 512,
  min: 1,
});

/** Registry entry. */
export const QSGD = Object.freeze<CompressorEntry>({
  name: 'qsgd',
  summary: 'QSGD unbiased stochastic quantisation to s uniform levels per 512-value bucket; all-gathered',
  reference: 'Alistarh et al., "QSGD", NeurIPS 2017 (spec §20.3)',
  level: 'levels',
  options: Object.freeze<Record<string, CompressorOptionSpec>>({
    levels: { type: 'integer', description: 'quantisation levels s (2s + 1 signed codes)', default: 7, min: 1 },
    bucket: BUCKET_OPTION,
    errorFeedback: errorFeedbackOption(false),
  }),
  create: (o) => qsgd(num(o, 'levels'), num(o, 'bucket'), bool(o, 'errorFeedback')),
});
