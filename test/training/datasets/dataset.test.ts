import { describe, expect, it } from 'vitest';
import {
  asClassification,
  classCounts,
  subsetDataset,
  validateDataset,
  type ClassificationDataset,
  type RegressionDataset,
} from '../../../src/training/datasets/dataset.ts';

const cls: ClassificationDataset = {
  name: 'toy',
  task: 'classification',
  x: Float32Array.from([0, 1, 10, 11, 20, 21]),
  y: Int32Array.from([0, 1, 1]),
  n: 3,
  d: 2,
  numClasses: 2,
};
const reg: RegressionDataset = {
  name: 'r',
  task: 'regression',
  x: Float32Array.from([1, 2]),
  targets: Float32Array.from([5, 6]),
  n: 2,
  d: 1,
};

describe('Dataset', () => {
  it('accepts consistent datasets and rejects wrong sizes or labels', () => {
    expect(validateDataset(cls)).toBe(cls);
    expect(validateDataset(reg)).toBe(reg);
    expect(() => validateDataset({ ...cls, n: 4 })).toThrow(/x has 6 values/);
    expect(() => validateDataset({ ...cls, y: Int32Array.from([0, 2, 1]) })).toThrow(/label 2 of sample 1/);
    expect(() => validateDataset({ ...reg, targets: new Float32Array(3) })).toThrow(/targets has 3/);
  });

  it('copies the chosen rows, in order, into an independent subset', () => {
    const s = subsetDataset(cls, [2, 0, 2], 'sub');
    expect(Array.from(s.x)).toEqual([20, 21, 0, 1, 20, 21]);
    expect(Array.from(s.y)).toEqual([1, 0, 1]);
    expect(s.n).toBe(3);
    expect(s.name).toBe('sub');
    s.x[0] = -1;
    expect(cls.x[4]).toBe(20);
    expect(() => subsetDataset(cls, [3])).toThrow(RangeError);
    const r = subsetDataset(reg, [1]);
    expect(Array.from(r.targets)).toEqual([6]);
  });

  it('counts classes and narrows only classification sets', () => {
    expect(classCounts(cls)).toEqual([1, 2]);
    expect(asClassification(cls)).toBe(cls);
    expect(() => asClassification(reg, 'sharding')).toThrow(/sharding needs a classification dataset/);
  });
});
