import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initBackend, liveTensors } from '../../../src/training/tensor-backend.ts';
import { GradientEngine, type GradHandle } from '../../../src/training/engine/gradient-engine.ts';
import { makeSnapshot, type ParamSnapshot } from '../../../src/training/engine/snapshot.ts';
import type { GradBatch } from '../../../src/training/engine/batch.ts';
import { logisticRegression } from '../../../src/training/models/logistic-regression.ts';
import { mlp } from '../../../src/training/models/mlp.ts';
import { cnn } from '../../../src/training/models/cnn.ts';
import { finiteDifferences, maxRelDiff, randomBatch, randomParams, referenceDenseLoss } from './fixtures.ts';

beforeAll(async () => {
  await initBackend();
});

describe('GradientEngine gradients', () => {
  // Float32 engine vs float64 central differences (h = 1e-5, truncation O(h²) ≈ 1e-10): the gap is
  // float32 rounding in the engine, ~1e-6 relative, so 1e-4 leaves margin without hiding a bug.
  it('matches finite differences for logistic regression', () => {
    const model = logisticRegression(6, 4);
    const params = randomParams(model, 'lr-p');
    const batch = randomBatch(model, 9, 'lr-b');
    const fd = finiteDifferences(params, (p) => referenceDenseLoss([6, 4], p, batch));
    const r = new GradientEngine(model).request(makeSnapshot(0, params), batch).value();
    expect(maxRelDiff(r.grad, fd)).toBeLessThan(1e-4);
    expect(r.loss).toBeCloseTo(referenceDenseLoss([6, 4], params, batch), 5);
    expect(r.samples).toBe(9);
  });

  it('matches finite differences for a tiny MLP on both the dense and the autograd path', () => {
    const widths = [5, 4, 3, 3];
    const model = mlp([4, 3], 5, 3);
    const params = randomParams(model, 'mlp-p');
    const batch = randomBatch(model, 7, 'mlp-b');
    const fd = finiteDifferences(params, (p) => referenceDenseLoss(widths, p, batch));
    for (const backprop of ['dense', 'autograd'] as const) {
      const r = new GradientEngine(model, { backprop }).request(makeSnapshot(0, params), batch).value();
      expect(maxRelDiff(r.grad, fd), backprop).toBeLessThan(1e-4);
    }
  });

  it('gives the CNN a gradient whose directional derivative matches finite differences', () => {
    // No float64 reference for convolutions: check g·v against (L(w+hv) − L(w−hv))/2h along random v,
    // with the losses from the engine itself (float32, so h is large and the tolerance loose).
    const model = cnn({ imageSize: 8, filters: [2, 3], kernel: 3, numClasses: 4 });
    const params = randomParams(model, 'cnn-p', 0.4);
    const batch = randomBatch(model, 5, 'cnn-b');
    const engine = new GradientEngine(model);
    const g = engine.request(makeSnapshot(0, params), batch).value().grad;
    const v = randomParams(model, 'cnn-v', 1);
    const h = 1e-2;
    const shifted = (sign: number): number =>
      engine
        .request(
          makeSnapshot(
            1,
            params.map((w, i) => w + sign * h * v[i]!),
          ),
          batch,
        )
        .value().loss;
    const fd = (shifted(1) - shifted(-1)) / (2 * h);
    let dot = 0;
    for (let i = 0; i < g.length; i++) dot += g[i]! * v[i]!;
    expect(Math.abs(dot - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
  });

  it('gives the same gradient on the dense path and the autograd path for the 2NN shape', () => {
    const model = mlp([200, 200]);
    const snap = makeSnapshot(0, randomParams(model, '2nn-p', 0.08));
    const batch = randomBatch(model, 16, '2nn-b');
    const a = new GradientEngine(model, { backprop: 'dense' }).request(snap, batch).value();
    const b = new GradientEngine(model, { backprop: 'autograd' }).request(snap, batch).value();
    expect(maxRelDiff(a.grad, b.grad)).toBeLessThan(1e-6);
    expect(a.loss).toBeCloseTo(b.loss, 6);
  });
});

describe('GradientEngine batching', () => {
  const model = mlp([6, 5], 7, 4);

  it('returns as the mean of N per-worker gradients at batch b the gradient of the concatenated N·b batch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (workers, b, seed) => {
        const snap = makeSnapshot(0, randomParams(model, `p${seed}`));
        const batches = Array.from({ length: workers }, (_, w) => randomBatch(model, b, `b${seed}/${w}`));
        const engine = new GradientEngine(model);
        const mean = engine.requestMean(snap, batches).value();
        // Concatenation of the N batches, computed as one ordinary request.
        const x = new Float32Array(workers * b * model.inputSize);
        const y = new Int32Array(workers * b);
        batches.forEach((bt, w) => {
          x.set(bt.x, w * b * model.inputSize);
          y.set(bt.y, w * b);
        });
        const whole = engine.request(snap, { x, y, n: workers * b }).value();
        // And the mean of N separate gradients, summed in rank order.
        const each = batches.map((bt) => engine.request(snap, bt).value());
        const avg = new Float64Array(model.layout.size);
        for (const r of each) r.grad.forEach((g, i) => (avg[i] = avg[i]! + g / workers));
        expect(maxRelDiff(mean.grad, whole.grad)).toBeLessThan(1e-6);
        expect(maxRelDiff(avg, whole.grad)).toBeLessThan(1e-6);
        expect(mean.loss).toBeCloseTo(whole.loss, 5);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('computes lazily batched requests (with and without merged rows) equal to eager one-at-a-time requests', () => {
    const snaps = [0, 1, 2].map((v) => makeSnapshot(v, randomParams(model, `snap${v}`)));
    const req = fc.record({
      snap: fc.integer({ min: 0, max: 2 }),
      n: fc.integer({ min: 1, max: 8 }),
      mean: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(req, { minLength: 1, maxLength: 10 }),
        fc.integer(),
        fc.boolean(),
        (reqs, seed, mergeRows) => {
          const batchesOf = (k: number, r: { n: number; mean: number }): GradBatch[] =>
            Array.from({ length: Math.max(1, r.mean) }, (_, j) => randomBatch(model, r.n + j, `${seed}/${k}/${j}`));
          // No helper thread: this test is about the queue, whose requests wait for the first read.
          const lazy = new GradientEngine(model, { mergeRows, threads: 0 });
          const eager = new GradientEngine(model);
          const handles: GradHandle[] = [];
          const expected = reqs.map((r, k) => {
            const snap = snaps[r.snap]!;
            const bs = batchesOf(k, r);
            handles.push(r.mean === 0 ? lazy.request(snap, bs[0]!) : lazy.requestMean(snap, bs));
            return (r.mean === 0 ? eager.request(snap, bs[0]!) : eager.requestMean(snap, bs)).value();
          });
          expect(lazy.pending).toBe(reqs.length);
          expect(handles.every((h) => !h.ready)).toBe(true);
          // Reading the last handle computes every pending request, one group per distinct snapshot.
          handles[handles.length - 1]!.value();
          expect(lazy.pending).toBe(0);
          expect(handles.every((h) => h.ready)).toBe(true);
          expect(lazy.stats().groups).toBe(new Set(reqs.map((r) => r.snap)).size);
          handles.forEach((h, k) => {
            expect(maxRelDiff(h.value().grad, expected[k]!.grad)).toBeLessThan(1e-6);
            expect(h.value().loss).toBeCloseTo(expected[k]!.loss, 6);
          });
        },
      ),
      { numRuns: 30, seed: 7 },
    );
  });

  it('computes per-request gradients of the autograd path (CNN) lazily with the same values', () => {
    const small = cnn({ imageSize: 8, filters: [2, 2], kernel: 3, numClasses: 3 });
    const snap = makeSnapshot(0, randomParams(small, 'cnn', 0.3));
    const batches = [3, 4, 5].map((n) => randomBatch(small, n, `c${n}`));
    const lazy = new GradientEngine(small);
    const hs = batches.map((b) => lazy.request(snap, b));
    const eager = new GradientEngine(small);
    batches.forEach((b, i) => expect(maxRelDiff(hs[i]!.value().grad, eager.request(snap, b).value().grad)).toBe(0));
  });

  it('never mutates the snapshot or the batch it reads', () => {
    const params = randomParams(model, 'immut');
    const batch = randomBatch(model, 5, 'immut');
    const before = [Float32Array.from(params), Float32Array.from(batch.x), Int32Array.from(batch.y)];
    new GradientEngine(model).request(makeSnapshot(3, params), batch).value();
    expect([params, batch.x, batch.y]).toEqual(before);
  });

  it('leaks no tensors across requests, flushes and both differentiation paths', () => {
    const small = cnn({ imageSize: 8, filters: [2, 2], kernel: 3, numClasses: 3 });
    const run = (): void => {
      const e = new GradientEngine(model);
      const s: ParamSnapshot = makeSnapshot(0, randomParams(model, 'leak'));
      const hs = [1, 2, 3].map((n) => e.request(s, randomBatch(model, n, n)));
      hs.push(
        e.requestMean(makeSnapshot(1, randomParams(model, 'leak2')), [
          randomBatch(model, 4, 'm1'),
          randomBatch(model, 4, 'm2'),
        ]),
      );
      hs.forEach((h) => h.value());
      new GradientEngine(small).request(makeSnapshot(0, randomParams(small, 'c')), randomBatch(small, 2, 'c')).value();
    };
    run(); // warm-up: tfjs may cache kernels on first use
    const before = liveTensors();
    run();
    expect(liveTensors()).toBe(before);
  });

  it('rejects snapshots and batches that do not fit the model', () => {
    const e = new GradientEngine(model);
    const good = makeSnapshot(0, randomParams(model, 'x'));
    expect(() => e.request(makeSnapshot(0, new Float32Array(3)), randomBatch(model, 2, 1))).toThrow(/needs \d+/);
    expect(() => e.request(good, { x: new Float32Array(7), y: new Int32Array(2), n: 2 })).toThrow(/n·d/);
    expect(() => e.request(good, { x: new Float32Array(7), y: Int32Array.of(4), n: 1 })).toThrow(/outside \[0, 4\)/);
    expect(() => e.requestMean(good, [])).toThrow(/at least one/);
    expect(() => new GradientEngine(cnn(), { backprop: 'dense' })).toThrow(/no dense stack/);
    expect(() => makeSnapshot(-1, new Float32Array(1))).toThrow(RangeError);
    expect(e.pending).toBe(0);
  });
});
