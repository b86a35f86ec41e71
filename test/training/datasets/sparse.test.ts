import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { classCounts } from '../../../src/training/datasets/dataset.ts';
import { getDataset } from '../../../src/training/datasets/registry.ts';
import { makeSparseSynthetic } from '../../../src/training/datasets/sparse.ts';

describe('sparse-synthetic', () => {
  const o = { n: 400, d: 50, k: 3, labelNoise: 0, testFraction: 0.25 };

  it('has exactly k non-zero features per sample, balanced classes, and is seeded', () => {
    const s = makeSparseSynthetic(o, new Rng(5));
    for (const ds of [s.train, s.test]) {
      for (let i = 0; i < ds.n; i++) {
        let nz = 0;
        for (let j = 0; j < ds.d; j++) if (ds.x[i * ds.d + j] !== 0) nz++;
        expect(nz).toBe(3);
      }
    }
    expect(classCounts(s.train)).toEqual([150, 150]);
    expect(Array.from(makeSparseSynthetic(o, new Rng(5)).train.x)).toEqual(Array.from(s.train.x));
    expect(Array.from(makeSparseSynthetic(o, new Rng(6)).train.x)).not.toEqual(Array.from(s.train.x));
  });

  it('labels follow one planted linear classifier (without label noise, the classes are linearly separable)', () => {
    // Without noise every sample satisfies sign(x·w*) = 2y − 1 for the same w*. Check it as a
    // perceptron would: the planted w* is not exposed, so fit one by the perceptron rule, which
    // converges on separable data, and find no training error.
    const { train } = makeSparseSynthetic({ ...o, n: 200 }, new Rng(2));
    const w = new Float64Array(train.d);
    let errors = 1;
    for (let epoch = 0; epoch < 500 && errors > 0; epoch++) {
      errors = 0;
      for (let i = 0; i < train.n; i++) {
        let m = 0;
        for (let j = 0; j < train.d; j++) m += w[j]! * train.x[i * train.d + j]!;
        const s = train.y[i] === 1 ? 1 : -1;
        if (s * m <= 0) {
          errors++;
          for (let j = 0; j < train.d; j++) w[j]! += s * train.x[i * train.d + j]!;
        }
      }
    }
    expect(errors).toBe(0);
  });

  it('is registered: describe matches load, and bad options are refused before generating', () => {
    const e = getDataset('sparse-synthetic');
    const opts = { n: 300, d: 40, k: 4 };
    const shape = e.describe(opts);
    const s = e.load(opts, new Rng(1));
    expect(shape.trainSize).toBe(s.train.n);
    expect(shape.testSize).toBe(s.test.n);
    expect(shape.features).toBe(40);
    expect(shape.numClasses).toBe(2);
    expect(() => e.describe({ d: 5, k: 6 })).toThrow(/k must be <= d/);
    expect(() => e.describe({ labelNoise: 0.7 })).toThrow(RangeError);
  });
});
