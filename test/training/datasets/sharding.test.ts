import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../../src/core/rng.ts';
import { shardByClasses, shardDataset, shardDirichlet, shardIid } from '../../../src/training/datasets/sharding.ts';
import type { ClassificationDataset, RegressionDataset } from '../../../src/training/datasets/dataset.ts';

function isPartition(shards: Int32Array[], n: number): boolean {
  const all = shards.flatMap((s) => Array.from(s)).sort((a, b) => a - b);
  return all.length === n && all.every((v, i) => v === i);
}
const labelsArb = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 300 })
  .map((l) => Int32Array.from(l));

describe('sharding', () => {
  it('iid: a partition with sizes differing by at most 1 (property)', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 1, max: 40 }), fc.integer(), (n, w, seed) => {
        const s = shardIid(n, w, new Rng(seed));
        expect(s).toHaveLength(w);
        expect(isPartition(s, n)).toBe(true);
        const sizes = s.map((x) => x.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('dirichlet: a partition for any α, worker count and seed (property)', () => {
    fc.assert(
      fc.property(
        labelsArb,
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.integer(),
        (y, w, alpha, seed) => {
          const s = shardDirichlet(y, 10, w, alpha, new Rng(seed), { minPerWorker: 0 });
          expect(s).toHaveLength(w);
          expect(isPartition(s, y.length)).toBe(true);
        },
      ),
    );
  });

  it('dirichlet: skews labels at small α, nearly iid at large α, and is seeded', () => {
    const y = Int32Array.from({ length: 5000 }, (_, i) => i % 10);
    // Mean over workers of the share of the worker's most common class.
    const topShare = (shards: Int32Array[]): number => {
      let sum = 0;
      for (const s of shards) {
        const c = new Array<number>(10).fill(0);
        for (const i of s) c[y[i]!]!++;
        sum += Math.max(...c) / s.length;
      }
      return sum / shards.length;
    };
    const skewed = shardDirichlet(y, 10, 10, 0.05, new Rng(1));
    const flat = shardDirichlet(y, 10, 10, 1000, new Rng(1));
    expect(topShare(skewed)).toBeGreaterThan(0.5);
    // Iid would give ≈ 0.1 plus sampling noise.
    expect(topShare(flat)).toBeLessThan(0.15);
    expect(shardDirichlet(y, 10, 10, 0.5, new Rng(3))).toEqual(shardDirichlet(y, 10, 10, 0.5, new Rng(3)));
  });

  it('dirichlet: redraws until every worker has minPerWorker samples, else says what to change', () => {
    const y = Int32Array.from({ length: 1000 }, (_, i) => i % 10);
    for (const s of shardDirichlet(y, 10, 50, 0.3, new Rng(4), { minPerWorker: 2 }))
      expect(s.length).toBeGreaterThanOrEqual(2);
    expect(() => shardDirichlet(y, 10, 100, 0.001, new Rng(4), { maxTries: 3 })).toThrow(/raise alpha/);
    expect(() => shardDirichlet(y, 10, 3, 0, new Rng(4))).toThrow(RangeError);
  });

  it('classes: a partition into k near-equal shards per worker, each shard mostly one label (property)', () => {
    fc.assert(
      fc.property(
        labelsArb,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer(),
        (y, w, k, seed) => {
          fc.pre(y.length >= w * k);
          const s = shardByClasses(y, w, new Rng(seed), k);
          expect(s).toHaveLength(w);
          expect(isPartition(s, y.length)).toBe(true);
        },
      ),
    );
  });

  it('classes: with sorted labels and 2 shards per worker, each worker sees at most 2 classes', () => {
    // McMahan: 100 clients × 2 shards of 300 = 60,000. Scaled: 1000 samples, 100 per class, 10 workers,
    // 20 shards of 50 → every shard lies inside one class, so a worker holds ≤ 2 classes.
    const y = Int32Array.from({ length: 1000 }, (_, i) => i % 10);
    const s = shardByClasses(y, 10, new Rng(7), 2);
    for (const sh of s) {
      expect(sh.length).toBe(100);
      expect(new Set(Array.from(sh, (i) => y[i])).size).toBeLessThanOrEqual(2);
    }
  });

  it('shardDataset dispatches by spec and refuses label splits of regression sets', () => {
    const ds: ClassificationDataset = {
      name: 'c',
      task: 'classification',
      x: new Float32Array(40),
      y: Int32Array.from({ length: 40 }, (_, i) => i % 4),
      n: 40,
      d: 1,
      numClasses: 4,
    };
    expect(isPartition(shardDataset(ds, 4, { kind: 'iid' }, new Rng(1)), 40)).toBe(true);
    expect(isPartition(shardDataset(ds, 4, { kind: 'dirichlet', alpha: 1 }, new Rng(1)), 40)).toBe(true);
    expect(isPartition(shardDataset(ds, 4, { kind: 'classes', shardsPerWorker: 2 }, new Rng(1)), 40)).toBe(true);
    const reg: RegressionDataset = {
      name: 'r',
      task: 'regression',
      x: new Float32Array(4),
      targets: new Float32Array(4),
      n: 4,
      d: 1,
    };
    expect(shardDataset(reg, 2, { kind: 'iid' }, new Rng(1))).toHaveLength(2);
    expect(() => shardDataset(reg, 2, { kind: 'dirichlet', alpha: 1 }, new Rng(1))).toThrow(TypeError);
  });
});
