/**
 * The in-memory dataset shape shared by loaders, sharding, samplers and the gradient engine. Samples are
 * rows of one flat row-major `Float32Array` so that a batch is assembled by copying rows (design.md §3,
 * tooling.md: copying rows in JS costs ~0.05 ms, `tf.gather` ~3 ms). Datasets are treated as read-only
 * once built: loaders memoize them and share one object across runs in a process.
 */

/** What a dataset's targets mean. */
export type Task = 'classification' | 'regression';

/** Fields common to every dataset. Invariant: `x.length === n * d`. */
interface DatasetBase {
  /** Human-readable name, e.g. `mnist/train`. */
  readonly name: string;
  /** n × d features, row-major: sample i occupies `x[i*d .. (i+1)*d)`. Never mutate. */
  readonly x: Float32Array;
  /** Number of samples. */
  readonly n: number;
  /** Features per sample. */
  readonly d: number;
}

/**
 * A classification set. Invariants: `y.length === n`, every label is an integer in
 * `[0, numClasses)`.
 */
export interface ClassificationDataset extends DatasetBase {
  readonly task: 'classification';
  /** Class label of each sample, in `[0, numClasses)`. */
  readonly y: Int32Array;
  /** Number of classes (10 for MNIST). */
  readonly numClasses: number;
}

/**
 * A scalar regression set. Invariant: `targets.length === n`. `trueWeights` (length d + 1: weights then
 * bias) is present for synthetic sets so tests can check recovery of the generating model.
 */
export interface RegressionDataset extends DatasetBase {
  readonly task: 'regression';
  /** Scalar target of each sample. */
  readonly targets: Float32Array;
  /** Generating weights then bias, when known (synthetic data only). */
  readonly trueWeights?: Float32Array;
}

/** Any dataset; narrow on `task`. */
export type Dataset = ClassificationDataset | RegressionDataset;

/** A train/test pair made from one source. Train and test never share a sample. */
export interface DatasetSplit<D extends Dataset = Dataset> {
  readonly train: D;
  readonly test: D;
}

/**
 * Checks a dataset's invariants (sizes, label range) and returns it unchanged.
 * @throws RangeError naming the first broken invariant.
 */
export function validateDataset<D extends Dataset>(ds: D): D {
  if (!Number.isInteger(ds.n) || ds.n < 0) throw new RangeError(`${ds.name}: n must be an integer >= 0, got ${ds.n}`);
  if (!Number.isInteger(ds.d) || ds.d < 1) throw new RangeError(`${ds.name}: d must be an integer >= 1, got ${ds.d}`);
  if (ds.x.length !== ds.n * ds.d) {
    throw new RangeError(`${ds.name}: x has ${ds.x.length} values, expected n*d = ${ds.n * ds.d}`);
  }
  if (ds.task === 'classification') {
    if (ds.y.length !== ds.n) throw new RangeError(`${ds.name}: y has ${ds.y.length} labels, expected ${ds.n}`);
    if (!Number.isInteger(ds.numClasses) || ds.numClasses < 1) {
      throw new RangeError(`${ds.name}: numClasses must be an integer >= 1, got ${ds.numClasses}`);
    }
    for (let i = 0; i < ds.n; i++) {
      const c = ds.y[i]!;
      if (c < 0 || c >= ds.numClasses) {
        throw new RangeError(`${ds.name}: label ${c} of sample ${i} is outside [0, ${ds.numClasses})`);
      }
    }
  } else if (ds.targets.length !== ds.n) {
    throw new RangeError(`${ds.name}: targets has ${ds.targets.length} values, expected ${ds.n}`);
  }
  return ds;
}

/**
 * Narrows to a classification set.
 * @throws TypeError if `ds` is a regression set (e.g. a label-based split was asked of it).
 */
export function asClassification(ds: Dataset, why = 'this operation'): ClassificationDataset {
  if (ds.task !== 'classification')
    throw new TypeError(`${ds.name}: ${why} needs a classification dataset, got regression`);
  return ds;
}

/**
 * A new dataset holding copies of the given rows, in the given order. The copy is independent of the
 * source. Indices may repeat.
 * @throws RangeError if an index is out of range.
 */
export function subsetDataset<D extends Dataset>(ds: D, indices: ArrayLike<number>, name = ds.name): D {
  const m = indices.length;
  const d = ds.d;
  const x = new Float32Array(m * d);
  for (let r = 0; r < m; r++) {
    const i = indices[r]!;
    if (!(i >= 0 && i < ds.n && Number.isInteger(i)))
      throw new RangeError(`${ds.name}: index ${i} outside [0, ${ds.n})`);
    x.set(ds.x.subarray(i * d, i * d + d), r * d);
  }
  if (ds.task === 'classification') {
    const y = new Int32Array(m);
    for (let r = 0; r < m; r++) y[r] = ds.y[indices[r]!]!;
    return {
      name,
      task: 'classification',
      x,
      y,
      n: m,
      d,
      numClasses: ds.numClasses,
    } satisfies ClassificationDataset as D;
  }
  const targets = new Float32Array(m);
  for (let r = 0; r < m; r++) targets[r] = ds.targets[indices[r]!]!;
  const out: RegressionDataset = { name, task: 'regression', x, targets, n: m, d };
  if (ds.trueWeights !== undefined) return { ...out, trueWeights: ds.trueWeights } as D;
  return out as D;
}

/** Number of samples of each class (length `numClasses`). */
export function classCounts(ds: ClassificationDataset): number[] {
  const counts = new Array<number>(ds.numClasses).fill(0);
  for (let i = 0; i < ds.n; i++) counts[ds.y[i]!]!++;
  return counts;
}
