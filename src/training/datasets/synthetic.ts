/**
 * Synthetic datasets made entirely from the seed, for fast tests and scenarios that need no download:
 * a Gaussian mixture (classification) and a noisy linear model (regression). Each generator forks its
 * own streams (`centers`, `samples`, `split`, ...) so changing one option's consumer never shifts another.
 */
import type { Rng } from '../../core/rng.ts';
import { validateDataset, type ClassificationDataset, type DatasetSplit, type RegressionDataset } from './dataset.ts';
import { splitTrainTest } from './split.ts';

/** Options of `makeGaussianMixture`. */
export interface GaussianMixtureOptions {
  /** Total samples before the split. Default 4000. */
  readonly n?: number;
  /** Features. Default 20. */
  readonly d?: number;
  /** Classes (mixture components). Default 4. */
  readonly numClasses?: number;
  /** Norm of every class center (centers lie on a sphere of this radius, random directions). Default 3. */
  readonly separation?: number;
  /** Standard deviation of the isotropic noise around a center. Default 1. */
  readonly noise?: number;
  /** Held-out fraction, stratified by class. Default 0.15. */
  readonly testFraction?: number;
}

/** Options of `makeLinearRegression`. */
export interface LinearRegressionOptions {
  /** Total samples before the split. Default 4000. */
  readonly n?: number;
  /** Features. Default 20. */
  readonly d?: number;
  /** Standard deviation of the additive target noise. Default 0.1. */
  readonly noise?: number;
  /** Held-out fraction. Default 0.15. */
  readonly testFraction?: number;
}

function positiveInt(x: number, what: string): number {
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`${what} must be an integer >= 1, got ${x}`);
  return x;
}
function nonNegative(x: number, what: string): number {
  if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`${what} must be a finite number >= 0, got ${x}`);
  return x;
}

/**
 * Gaussian-mixture classification: class c has center μ_c = separation · u_c with u_c a uniformly random
 * unit vector; a sample of class c is μ_c + noise · N(0, I_d). Labels are balanced (class counts differ
 * by ≤ 1) and in seeded random order. Split into train/test stratified by class.
 * @throws RangeError on a non-positive size, class count or negative separation/noise.
 */
export function makeGaussianMixture(opts: GaussianMixtureOptions, rng: Rng): DatasetSplit<ClassificationDataset> {
  const n = positiveInt(opts.n ?? 4000, 'n');
  const d = positiveInt(opts.d ?? 20, 'd');
  const numClasses = positiveInt(opts.numClasses ?? 4, 'numClasses');
  const separation = nonNegative(opts.separation ?? 3, 'separation');
  const noise = nonNegative(opts.noise ?? 1, 'noise');
  const centers = new Float64Array(numClasses * d);
  const cr = rng.fork('centers');
  for (let c = 0; c < numClasses; c++) {
    // A normalised standard normal vector is uniform on the sphere.
    let norm2 = 0;
    for (let j = 0; j < d; j++) {
      const z = cr.normal();
      centers[c * d + j] = z;
      norm2 += z * z;
    }
    const scale = norm2 > 0 ? separation / Math.sqrt(norm2) : 0;
    for (let j = 0; j < d; j++) centers[c * d + j]! *= scale;
  }
  const labels = rng.fork('labels').shuffle(Array.from({ length: n }, (_, i) => i % numClasses));
  const sr = rng.fork('samples');
  const x = new Float32Array(n * d);
  const y = Int32Array.from(labels);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    for (let j = 0; j < d; j++) x[i * d + j] = centers[c * d + j]! + noise * sr.normal();
  }
  const all = validateDataset<ClassificationDataset>({
    name: 'gaussian-mixture',
    task: 'classification',
    x,
    y,
    n,
    d,
    numClasses,
  });
  return splitTrainTest(all, opts.testFraction ?? 0.15, rng.fork('split'));
}

/**
 * Linear regression: x ~ N(0, I_d), w_j ~ N(0, 1/d) (so Var(x·w) ≈ 1 whatever d), bias b ~ N(0, 1),
 * target = x·w + b + noise · N(0, 1). `trueWeights` holds [w_1..w_d, b].
 * @throws RangeError on a non-positive size or negative noise.
 */
export function makeLinearRegression(opts: LinearRegressionOptions, rng: Rng): DatasetSplit<RegressionDataset> {
  const n = positiveInt(opts.n ?? 4000, 'n');
  const d = positiveInt(opts.d ?? 20, 'd');
  const noise = nonNegative(opts.noise ?? 0.1, 'noise');
  const wr = rng.fork('weights');
  const trueWeights = new Float32Array(d + 1);
  for (let j = 0; j < d; j++) trueWeights[j] = wr.normal(0, 1 / Math.sqrt(d));
  trueWeights[d] = wr.normal();
  const sr = rng.fork('samples');
  const x = new Float32Array(n * d);
  const targets = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Accumulate in double in index order, so the sum is deterministic and not float32-rounded per term.
    let t = trueWeights[d]!;
    for (let j = 0; j < d; j++) {
      const v = sr.normal();
      x[i * d + j] = v;
      t += Math.fround(v) * trueWeights[j]!;
    }
    targets[i] = t + noise * sr.normal();
  }
  const all = validateDataset<RegressionDataset>({
    name: 'linear-regression',
    task: 'regression',
    x,
    targets,
    n,
    d,
    trueWeights,
  });
  return splitTrainTest(all, opts.testFraction ?? 0.15, rng.fork('split'));
}
