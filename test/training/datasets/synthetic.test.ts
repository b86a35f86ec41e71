import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { makeGaussianMixture, makeLinearRegression } from '../../../src/training/datasets/synthetic.ts';
import { classCounts } from '../../../src/training/datasets/dataset.ts';

describe('synthetic datasets', () => {
  it('makes a balanced, seeded Gaussian mixture whose classes a nearest-center rule separates', () => {
    const s = makeGaussianMixture(
      { n: 1000, d: 10, numClasses: 4, separation: 6, noise: 1, testFraction: 0.2 },
      new Rng(3),
    );
    expect([s.train.n, s.test.n, s.train.d, s.train.numClasses]).toEqual([800, 200, 10, 4]);
    expect(classCounts(s.test)).toEqual([50, 50, 50, 50]);
    const again = makeGaussianMixture(
      { n: 1000, d: 10, numClasses: 4, separation: 6, noise: 1, testFraction: 0.2 },
      new Rng(3),
    );
    expect(Array.from(again.train.x)).toEqual(Array.from(s.train.x));
    // Class means from train, nearest-mean accuracy on test. Centers are 6 apart in norm with unit noise:
    // pairwise center distance ≈ 6√2 ≈ 8.5 (random directions in 10-d are nearly orthogonal), far above
    // the noise, so accuracy should be near 1.
    const { d, numClasses } = s.train;
    const mean = new Float64Array(numClasses * d);
    for (let i = 0; i < s.train.n; i++)
      for (let j = 0; j < d; j++) mean[s.train.y[i]! * d + j]! += s.train.x[i * d + j]! / 200;
    let correct = 0;
    for (let i = 0; i < s.test.n; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let c = 0; c < numClasses; c++) {
        let dist = 0;
        for (let j = 0; j < d; j++) dist += (s.test.x[i * d + j]! - mean[c * d + j]!) ** 2;
        if (dist < bestD) [best, bestD] = [c, dist];
      }
      if (best === s.test.y[i]) correct++;
    }
    expect(correct / s.test.n).toBeGreaterThan(0.95);
  });

  it('makes linear regression data whose least-squares residual matches the noise', () => {
    const s = makeLinearRegression({ n: 2000, d: 5, noise: 0.1 }, new Rng(9));
    const w = s.train.trueWeights!;
    expect(w).toHaveLength(6);
    // With the true weights the residual is just the noise: mean square ≈ 0.1² = 0.01.
    let mse = 0;
    for (let i = 0; i < s.train.n; i++) {
      let p = w[5]!;
      for (let j = 0; j < 5; j++) p += s.train.x[i * 5 + j]! * w[j]!;
      mse += (s.train.targets[i]! - p) ** 2 / s.train.n;
    }
    expect(mse).toBeGreaterThan(0.008);
    expect(mse).toBeLessThan(0.012);
    expect(() => makeLinearRegression({ n: 0 }, new Rng(1))).toThrow(RangeError);
  });
});
