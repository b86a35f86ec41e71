import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { DATASETS, getDataset } from '../../../src/training/datasets/registry.ts';

describe('DATASETS registry', () => {
  it('describes every dataset and its options with defaults', () => {
    expect(Object.keys(DATASETS).sort()).toEqual(['gaussian-mixture', 'linear-regression', 'mnist']);
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
    expect(() => getDataset('linear-regression').load({ testFraction: 1 }, new Rng(1))).toThrow(/testFraction must be < 1/);
    expect(() => getDataset('cifar')).toThrow(/unknown dataset 'cifar' \(known: mnist, gaussian-mixture, linear-regression\)/);
  });
});
