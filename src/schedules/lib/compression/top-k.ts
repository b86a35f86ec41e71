/**
 * Top-k sparsification (spec §20.1; Stich, Cordonnier, Jaggi, NeurIPS 2018 "Sparsified SGD with
 * Memory"; Aji & Heafield 2017): each worker sends the k largest-magnitude values of its
 * error-corrected gradient with their indices. Supports differ between workers, so the payloads are
 * all-gathered as (int32 index, value) pairs and every worker sums the N sparse vectors.
 */
import { bool, errorFeedbackOption, keptCount, num, rankOrderMean, ratioOption } from './common.ts';
import { topKIndices } from './select.ts';
import type { Compressor, CompressorEntry, CompressorOptionSpec, TensorInput, TensorOutput } from './types.ts';

/** Bytes of one index on the wire: int32, as in DGC and Horovod's sparse all-gather. */
export const INDEX_BYTES = 4;

/** A top-k compressor keeping `ratio` of every tensor's values. */
export function topK(ratio: number, errorFeedback = true): Compressor {
  if (!(ratio > 0 && ratio <= 1)) throw new RangeError(`top-k ratio must be in (0, 1], got ${ratio}`);
  return {
    name: 'top-k',
    label: `top-k ${formatRatio(ratio)}`,
    collective: 'all-gather',
    rounds: 1,
    errorFeedback,
    extraStateSlots: 0,
    wireBytes: (rows, cols, valueBytes) => keptCount(rows * cols, ratio) * (INDEX_BYTES + valueBytes),
    compress(t: TensorInput): TensorOutput {
      const n = t.rows * t.cols;
      const k = keptCount(n, ratio);
      const decoded = t.inputs.map((x) => {
        const out = new Float32Array(n);
        const idx = topKIndices(x, k);
        for (let j = 0; j < idx.length; j++) out[idx[j]!] = x[idx[j]!]!;
        return out;
      });
      return { mean: rankOrderMean(decoded, n), decoded };
    },
  };
}

/** `0.01` → `1%`, `0.001` → `0.1%` (for labels). */
export function formatRatio(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))}%`;
}

/** Registry entry. */
export const TOP_K = Object.freeze<CompressorEntry>({
  name: 'top-k',
  summary: 'top-k sparsification with error feedback; (int32 index, value) pairs all-gathered',
  reference: 'Stich, Cordonnier, Jaggi, "Sparsified SGD with Memory", NeurIPS 2018 (spec §20.1)',
  level: 'ratio',
  options: Object.freeze<Record<string, CompressorOptionSpec>>({
    ratio: ratioOption(0.01),
    errorFeedback: errorFeedbackOption(true),
  }),
  create: (o) => topK(num(o, 'ratio'), bool(o, 'errorFeedback')),
});
