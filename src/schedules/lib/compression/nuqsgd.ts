/**
 * NUQSGD (Ramezani-Kebrya, Faghri, Markov, Aksenov, Alistarh, Roy, JMLR 2021; spec §20.4): QSGD's
 * bucketed, unbiased stochastic rounding of |v_i|/‖v‖₂, but to the exponentially spaced levels
 * {0, 2^−s, …, 1/4, 1/2, 1}, which match the concentration of normalised coordinates near zero.
 *
 * Wire: per bucket one float32 norm, per value a fixed-width code of its 2(s + 1) + 1 = 2s + 3 signed
 * levels, ceil(log2(2s + 3)) bits, rounded up to bytes per tensor; all-gathered like QSGD.
 * Default s = 6: 15 signed levels in 4 bits, the same budget as QSGD's default, so the two compare
 * at equal bytes.
 */
import { bool, errorFeedbackOption, num } from './common.ts';
import { BUCKET_OPTION } from './qsgd.ts';
import { bucketedQuantiser, levelSet } from './stochastic-levels.ts';
import type { Compressor, CompressorEntry, CompressorOptionSpec } from './types.ts';

/** A NUQSGD compressor with exponent depth `levels` s and buckets of `bucket` values. */
export function nuqsgd(levels: number, bucket: number, errorFeedback = false): Compressor {
  if (!(Number.isInteger(levels) && levels >= 1)) throw new RangeError(`NUQSGD levels must be an integer ≥ 1`);
  if (levels > 1000) throw new RangeError(`NUQSGD levels must be at most 1000 (2^-s stays a normal double)`);
  if (!(Number.isInteger(bucket) && bucket >= 1)) throw new RangeError(`NUQSGD bucket must be an integer ≥ 1`);
  return bucketedQuantiser({
    name: 'nuqsgd',
    levels: levelSet('exponential', levels),
    bucket,
    symbols: 2 * levels + 3,
    errorFeedback,
  });
}

/** Registry entry. */
export const NUQSGD = Object.freeze<CompressorEntry>({
  name: 'nuqsgd',
  summary: 'NUQSGD unbiased stochastic quantisation to levels {0, 2^-s, …, 1/2, 1} per bucket; all-gathered',
  reference: 'Ramezani-Kebrya et al., "NUQSGD", JMLR 2021 (spec §20.4)',
  level: 'levels',
  options: Object.freeze<Record<string, CompressorOptionSpec>>({
    levels: {
      type: 'integer',
      description: 'exponent depth s: levels 0, 2^-s … 1/2, 1',
      default: 6,
      min: 1,
      max: 1000,
    },
    bucket: BUCKET_OPTION,
    errorFeedback: errorFeedbackOption(false),
  }),
  create: (o) => nuqsgd(num(o, 'levels'), num(o, 'bucket'), bool(o, 'errorFeedback')),
});
