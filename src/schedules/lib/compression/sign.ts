/**
 * EF-signSGD (Karimireddy, Rebjock, Stich, Jaggi, ICML 2019, "Error Feedback Fixes SignSGD"): each
 * worker sends the signs of its error-corrected gradient acc and one scale, ‖acc‖₁/n per tensor, so
 * its message decodes to (‖acc‖₁/n)·sign(acc); the driver's residual carries what the signs lose.
 * sign(0) is sent as +1 (one bit has no zero). Signs of different workers cannot be summed in one
 * bit, so the payloads are all-gathered. Wire: one bit per value, packed and rounded up to bytes per
 * tensor, plus one float32 scale.
 */
import { bool, errorFeedbackOption, rankOrderMean } from './common.ts';
import type { Compressor, CompressorEntry, CompressorOptionSpec, TensorInput, TensorOutput } from './types.ts';

/** An EF-signSGD compressor (scaled sign per tensor). */
export function signCompressor(errorFeedback = true): Compressor {
  return {
    name: 'sign',
    label: errorFeedback ? 'ef-sign' : 'sign',
    collective: 'all-gather',
    rounds: 1,
    errorFeedback,
    extraStateSlots: 0,
    wireBytes: (rows, cols, valueBytes) => {
      void valueBytes; // bits and one float32 scale whatever the training precision
      const n = rows * cols;
      return n <= 0 ? 0 : Math.ceil(n / 8) + 4;
    },
    compress(t: TensorInput): TensorOutput {
      const n = t.rows * t.cols;
      const decoded = t.inputs.map((x) => {
        let l1 = 0;
        for (let i = 0; i < n; i++) l1 += Math.abs(x[i]!);
        const scale = Math.fround(l1 / n);
        const out = new Float32Array(n);
        // A non-finite input keeps its value so divergence stays visible.
        for (let i = 0; i < n; i++) out[i] = x[i]! === x[i]! ? (x[i]! < 0 ? -scale : scale) : x[i]!;
        return out;
      });
      return { mean: rankOrderMean(decoded, n), decoded };
    },
  };
}

/** Registry entry. */
export const SIGN = Object.freeze<CompressorEntry>({
  name: 'sign',
  summary: 'scaled sign (1 bit per value + one scale per tensor) with error feedback; all-gathered',
  reference: 'Karimireddy, Rebjock, Stich, Jaggi, "Error Feedback Fixes SignSGD", ICML 2019',
  options: Object.freeze<Record<string, CompressorOptionSpec>>({ errorFeedback: errorFeedbackOption(true) }),
  create: (o) => signCompressor(bool(o, 'errorFeedback')),
});
