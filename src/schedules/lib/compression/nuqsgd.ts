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
import { bool, errorFeedbackOption, num, rankOrderMean } from './common.ts';
import { BUCKET_OPTION } from './qsgd.ts';
import { bucketedBytes, levelSet, quantiseBuckets } from './stochastic-levels.ts';
import type { Compressor, CompressorEntry, CompressorOptionSpec, TensorInput, TensorOutput } from './types.ts';

/** A NUQSGD compressor with exponent depth `levels` s and buckets of `bucket` values. */
export function nuqsgd(levels: number, bucket: number, errorFeedback = false): Compressor {
  if (!(Number.isInteger(levels) && levels >= 1)) throw new RangeError(`NUQSGD levels must be an integer ≥ 1`);
  if (levels > 1000) throw new RangeError(`NUQSGD levels must be at most 1000 (2^-s stays a normal double)`);
  if (!(Number.isInteger(bucket) && bucket >= 1)) throw new RangeError(`NUQSGD bucket must be an integer ≥ 1`);
  const set = levelSet('exponential', levels);
  return {
    name: 'nuqsgd',
    label: `nuqsgd s=${levels}`,
    collective: 'all-gather',
    rounds: 1,
    errorFeedback,
    extraStateSlots: 0,
    wireBytes: (rows, cols, valueBytes) => {
      void valueBytes; // codes and float32 norms whatever the training precision
      return bucketedBytes(rows * cols, bucket, 2 * levels + 3);
    },
    compress(t: TensorInput): TensorOutput {
      const n = t.rows * t.cols;
      const decoded = t.inputs.map((x) => {
        const out = new Float32Array(n);
        quantiseBuckets(x, out, bucket, set, t.rng);
        return out;
      });
      return { mean: rankOrderMean(decoded, n), decoded };
    },
  };
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
