import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { FullTrainer } from '../../../src/schedules/lib/full-trainer.ts';
import { PARAM_MATH } from '../../../src/schedules/lib/param-math.ts';
import type { OptimizerState, ParamRange } from '../../../src/schedules/lib/trainer.ts';
import { createWorkerSamplers } from '../../../src/training/datasets/batch-sampler.ts';
import { shardIid } from '../../../src/training/datasets/sharding.ts';
import { makeGaussianMixture } from '../../../src/training/datasets/synthetic.ts';
import { GradientEngine } from '../../../src/training/engine/gradient-engine.ts';
import { makeSnapshot, type ParamSnapshot } from '../../../src/training/engine/snapshot.ts';
import { initParams } from '../../../src/training/models/layout.ts';
import { logisticRegression } from '../../../src/training/models/logistic-regression.ts';
import { stepLr } from '../../../src/training/optimizers/lr-schedules.ts';
import { getOptimizer } from '../../../src/training/optimizers/registry.ts';
import { initBackend } from '../../../src/training/tensor-backend.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** lr 0.5 for steps 0–1, 0.05 for steps 2–3, … */
const LR = stepLr(0.5, 2, 0.1);

/**
 * A small real trainer: a 3-class Gaussian mixture with 5 features (102 training samples, so four
 * shards are uneven), a logistic regression (18 parameters), `keys` iid shards, `optimizer` as the
 * scenario's optimizer. Equal arguments give equal trainers.
 */
function tinyTrainer(keys = 3, optimizer = 'sgd', options: Record<string, number> = {}): FullTrainer {
  const rng = new Rng(11);
  const split = makeGaussianMixture({ n: 120, d: 5, numClasses: 3, testFraction: 0.15 }, rng.fork('data'));
  const model = logisticRegression(5, 3);
  const shards = shardIid(split.train.n, keys, rng.fork('shards'));
  return new FullTrainer({
    engine: new GradientEngine(model),
    train: split.train,
    test: split.test,
    samplers: createWorkerSamplers(shards, rng.fork('batches')),
    batchSize: 8,
    initialParams: initParams(model.layout, rng.fork('init'), 'glorot-uniform'),
    newOptimizer: () => getOptimizer(optimizer).create(options),
    lr: LR,
  });
}

/** A parameter-sized vector with entries from `f`. */
function vec(t: FullTrainer, f: (i: number) => number): Float32Array {
  return Float32Array.from({ length: t.paramCount }, (_, i) => f(i));
}

/** Steps `opt` `k` times along `g` from `s`; the last snapshot. */
function steps(t: FullTrainer, opt: OptimizerState, s: ParamSnapshot, g: Float32Array, k: number): ParamSnapshot {
  for (let i = 0; i < k; i++) s = t.apply(opt, s, g, s.version + 1);
  return s;
}

describe('FullTrainer shape', () => {
  it('lays the model out as contiguous tensor slots covering every parameter', () => {
    const t = tinyTrainer();
    expect(t.full).toBe(true);
    expect(t.math).toBe(PARAM_MATH);
    expect(t.layout.map((e) => [e.name, e.shape])).toEqual([
      ['dense0/kernel', [5, 3]],
      ['dense0/bias', [3]],
    ]);
    let at = 0;
    for (const e of t.layout) {
      expect(e.offset).toBe(at);
      expect(e.size).toBe(e.shape.reduce((a, b) => a * b, 1));
      at += e.size;
    }
    expect(at).toBe(t.paramCount);
    expect(t.paramCount).toBe(18);
    expect(t.initial().params.length).toBe(18);
  });

  it('has one data key per shard, and the shard sizes add up to the training set', () => {
    const t = tinyTrainer(4);
    expect(t.dataKeys).toBe(4);
    const sizes = [0, 1, 2, 3].map((k) => t.shardSize(k));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(t.trainSize());
    expect(t.trainSize()).toBe(102);
    expect(new Set(sizes)).toEqual(new Set([25, 26]));
    for (const bad of [4, -1, 0.5]) {
      expect(() => t.shardSize(bad)).toThrow(RangeError);
      expect(() => t.gradient(t.initial(), bad)).toThrow(RangeError);
    }
  });

  it('draws each key from its own stream, whatever other keys draw', () => {
    const a = tinyTrainer();
    const b = tinyTrainer();
    const s = a.initial();
    a.gradient(s, 0);
    a.gradient(s, 2);
    const ga = a.gradient(s, 1).value();
    const gb = b.gradient(s, 1).value();
    expect(ga.grad).toEqual(gb.grad);
    expect(ga.loss).toBe(gb.loss);
    // The mean gradient of keys 0 and 2 is one merged pass over both keys' next batches.
    const m = b.meanGradient(s, [0, 2]).value();
    const c = tinyTrainer();
    const g0 = c.gradient(s, 0).value().grad;
    const g2 = c.gradient(s, 2).value().grad;
    for (let i = 0; i < m.grad.length; i++) expect(m.grad[i]).toBeCloseTo((g0[i]! + g2[i]!) / 2, 5);
  });

  it('evaluates a snapshot on the test set', () => {
    const t = tinyTrainer();
    const r = t.evaluate(t.initial());
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(r.accuracy).toBeLessThanOrEqual(1);
    expect(r.predictedClasses).toBeGreaterThanOrEqual(1);
  });
});

describe('FullTrainer.apply', () => {
  it('steps along a vector exactly as along the equivalent gradient handle', () => {
    const t = tinyTrainer(3, 'momentum', { momentum: 0.9 });
    const u = t.optimizer();
    const v = t.optimizer();
    let su = t.initial();
    let sv = t.initial();
    for (let k = 0; k < 3; k++) {
      const g = t.gradient(su, k);
      su = t.apply(u, su, g, k + 1);
      sv = t.apply(v, sv, g.value().grad.slice(), k + 1);
      expect(sv.params).toEqual(su.params);
      expect(su.version).toBe(k + 1);
    }
  });

  it('is the scenario optimizer step at lr(opt.steps), read before the step', () => {
    const t = tinyTrainer(3, 'momentum', { momentum: 0.9 });
    const opt = t.optimizer();
    const ref = getOptimizer('momentum').create({ momentum: 0.9 });
    const g = vec(t, (i) => Math.sin(i));
    let s = t.initial();
    let p = s.params;
    for (let k = 0; k < 5; k++) {
      expect(opt.steps).toBe(k);
      s = t.apply(opt, s, g, k + 1);
      p = ref.step(p, g, LR(k));
      expect(s.params).toEqual(p);
    }
    expect(opt.steps).toBe(5);
  });

  it('uses the schedule: lr 0.5 for steps 0–1, then 0.05; lrScale multiplies, lr overrides', () => {
    const t = tinyTrainer();
    const ones = vec(t, () => 1);
    const s0 = t.initial();
    const x0 = s0.params[0]!;
    const opt = t.optimizer();
    const s2 = steps(t, opt, s0, ones, 2);
    expect(s2.params[0]).toBe(Math.fround(Math.fround(x0 - 0.5) - 0.5));
    const s3 = t.apply(opt, s2, ones, 3);
    expect(s3.params[0]).toBe(Math.fround(s2.params[0]! - LR(2)));
    expect(LR(2)).toBeCloseTo(0.05, 12);
    const scaled = t.apply(t.optimizer(), s0, ones, 1, { lrScale: 0.25 });
    expect(scaled.params[0]).toBe(Math.fround(x0 - 0.5 * 0.25));
    const own = t.apply(t.optimizer(), s0, ones, 1, { lr: 0.3, lrScale: 0.5 });
    expect(own.params[0]).toBe(Math.fround(x0 - 0.3 * 0.5));
  });

  it('steps only the range, copying the rest unchanged', () => {
    const t = tinyTrainer(3, 'momentum', { momentum: 0.9 });
    const s0 = t.initial();
    const g = vec(t, (i) => 1 + i / 10);
    const range: ParamRange = [4, 11];
    const opt = t.optimizer();
    const ref = getOptimizer('momentum').create({ momentum: 0.9 });
    const want = s0.params.slice();
    let s = s0;
    for (let k = 0; k < 3; k++) {
      s = t.apply(opt, s, g, k + 1, { range });
      ref.stepInPlace(want.subarray(4, 11), g.subarray(4, 11), LR(k));
      expect(s.params).toEqual(want);
    }
    for (let i = 0; i < t.paramCount; i++) if (i < 4 || i >= 11) expect(s.params[i]).toBe(s0.params[i]);
    expect(s0.params).toEqual(t.initial().params);
  });

  it('rejects foreign states, bad ranges and vectors of the wrong length', () => {
    const t = tinyTrainer();
    const s = t.initial();
    const g = vec(t, () => 1);
    const foreign = { steps: 0, stateSlots: 0, clone: () => foreign, reset: () => undefined };
    expect(() => t.apply(foreign, s, g, 1)).toThrow(TypeError);
    for (const range of [
      [-1, 3],
      [3, 2],
      [0, 19],
      [0.5, 3],
    ] as ParamRange[]) {
      expect(() => t.apply(t.optimizer(), s, g, 1, { range })).toThrow(RangeError);
    }
    expect(() => t.apply(t.optimizer(), s, new Float32Array(17), 1)).toThrow(RangeError);
    expect(() => t.apply(t.optimizer(), makeSnapshot(0, new Float32Array(17)), g, 1)).toThrow(RangeError);
    expect(() => t.apply(t.optimizer(), s, g, 1, { lrScale: -1 })).toThrow(RangeError);
  });
});

describe('FullTrainer optimizer states', () => {
  it('makes a spec optimizer that steps at its own constant lr', () => {
    const t = tinyTrainer();
    const spec = { kind: 'nesterov', lr: 0.7, options: { momentum: 0.8 } };
    const opt = t.optimizer(spec);
    expect(opt.stateSlots).toBe(1);
    const ref = getOptimizer('nesterov').create({ momentum: 0.8 });
    const g = vec(t, (i) => Math.cos(i));
    let s = t.initial();
    let p = s.params;
    for (let k = 0; k < 4; k++) {
      s = t.apply(opt, s, g, k + 1);
      p = ref.step(p, g, 0.7);
      expect(s.params).toEqual(p);
    }
    // An explicit lr still wins; a spec without lr follows the scenario's schedule.
    const over = t.apply(t.optimizer(spec), t.initial(), g, 1, { lr: 0.1 });
    expect(over.params).toEqual(getOptimizer('nesterov').create({ momentum: 0.8 }).step(t.initial().params, g, 0.1));
    const sched = t.apply(t.optimizer({ kind: 'sgd', options: {} }), t.initial(), g, 1);
    expect(sched.params).toEqual(getOptimizer('sgd').create().step(t.initial().params, g, LR(0)));
  });

  it('rejects bad specs', () => {
    const t = tinyTrainer();
    expect(() => t.optimizer({ kind: 'lion', options: {} })).toThrow(RangeError);
    expect(() => t.optimizer({ kind: 'adam', options: { beta3: 1 } })).toThrow(RangeError);
    expect(() => t.optimizer({ kind: 'sgd', lr: NaN, options: {} })).toThrow(RangeError);
  });

  it('clones deeply (steps, state and the spec lr) and resets to new', () => {
    const t = tinyTrainer(3, 'momentum', { momentum: 0.9 });
    const g = vec(t, (i) => i - 8);
    const h = vec(t, (i) => 1 / (i + 1));
    for (const spec of [undefined, { kind: 'momentum', lr: 0.2, options: { momentum: 0.5 } }]) {
      const a = t.optimizer(spec);
      const s = steps(t, a, t.initial(), g, 3);
      const c = a.clone();
      expect(c.steps).toBe(3);
      expect(c.stateSlots).toBe(1);
      // Stepping the original again must not move the clone: its next step equals a fresh clone's.
      const twin = a.clone();
      steps(t, a, s, h, 2);
      expect(t.apply(c, s, h, 4).params).toEqual(t.apply(twin, s, h, 4).params);
      expect(a.steps).toBe(5);
      a.reset();
      expect(a.steps).toBe(0);
      expect(t.apply(a, t.initial(), g, 1).params).toEqual(t.apply(t.optimizer(spec), t.initial(), g, 1).params);
    }
  });
});

describe('FullTrainer snapshots', () => {
  it('snapshot owns the vector and checks its length', () => {
    const t = tinyTrainer();
    const p = vec(t, (i) => i);
    const s = t.snapshot(p, 9);
    expect(s.params).toBe(p);
    expect(s.version).toBe(9);
    expect(() => t.snapshot(new Float32Array(3), 1)).toThrow(RangeError);
  });

  it('composes ranges given in any order that tile the vector', () => {
    const t = tinyTrainer();
    const a = t.snapshot(
      vec(t, () => 1),
      1,
    );
    const b = t.snapshot(
      vec(t, () => 2),
      2,
    );
    const c = t.snapshot(
      vec(t, () => 3),
      3,
    );
    const s = t.compose(
      [
        { snapshot: c, range: [12, 18] },
        { snapshot: a, range: [0, 5] },
        { snapshot: b, range: [5, 5] },
        { snapshot: b, range: [5, 12] },
      ],
      4,
    );
    expect(s.version).toBe(4);
    expect(Array.from(s.params)).toEqual([...Array(5).fill(1), ...Array(7).fill(2), ...Array(6).fill(3)]);
    expect(a.params).toEqual(vec(t, () => 1));
  });

  it('rejects gaps, overlaps and ranges outside the vector', () => {
    const t = tinyTrainer();
    const a = t.initial();
    const compose = (ranges: ParamRange[]): unknown =>
      t.compose(
        ranges.map((range) => ({ snapshot: a, range })),
        1,
      );
    expect(() =>
      compose([
        [0, 5],
        [6, 18],
      ]),
    ).toThrow(/uncovered/);
    expect(() => compose([[0, 17]])).toThrow(/uncovered/);
    expect(() => compose([[1, 18]])).toThrow(/uncovered/);
    expect(() => compose([])).toThrow(/uncovered/);
    expect(() =>
      compose([
        [0, 6],
        [5, 18],
      ]),
    ).toThrow(/overlaps/);
    expect(() =>
      compose([
        [0, 18],
        [0, 18],
      ]),
    ).toThrow(/overlaps/);
    expect(() => compose([[0, 19]])).toThrow(RangeError);
    expect(() =>
      compose([
        [3, 2],
        [0, 18],
      ]),
    ).toThrow(RangeError);
    const short = makeSnapshot(0, new Float32Array(3));
    expect(() => t.compose([{ snapshot: short, range: [0, 18] }], 1)).toThrow(RangeError);
  });

  it('averages in rank order, with or without weights', () => {
    const t = tinyTrainer();
    const a = t.snapshot(
      vec(t, (i) => i),
      3,
    );
    const b = t.snapshot(
      vec(t, (i) => 2 * i + 1),
      5,
    );
    const plain = t.average([a, b], 6);
    expect(plain.version).toBe(6);
    expect(plain.params).toEqual(vec(t, (i) => (3 * i + 1) / 2));
    expect(plain.params).toEqual(PARAM_MATH.mean([a.params, b.params]));
    const weighted = t.average([a, b], 7, [3, 1]);
    expect(weighted.params).toEqual(vec(t, (i) => (3 * i + 2 * i + 1) / 4));
    expect(t.average([a, b], 8, [2, 2]).params).toEqual(plain.params);
    expect(() => t.average([], 1)).toThrow(RangeError);
    expect(() => t.average([a, b], 1, [1])).toThrow(RangeError);
    expect(() => t.average([makeSnapshot(0, new Float32Array(3))], 1)).toThrow(RangeError);
  });
});
