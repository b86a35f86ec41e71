/** The samples a gradient is computed on, as flat arrays (no tensors cross the engine's boundary). */

/** `n` samples: `x` holds n rows of `d` features, row-major; `y` holds n class labels. */
export interface GradBatch {
  /** Features, at least `n·d` values, row-major; only the first `n·d` are read. */
  readonly x: Float32Array;
  /** Labels in [0, numClasses), at least `n` values; only the first `n` are read. */
  readonly y: Int32Array;
  /** Number of samples (> 0). */
  readonly n: number;
}

/**
 * Checks that a batch fits a model with `d` features and `numClasses` classes.
 * @throws RangeError naming what is wrong: n not a positive integer, arrays too short, a bad label.
 */
export function checkBatch(batch: GradBatch, d: number, numClasses: number): void {
  const { x, y, n } = batch;
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`batch n must be a positive integer, got ${n}`);
  if (x.length < n * d) throw new RangeError(`batch x has ${x.length} values, needs n·d = ${n}·${d} = ${n * d}`);
  if (y.length < n) throw new RangeError(`batch y has ${y.length} labels, needs n = ${n}`);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (!(c >= 0 && c < numClasses)) throw new RangeError(`batch label y[${i}] = ${c} is outside [0, ${numClasses})`);
  }
}
