/**
 * BAGUA's ByteGrad (Gan et al., VLDB 2022; spec §22): gradients are all-reduced as 8-bit min-max
 * quantised chunks (`MinMaxUInt8`, minmax-u8.ts): one byte per value plus a float32 min and max per
 * chunk.
 *
 * Simplification, stated: BAGUA's reduce-scatter decompresses, sums and re-quantises at each hop, so
 * the real aggregate carries one rounding per hop. Here each worker's message is quantised ONCE and
 * the decoded messages are averaged exactly; the wire is an all-reduce of minmaxU8Bytes(n) per
 * worker. The per-hop re-quantisation error is not modelled in the values.
 */
import { bool, errorFeedbackOption, rankOrderMean } from './common.ts';
import { minmaxU8Bytes, minmaxU8RoundTrip } from './minmax-u8.ts';
import type { Compressor, CompressorEntry, CompressorOptionSpec, TensorInput, TensorOutput } from './types.ts';

/** A ByteGrad compressor (no error feedback by default, as in BAGUA). */
export function byteGrad(errorFeedback = false): Compressor {
  return {
    name: 'bytegrad',
    label: 'bytegrad u8',
    collective: 'all-reduce',
    rounds: 1,
    errorFeedback,
    extraStateSlots: 0,
    wireBytes: (rows, cols, valueBytes) => {
      void valueBytes; // bytes and float32 scales whatever the training precision
      return minmaxU8Bytes(rows * cols);
    },
    compress(t: TensorInput): TensorOutput {
      const decoded = t.inputs.map((x) => minmaxU8RoundTrip(x));
      return { mean: rankOrderMean(decoded, t.rows * t.cols), decoded };
    },
  };
}

/** Registry entry. */
export const BYTEGRAD = Object.freeze<CompressorEntry>({
  name: 'bytegrad',
  summary: 'BAGUA ByteGrad: 8-bit min-max quantised gradient all-reduce (one quantisation per worker)',
  reference: 'Gan et al., "BAGUA", VLDB 2022, ByteGradAlgorithm (spec §22)',
  options: Object.freeze<Record<string, CompressorOptionSpec>>({ errorFeedback: errorFeedbackOption(false) }),
  create: (o) => byteGrad(bool(o, 'errorFeedback')),
});
