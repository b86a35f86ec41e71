/**
 * A sparse synthetic classification set for Hogwild! (spec §5): every sample has exactly `k` non-zero
 * features out of `d`, so a linear model's per-sample gradient touches only those `k` rows of its
 * weights (plus the bias). Stored dense (row-major float32, zeros included) like every dataset here,
 * so any model and the gradient engine take it as is; the sparsity shows in the gradients, whose
 * support is exactly the batch's non-zero features.
 *
 * Generation, all from the seed: a planted classifier w* ~ N(0, I_d); labels i mod 2 in seeded random
 * order (balanced, so the class counts are known from the options alone); sample i's k positions drawn
 * uniformly without replacement, values N(0, 1), then the whole sample's sign is chosen so that
 * sign(x·w*) equals its label, except with probability `labelNoise`, when it is chosen the other way.
 */
import type { Rng } from '../../core/rng.ts';
import { validateDataset, type ClassificationDataset, type DatasetSplit } from './dataset.ts';
import { splitTrainTest } from './split.ts';

/** Options of `makeSparseSynthetic`. */
export interface SparseSyntheticOptions {
  /** Total samples before the split. */
  readonly n: number;
  /** Features. */
  readonly d: number;
  /** Non-zero features per sample, 1 ≤ k ≤ d. */
  readonly k: number;
  /** Probability that a sample lies on the wrong side of the planted classifier, in [0, 0.5]. */
  readonly labelNoise: number;
  /** Held-out fraction, stratified by class. */
  readonly testFraction: number;
}

/**
 * The sparse set (see the file header).
 * @throws RangeError on k outside [1, d] or labelNoise outside [0, 0.5].
 */
export function makeSparseSynthetic(o: SparseSyntheticOptions, rng: Rng): DatasetSplit<ClassificationDataset> {
  const { n, d, k, labelNoise } = o;
  if (!Number.isInteger(k) || k < 1 || k > d) throw new RangeError(`k must be an integer in [1, ${d}], got ${k}`);
  if (!(labelNoise >= 0 && labelNoise <= 0.5))
    throw new RangeError(`labelNoise must be in [0, 0.5], got ${labelNoise}`);
  const wr = rng.fork('planted');
  const w = new Float64Array(d);
  for (let j = 0; j < d; j++) w[j] = wr.normal();
  const y = Int32Array.from(rng.fork('labels').shuffle(Array.from({ length: n }, (_, i) => i % 2)));
  const x = new Float32Array(n * d);
  const sr = rng.fork('samples');
  const nr = rng.fork('noise');
  const pos = Array.from({ length: d }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    // Partial Fisher–Yates: the first k entries of `pos` become a uniform k-subset.
    let margin = 0;
    for (let a = 0; a < k; a++) {
      const b = a + Math.floor(sr.uniform() * (d - a));
      const t = pos[a]!;
      pos[a] = pos[b]!;
      pos[b] = t;
      const v = Math.fround(sr.normal());
      x[i * d + pos[a]!] = v;
      margin += v * w[pos[a]!]!;
    }
    const wantPositive = (y[i] === 1) !== nr.uniform() < labelNoise;
    if (margin !== 0 && margin > 0 !== wantPositive) for (let a = 0; a < k; a++) x[i * d + pos[a]!]! *= -1;
  }
  const all = validateDataset<ClassificationDataset>({
    name: 'sparse-synthetic',
    task: 'classification',
    x,
    y,
    n,
    d,
    numClasses: 2,
  });
  return splitTrainTest(all, o.testFraction, rng.fork('split'));
}
