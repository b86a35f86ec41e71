import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, liveTensors } from '../../src/training/tensor-backend.ts';
import { evaluate, evaluateOn } from '../../src/training/evaluate.ts';
import { closeSharedThreadPool } from '../../src/training/engine/shared-pool.ts';
import { GradientEngine } from '../../src/training/engine/gradient-engine.ts';
import { makeSnapshot } from '../../src/training/engine/snapshot.ts';
import { logisticRegression } from '../../src/training/models/logistic-regression.ts';
import { mlp, mlp2nn } from '../../src/training/models/mlp.ts';
import { randomBatch, randomParams, referenceDenseLoss } from './engine/fixtures.ts';

beforeAll(async () => {
  await initBackend();
});

describe('evaluate', () => {
  it('counts a sample correct when its largest logit is its label', () => {
    // 2 features, 2 classes, W = I, b = 0: logits = x, so the prediction is the larger feature.
    const model = logisticRegression(2, 2);
    const params = Float32Array.of(1, 0, 0, 1, 0, 0);
    const x = Float32Array.of(1, 0, 0, 1, 2, 1, 0, 3);
    const r = evaluate(model, params, { x, y: Int32Array.of(0, 1, 1, 1), n: 4 });
    expect(r.accuracy).toBe(0.75);
    // loss of a row with logits (a, b) and label c: log(eᵃ + eᵇ) − logit_c.
    const ce = (a: number, b: number, c: number): number => Math.log(Math.exp(a) + Math.exp(b)) - (c === 0 ? a : b);
    expect(r.loss).toBeCloseTo((ce(1, 0, 0) + ce(0, 1, 1) + ce(2, 1, 1) + ce(0, 3, 1)) / 4, 6);
  });

  it('counts the distinct classes predicted, so a model that predicts one class for everything shows as collapsed', () => {
    const model = logisticRegression(2, 2);
    const x = Float32Array.of(1, 0, 0, 1, 2, 1, 0, 3);
    const y = Int32Array.of(0, 1, 1, 1);
    expect(evaluate(model, Float32Array.of(1, 0, 0, 1, 0, 0), { x, y, n: 4 }).predictedClasses).toBe(2);
    // W = 0, b = (0, 1): every logit row is (0, 1), so every sample is predicted as class 1, and the
    // accuracy is class 1's share of the set, 3/4: a high number from a constant predictor.
    const collapsed = evaluate(model, Float32Array.of(0, 0, 0, 0, 0, 1), { x, y, n: 4 }, 3);
    expect(collapsed.predictedClasses).toBe(1);
    expect(collapsed.accuracy).toBe(0.75);
  });

  it('reports NaN accuracy and loss, and no predicted class, for non-finite parameters', () => {
    const model = logisticRegression(2, 2);
    const x = Float32Array.of(1, 0, 0, 1);
    const y = Int32Array.of(0, 1);
    const nan = evaluate(model, Float32Array.of(Number.NaN, 0, 0, 1, 0, 0), { x, y, n: 2 });
    expect(nan.accuracy).toBeNaN();
    expect(nan.loss).toBeNaN();
    expect(nan.predictedClasses).toBe(0);
    // An infinite weight: 0 · ∞ is NaN in the second row, and the first row's logits (∞, 0) have no
    // finite loss either; arg-max would have called both rows class 0.
    const inf = evaluate(model, Float32Array.of(Infinity, 0, 0, 1, 0, 0), { x, y, n: 2 });
    expect(inf.accuracy).toBeNaN();
    expect(Number.isFinite(inf.loss)).toBe(false);
  });

  it('agrees with the float64 reference and the engine, whatever the chunk size', () => {
    const model = mlp([8], 6, 3);
    const params = randomParams(model, 'e');
    const set = randomBatch(model, 37, 'e');
    const ref = referenceDenseLoss([6, 8, 3], params, set);
    const losses = [1, 5, 37, 1000].map((chunk) => evaluate(model, params, set, chunk));
    for (const r of losses) {
      expect(r.loss).toBeCloseTo(ref, 5);
      expect(r.accuracy).toBe(losses[0]!.accuracy);
      expect(r.samples).toBe(37);
    }
    expect(new GradientEngine(model).request(makeSnapshot(0, params), set).value().loss).toBeCloseTo(ref, 5);
  });

  it('gives the same bytes cut between threads as on one thread, non-finite rows included', async () => {
    const model = mlp2nn();
    const set = randomBatch(model, 1001, 'eval-split');
    const params = randomParams(model, 'eval-split-p', 0.1);
    const odd = params.slice();
    odd[5] = Number.NaN; // one input pixel's weight: rows with that pixel nonzero get NaN logits
    const on = new GradientEngine(model, { threads: 1 });
    expect(await on.threadsReady()).toBe(true);
    const off = new GradientEngine(model, { threads: 0 });
    for (const p of [params, odd]) {
      const ref = evaluate(model, p, set);
      for (const chunk of [2000, 300]) {
        for (const engine of [on, off]) expect(evaluateOn(engine, p, set, chunk)).toEqual(ref);
      }
      const rows = on.evaluateRows(p, set.x, set.y, set.n, 2000);
      expect(rows.helperParts).toBe(1);
    }
    // Sets in turn (runs of a sweep): the helper keeps one set at a time and is sent the other again.
    const other = randomBatch(model, 600, 'eval-split-2');
    for (const s of [other, set, other]) expect(evaluateOn(on, params, s)).toEqual(evaluate(model, params, s));
    expect(on.stats().threads).toBe(1);
    await closeSharedThreadPool();
  });

  it('leaks no tensors and rejects bad input', () => {
    const model = mlp([8], 6, 3);
    const params = randomParams(model, 'e');
    const set = randomBatch(model, 10, 'e');
    evaluate(model, params, set, 3);
    const before = liveTensors();
    evaluate(model, params, set, 3);
    expect(liveTensors()).toBe(before);
    expect(() => evaluate(model, new Float32Array(2), set)).toThrow(/needs/);
    expect(() => evaluate(model, params, { ...set, n: 0 })).toThrow(/n > 0/);
    expect(() => evaluate(model, params, set, 0)).toThrow(/chunk/);
  });
});
