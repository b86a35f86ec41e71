/**
 * Random-k sparsification (Stich, Cordonnier, Jaggi, NeurIPS 2018, "rand-k" with memory; Wangni et
 * al. 2018 for the unbiased n/k scaling). Every worker keeps the values at the SAME k random indices,
 * drawn from the step's shared seed (TensorInput.rng), so no index goes on the wire (each worker
 * regenerates the support from the seed) and the k-value payloads are summable: one all-reduce of
 * k values.
 *
 * `scale`: multiply the kept values by n/k, which makes the estimate unbiased (each index is kept
 * with probability k/n) at the price of variance (n/k − 1)·x² per value. Default false, because the
 * default keeps error feedback: with memory the residual already returns the dropped mass later,
 * and scaling would make the residual on the support −(n/k − 1)·x, which grows instead of shrinking
 * (Stich et al. analyse the unscaled operator with memory). Use `scale: true` with
 * `errorFeedback: false`.
 */
import { bool, errorFeedbackOption, keptCount, num, rankOrderMean, ratioOption } from './common.ts';
import { formatRatio } from './top-k.ts';
import type { Compressor, CompressorEntry, CompressorOptionSpec, TensorInput, TensorOutput } from './types.ts';
import type { Rng } from '../../../core/rng.ts';

/**
 * k distinct indices of 0..n−1, uniformly at random (Floyd's algorithm: k draws, no n-sized
 * shuffle), in increasing order.
 */
export function randomSupport(n: number, k: number, rng: Rng): Int32Array {
  const mark = new Uint8Array(n);
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(rng.next() * (j + 1));
    if (mark[t] === 1) mark[j] = 1;
    else mark[t] = 1;
  }
  const out = new Int32Array(k);
  let m = 0;
  for (let i = 0; i < n; i++) if (mark[i] === 1) out[m++] = i;
  return out;
}

/** A random-k compressor keeping `ratio` of every tensor's values on a support shared by all workers. */
export function randomK(ratio: number, scale = false, errorFeedback = true): Compressor {
  if (!(ratio > 0 && ratio <= 1)) throw new RangeError(`random-k ratio must be in (0, 1], got ${ratio}`);
  return {
    name: 'random-k',
    label: `random-k ${formatRatio(ratio)}${scale ? ' scaled' : ''}`,
    collective: 'all-reduce',
    rounds: 1,
    errorFeedback,
    extraStateSlots: 0,
    wireBytes: (rows, cols, valueBytes) => keptCount(rows * cols, ratio) * valueBytes,
    compress(t: TensorInput): TensorOutput {
      const n = t.rows * t.cols;
      const k = keptCount(n, ratio);
      const idx = randomSupport(n, k, t.rng);
      const f = scale ? n / k : 1;
      const decoded = t.inputs.map((x) => {
        const out = new Float32Array(n);
        for (let j = 0; j < k; j++) out[idx[j]!] = f * x[idx[j]!]!;
        return out;
      });
      return { mean: rankOrderMean(decoded, n), decoded };
    },
  };
}

/** Registry entry. */
export const RANDOM_K = Object.freeze<CompressorEntry>({
  name: 'random-k',
  summary: 'random-k sparsification on a support shared through the seed; k values all-reduced',
  reference: 'Stich, Cordonnier, Jaggi, "Sparsified SGD with Memory", NeurIPS 2018 (rand-k)',
  level: 'ratio',
  options: Object.freeze<Record<string, CompressorOptionSpec>>({
    ratio: ratioOption(0.01),
    scale: {
      type: 'boolean',
      description: 'multiply kept values by n/k (unbiased; use with errorFeedback false)',
      default: false,
    },
    errorFeedback: errorFeedbackOption(true),
  }),
  create: (o) => randomK(num(o, 'ratio'), bool(o, 'scale'), bool(o, 'errorFeedback')),
});
