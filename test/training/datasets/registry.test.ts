import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { classCounts } from '../../../src/training/datasets/dataset.ts';
import { MNIST_CLASS_COUNTS, loadMnistFull } from '../../../src/training/datasets/mnist.ts';
import { DATASETS, MAX_DATASET_VALUES, getDataset } from '../../../src/training/datasets/registry.ts';

describe('DATASETS registry', () => {
  it('describes every dataset and its options with defaults', () => {
    expect(Object.keys(DATASETS).sort()).toEqual([
      'gaussian-mixture',
      'linear-regression',
      'mnist',
      'sparse-synthetic',
    ]);
    for (const e of Object.values(DATASETS)) {
      expect(e.description.length).toBeGreaterThan(10);
      for (const o of Object.values(e.options)) expect(typeof o.default).toBe('number');
    }
  });

  it('loads with defaults filled in and rejects unknown or out-of-range options together', () => {
    const s = getDataset('gaussian-mixture').load({ n: 100 }, new Rng(1));
    expect(s.train.n + s.test.n).toBe(100);
    expect(s.train.d).toBe(20);
    expect(() => getDataset('gaussian-mixture').load({ n: 0.5, bogus: 1 }, new Rng(1))).toThrow(
      /unknown option 'bogus' \(known: n, d, numClasses, separation, noise, testFraction\); n must be an integer/,
    );
    expect(() => getDataset('linear-regression').load({ testFraction: 1 }, new Rng(1))).toThrow(
      /testFraction must be < 1/,
    );
    expect(() => getDataset('cifar')).toThrow(
      /unknown dataset 'cifar' \(known: mnist, gaussian-mixture, sparse-synthetic, linear-regression\)/,
    );
  });
});

describe('DatasetEntry.describe', () => {
  // Each case: options whose split `describe` must predict exactly, without loading.
  const CASES: [string, Record<string, number>][] = [
    ['mnist', {}],
    ['mnist', { testFraction: 0.5 }],
    ['mnist', { testFraction: 0 }],
    ['gaussian-mixture', {}],
    ['gaussian-mixture', { n: 103, numClasses: 7, testFraction: 0.3 }],
    ['gaussian-mixture', { n: 5, numClasses: 9 }],
    ['linear-regression', { n: 77, d: 3, testFraction: 0.25 }],
    ['sparse-synthetic', { n: 61, d: 30, k: 4, testFraction: 0.3 }],
  ];

  it.each(CASES)('%s %j: predicts the loaded split’s sizes, features, classes and class counts', (name, opts) => {
    const shape = getDataset(name).describe(opts);
    const split = getDataset(name).load(opts, new Rng(3));
    expect([shape.trainSize, shape.testSize, shape.features]).toEqual([split.train.n, split.test.n, split.train.d]);
    expect(shape.trainName).toBe(split.train.name);
    if (split.train.task === 'classification') {
      expect(shape.task).toBe('classification');
      expect(shape.numClasses).toBe(split.train.numClasses);
      expect(shape.trainClassCounts).toEqual(classCounts(split.train));
    } else {
      expect(shape.task).toBe('regression');
    }
  });

  it("knows MNIST's class counts without loading the package (checked against the package here)", () => {
    expect(classCounts(loadMnistFull())).toEqual(MNIST_CLASS_COUNTS);
    expect(getDataset('mnist').describe({}).trainSize).toBe(8499);
  });

  it('refuses a synthetic set over MAX_DATASET_VALUES before generating it, in describe and load', () => {
    const opts = { n: 1_000_000, d: 17 };
    expect(1_000_000 * 17).toBeGreaterThan(MAX_DATASET_VALUES);
    const msg = /dataset 'gaussian-mixture': n × d = 1000000 × 17 = 17000000 values; at most 16777216 are allowed/;
    expect(() => getDataset('gaussian-mixture').describe(opts)).toThrow(msg);
    expect(() => getDataset('gaussian-mixture').load(opts, new Rng(1))).toThrow(msg);
    expect(() => getDataset('linear-regression').load({ n: 20_000, d: 65_536 }, new Rng(1))).toThrow(
      /at most 16777216/,
    );
  });

  it('bounds n, d and numClasses one by one', () => {
    expect(() => getDataset('gaussian-mixture').describe({ n: 1_000_001 })).toThrow(
      /n must be <= 1000000, got 1000001/,
    );
    expect(() => getDataset('gaussian-mixture').describe({ numClasses: 1001 })).toThrow(/numClasses must be <= 1000/);
    expect(() => getDataset('linear-regression').describe({ d: 65_537 })).toThrow(/d must be <= 65536/);
  });
});
