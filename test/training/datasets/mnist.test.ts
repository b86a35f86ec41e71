import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { loadMnist, loadMnistFull } from '../../../src/training/datasets/mnist.ts';
import { classCounts } from '../../../src/training/datasets/dataset.ts';

// Per-class counts of the package's 10,000 digits (tooling.md).
const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('loadMnist', () => {
  it('reads all 10,000 digits with pixels in [0, 1] and the documented class counts', () => {
    const all = loadMnistFull();
    expect([all.n, all.d, all.numClasses]).toEqual([10_000, 784, 10]);
    expect(classCounts(all)).toEqual(COUNTS);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of all.x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
  });

  it('splits 8,499 / 1,501 stratified by class at the default 0.15', () => {
    // Test count per class = round(0.15·count): 150,169,149,155,147,129,152,161,142,147 (sum 1501);
    // 160.5 for digit 7 rounds up.
    const s = loadMnist({}, new Rng(1));
    expect([s.train.n, s.test.n]).toEqual([8499, 1501]);
    expect(classCounts(s.test)).toEqual([150, 169, 149, 155, 147, 129, 152, 161, 142, 147]);
  });

  it('memoizes by (seed, fraction) and differs across seeds', () => {
    const a = loadMnist({}, new Rng(1));
    expect(loadMnist({ testFraction: 0.15 }, new Rng(1))).toBe(a);
    const b = loadMnist({}, new Rng(2));
    expect(b).not.toBe(a);
    expect(Array.from(b.test.y.slice(0, 50))).not.toEqual(Array.from(a.test.y.slice(0, 50)));
    expect(loadMnist({ testFraction: 0.5 }, new Rng(1)).test.n).toBeGreaterThan(4900);
    expect(() => loadMnist({ testFraction: 1 }, new Rng(1))).toThrow(RangeError);
  });
});
