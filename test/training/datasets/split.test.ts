import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../../src/core/rng.ts';
import { splitIndices, splitTrainTest } from '../../../src/training/datasets/split.ts';
import type { ClassificationDataset, RegressionDataset } from '../../../src/training/datasets/dataset.ts';

function toy(labels: number[], numClasses: number): ClassificationDataset {
  const n = labels.length;
  return {
    name: 't',
    task: 'classification',
    x: Float32Array.from({ length: n }, (_, i) => i),
    y: Int32Array.from(labels),
    n,
    d: 1,
    numClasses,
  };
}

describe('splitTrainTest', () => {
  it('partitions the indices and stratifies by class (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 200 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.integer(),
        (labels, f, seed) => {
          const ds = toy(labels, 5);
          const { train, test } = splitIndices(ds, f, new Rng(seed));
          expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
          for (let c = 0; c < 5; c++) {
            const count = labels.filter((l) => l === c).length;
            expect(test.filter((i) => labels[i] === c).length).toBe(Math.round(count * f));
          }
        },
      ),
    );
  });

  it('is deterministic in the seed and differs across seeds', () => {
    const ds = toy(
      Array.from({ length: 100 }, (_, i) => i % 3),
      3,
    );
    const a = splitTrainTest(ds, 0.2, new Rng(1));
    const b = splitTrainTest(ds, 0.2, new Rng(1));
    const c = splitTrainTest(ds, 0.2, new Rng(2));
    expect(Array.from(a.test.x)).toEqual(Array.from(b.test.x));
    expect(Array.from(a.test.x)).not.toEqual(Array.from(c.test.x));
    // Rows stay attached to their labels: x[i] = i in the toy set, label = i mod 3.
    for (let r = 0; r < a.train.n; r++) expect(a.train.y[r]).toBe(a.train.x[r]! % 3);
    expect(a.train.name).toBe('t/train');
  });

  it('splits regression sets by one permutation', () => {
    const reg: RegressionDataset = {
      name: 'r',
      task: 'regression',
      x: new Float32Array(10),
      targets: new Float32Array(10),
      n: 10,
      d: 1,
    };
    const s = splitTrainTest(reg, 0.3, new Rng(0));
    expect([s.train.n, s.test.n]).toEqual([7, 3]);
    expect(() => splitTrainTest(reg, 1, new Rng(0))).toThrow(RangeError);
  });
});
