/**
 * Seeded train/test splits. Classification sets are split per class (stratified), so the test set has
 * the same class mix as the source up to rounding; this keeps small test sets (MNIST's ~1,500) from
 * drifting a percent or two in class balance between seeds, which would show up as seed noise in
 * accuracy curves. Regression sets are split by one permutation.
 */
import type { Rng } from '../../core/rng.ts';
import { subsetDataset, type Dataset, type DatasetSplit } from './dataset.ts';

/**
 * Test samples taken from a group of `n` (a class, or a whole regression set): `round(n · testFraction)`.
 * The one rule `splitIndices` and the registry's size prediction (`DatasetEntry.describe`) share.
 */
export function testCountOf(n: number, testFraction: number): number {
  return Math.round(n * testFraction);
}

/**
 * Indices of a seeded train/test split of `ds`. Classification: for each class c (in order 0..C-1) the
 * class's indices are permuted and the first `round(count_c · testFraction)` go to test; then each side
 * is permuted once more so rows are not grouped by class. Regression: one permutation, the first
 * `round(n · testFraction)` go to test. Every index lands in exactly one side.
 * @throws RangeError unless 0 <= testFraction < 1.
 */
export function splitIndices(ds: Dataset, testFraction: number, rng: Rng): { train: number[]; test: number[] } {
  if (!(testFraction >= 0 && testFraction < 1))
    throw new RangeError(`testFraction must be in [0, 1), got ${testFraction}`);
  const train: number[] = [];
  const test: number[] = [];
  if (ds.task === 'classification') {
    const byClass: number[][] = Array.from({ length: ds.numClasses }, () => []);
    for (let i = 0; i < ds.n; i++) byClass[ds.y[i]!]!.push(i);
    for (const idx of byClass) {
      rng.shuffle(idx);
      const k = testCountOf(idx.length, testFraction);
      for (let j = 0; j < idx.length; j++) (j < k ? test : train).push(idx[j]!);
    }
    rng.shuffle(train);
    rng.shuffle(test);
  } else {
    const p = rng.permutation(ds.n);
    const k = testCountOf(ds.n, testFraction);
    for (let j = 0; j < p.length; j++) (j < k ? test : train).push(p[j]!);
  }
  return { train, test };
}

/**
 * A seeded train/test split of `ds` (see `splitIndices`), copied into two new datasets named
 * `<name>/train` and `<name>/test`.
 * @throws RangeError unless 0 <= testFraction < 1.
 */
export function splitTrainTest<D extends Dataset>(
  ds: D,
  testFraction: number,
  rng: Rng,
  name = ds.name,
): DatasetSplit<D> {
  const { train, test } = splitIndices(ds, testFraction, rng);
  return { train: subsetDataset(ds, train, `${name}/train`), test: subsetDataset(ds, test, `${name}/test`) };
}
