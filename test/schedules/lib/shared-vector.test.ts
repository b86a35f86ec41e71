import { describe, expect, it } from 'vitest';
import { SharedVector } from '../../../src/schedules/lib/shared-vector.ts';

describe('SharedVector', () => {
  it('cuts the vector into granules and finds a gradient’s support by granule', () => {
    const v = new SharedVector(new Float32Array(10), 4);
    expect(v.granules).toBe(3);
    expect(v.range(2)).toEqual([8, 10]);
    expect(v.support(Float32Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0, -2]))).toEqual([1, 2]);
    expect(v.support(new Float32Array(10))).toEqual([]);
    expect(() => new SharedVector(new Float32Array(3), 0)).toThrow(RangeError);
  });

  it('atomic stores add to the current value; a store after another thread’s is a conflict', () => {
    const v = new SharedVector(Float32Array.from([1, 1]), 1);
    const a = v.read();
    const b = v.read();
    const g = Float32Array.from([1, 2]);
    expect(v.store(0, g, 0.5, a, 1)).toEqual({ conflict: false, lost: 0 });
    expect(v.store(0, g, 0.5, b, 2)).toEqual({ conflict: true, lost: 0 });
    expect(Array.from(v.values())).toEqual([0, 1]); // 1 − 0.5 − 0.5: both updates kept
    expect(v.version(0)).toBe(2);
    expect(v.lastStore(0)).toBe(2);
    expect(v.lastStore(1)).toBe(-Infinity);
    // The reads were copies: later stores do not show in them.
    expect(Array.from(a.values)).toEqual([1, 1]);
  });

  it('racy stores write loaded − lr·g and count the stores they overwrite', () => {
    const v = new SharedVector(Float32Array.from([1, 1]), 2);
    const r1 = v.read();
    const r2 = v.read();
    const g = Float32Array.from([1, 1]);
    const l1 = v.load(0);
    const l2 = v.load(0);
    expect(v.store(0, g, 0.25, r1, 1, l1)).toEqual({ conflict: false, lost: 0 });
    expect(v.store(0, g, 0.5, r2, 2, l2)).toEqual({ conflict: true, lost: 1 });
    // The second store overwrote the first: only 1 − 0.5 survives.
    expect(Array.from(v.values())).toEqual([0.5, 0.5]);
  });
});
