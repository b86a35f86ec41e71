import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fillBatch, fillOneHot, makeBatch } from '../../../src/training/datasets/fill-batch.ts';
import type { ClassificationDataset, RegressionDataset } from '../../../src/training/datasets/dataset.ts';

// Row i of the toy set is [10i, 10i+1, 10i+2], label i mod 3.
const n = 20;
const ds: ClassificationDataset = {
  name: 'toy',
  task: 'classification',
  x: Float32Array.from({ length: n * 3 }, (_, k) => 10 * Math.floor(k / 3) + (k % 3)),
  y: Int32Array.from({ length: n }, (_, i) => i % 3),
  n,
  d: 3,
  numClasses: 3,
};

describe('fillBatch', () => {
  it('copies the indexed rows and labels into reused buffers (property)', () => {
    const xb = new Float32Array(8 * 3);
    const yb = new Int32Array(8);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 8 }), (idx) => {
        expect(fillBatch(ds, idx, xb, yb)).toBe(idx.length);
        idx.forEach((i, r) => {
          expect(Array.from(xb.subarray(3 * r, 3 * r + 3))).toEqual([10 * i, 10 * i + 1, 10 * i + 2]);
          expect(yb[r]).toBe(i % 3);
        });
      }),
    );
  });

  it('fills regression targets into a Float32Array and rejects a mismatched label buffer', () => {
    const reg: RegressionDataset = {
      name: 'r',
      task: 'regression',
      x: Float32Array.from([1, 2, 3]),
      targets: Float32Array.from([0.5, 1.5, 2.5]),
      n: 3,
      d: 1,
    };
    const x = new Float32Array(2);
    const t = new Float32Array(2);
    fillBatch(reg, [2, 0], x, t);
    expect([...x, ...t]).toEqual([3, 1, 2.5, 0.5]);
    expect(() => fillBatch(reg, [0], x, new Int32Array(2))).toThrow(TypeError);
    expect(() => fillBatch(ds, [0], new Float32Array(3), new Float32Array(1))).toThrow(TypeError);
  });

  it('rejects short buffers and out-of-range indices', () => {
    expect(() => fillBatch(ds, [0, 1], new Float32Array(5), new Int32Array(2))).toThrow(/xOut holds 5/);
    expect(() => fillBatch(ds, [0, 1], new Float32Array(6), new Int32Array(1))).toThrow(/yOut holds 1/);
    expect(() => fillBatch(ds, [n], new Float32Array(3), new Int32Array(1))).toThrow(RangeError);
  });

  it('writes one-hot rows, clearing old contents, and makeBatch allocates a matching batch', () => {
    const oh = new Float32Array(6).fill(7);
    fillOneHot(ds, [4, 2], oh);
    expect(Array.from(oh)).toEqual([0, 1, 0, 0, 0, 1]);
    const b = makeBatch(ds, [1, 5]);
    expect(Array.from(b.y)).toEqual([1, 2]);
    expect(b.x[3]).toBe(50);
  });
});
