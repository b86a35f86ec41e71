import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { FullTrainer } from '../../../src/schedules/lib/full-trainer.ts';
import { PARAM_MATH } from '../../../src/schedules/lib/param-math.ts';
import type { ActRef, StagedTrainer } from '../../../src/schedules/lib/staged.ts';
import type { GradientRef } from '../../../src/schedules/lib/trainer.ts';
import { EMPTY_ACT } from '../../../src/schedules/lib/staged.ts';
import { createWorkerSamplers } from '../../../src/training/datasets/batch-sampler.ts';
import { shardIid } from '../../../src/training/datasets/sharding.ts';
import { makeGaussianMixture } from '../../../src/training/datasets/synthetic.ts';
import { GradientEngine } from '../../../src/training/engine/gradient-engine.ts';
import { makeSnapshot, type ParamSnapshot } from '../../../src/training/engine/snapshot.ts';
import { createModel } from '../../../src/training/models/create-model.ts';
import { initParams } from '../../../src/training/models/layout.ts';
import { logisticRegression } from '../../../src/training/models/logistic-regression.ts';
import type { Model } from '../../../src/training/models/model.ts';
import { constantLr } from '../../../src/training/optimizers/lr-schedules.ts';
import { getOptimizer } from '../../../src/training/optimizers/registry.ts';
import { initBackend } from '../../../src/training/tensor-backend.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** deep8 on 5 features and 3 classes: 5-64×8-3, nine dense layers. */
const deep8 = (): Model => createModel({ kind: 'mlp', preset: 'deep8', inputSize: 5, numClasses: 3 });

/** A real trainer on a 3-class Gaussian mixture with 5 features; equal arguments give equal trainers. */
function trainer(model: Model, keys = 2, batchSize = 8): FullTrainer {
  const rng = new Rng(23);
  const split = makeGaussianMixture({ n: 200, d: 5, numClasses: 3, testFraction: 0.1 }, rng.fork('data'));
  const shards = shardIid(split.train.n, keys, rng.fork('shards'));
  return new FullTrainer({
    engine: new GradientEngine(model),
    train: split.train,
    test: split.test,
    samplers: createWorkerSamplers(shards, rng.fork('batches')),
    batchSize,
    initialParams: initParams(model.layout, rng.fork('init'), 'relu-he'),
    newOptimizer: () => getOptimizer('sgd').create({}),
    lr: constantLr(0.1),
  });
}

/** Largest |a − b| over two equal-length vectors. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * One flush of M micro-batches from `key`, every stage at the weights of `w` (W_f = W_b): forward
 * through every stage, backward from the last; per stage the mean of the micro-batch gradients.
 */
function flush(st: StagedTrainer, w: readonly ParamSnapshot[], key: number, m: number, rows: number) {
  const perStage: Float32Array[][] = w.map(() => []);
  const losses: number[] = [];
  for (let j = 0; j < m; j++) {
    const acts: ActRef[] = [];
    let x = st.input(key, rows);
    for (let s = 0; s < st.stages; s++) acts.push((x = st.forward(s, w[s]!, x)));
    let dOut: ActRef | null = null;
    for (let s = st.stages - 1; s >= 0; s--) {
      const b = st.backward(s, w[s]!, acts[s]!, dOut);
      const v = b.grad.value();
      perStage[s]!.push(v.grad);
      if (s === 0) losses.push(v.loss);
      dOut = b.dIn;
    }
  }
  return { perStage: perStage.map((g) => PARAM_MATH.mean(g)), losses };
}

describe('FullTrainer.staged: the flush fast path', () => {
  // With W_f = W_b = the current weights, each stage's backward is exact backpropagation restricted
  // to its layers (spec §0.3), so for micro-batch j the per-stage gradients joined are ∇L_j, the
  // gradient of micro-batch j's mean loss. Averaging over M equal-size micro-batches gives
  // (1/M)Σ_j ∇L_j = ∇ of the mean loss over the M·rows samples, which is what meanGradient computes
  // for the same M batches in one pass. Two trainers built alike draw the same batches.
  for (const stages of [1, 4, 8, [2, 3, 4]] as const) {
    it(`S = ${JSON.stringify(stages)} on deep8: joined per-stage means equal meanGradient over M = 4 micro-batches`, () => {
      const ref = trainer(deep8());
      const t = trainer(deep8());
      const s0 = ref.initial();
      const want = ref.meanGradient(s0, [1, 1, 1, 1]).value();
      const st = t.staged(stages);
      const parts = st.split(t.initial());
      expect(parts.map((p) => p.version)).toEqual(parts.map(() => 0));
      expect(st.stageParamCounts.reduce((a, b) => a + b, 0)).toBe(t.paramCount);
      const { perStage, losses } = flush(st, parts, 1, 4, 8);
      const got = st.join(
        perStage.map((params) => ({ version: 0, params })),
        3,
      );
      expect(got.version).toBe(3);
      expect(maxDiff(got.params, want.grad)).toBeLessThan(1e-6);
      expect(Math.abs(losses.reduce((a, b) => a + b, 0) / 4 - want.loss)).toBeLessThan(1e-6);
    });
  }
});

describe('FullTrainer.staged: grouped passes', () => {
  it('runs the M micro-batches of one (stage, snapshot) as one pass, with the same gradients as one by one', () => {
    // All M forwards, then all M backwards queued before any read: one forward and one backward pass per
    // stage (S each), against S·M of each when every handle is read as soon as it is made. Dense passes
    // are row-wise, so stacking the rows changes no micro-batch's result beyond rounding.
    const m = 4;
    const grouped = trainer(deep8());
    const single = trainer(deep8());
    const gs = grouped.staged(4);
    const ss = single.staged(4);
    const gw = gs.split(grouped.initial());
    const sw = ss.split(single.initial());
    const acts: ActRef[][] = [];
    for (let j = 0; j < m; j++) {
      let x = gs.input(0, 8);
      acts.push(gw.map((w, s) => (x = gs.forward(s, w, x))));
    }
    const grads = acts.map(() => new Array<GradientRef>(4));
    let dOuts: (ActRef | null)[] = acts.map(() => null);
    for (let s = 3; s >= 0; s--) {
      dOuts = acts.map((a, j) => {
        const b = gs.backward(s, gw[s]!, a[s]!, dOuts[j]!);
        grads[j]![s] = b.grad;
        return b.dIn;
      });
    }
    expect(gs.stats()).toEqual({ forwardPasses: 0, backwardPasses: 0 });
    const got = grads.map((g) => g.map((r) => r.value()));
    expect(gs.stats()).toEqual({ forwardPasses: 4, backwardPasses: 4 });
    const { perStage, losses } = flush(ss, sw, 0, 1, 8);
    // Micro-batch 0 one by one equals micro-batch 0 of the grouped passes.
    perStage.forEach((g, s) => expect(maxDiff(got[0]![s]!.grad, g)).toBeLessThan(1e-6));
    expect(Math.abs(got[0]![0]!.loss - losses[0]!)).toBeLessThan(1e-6);
    // Every stage of a micro-batch reports that micro-batch's loss.
    for (const g of got) for (const r of g) expect(r.loss).toBe(g[3]!.loss);
    // And the grouped per-stage means joined are meanGradient of the same four batches.
    const ref = trainer(deep8());
    const want = ref.meanGradient(ref.initial(), [0, 0, 0, 0]).value();
    const joined = gs.join(
      [0, 1, 2, 3].map((s) => ({ version: 0, params: PARAM_MATH.mean(got.map((g) => g[s]!.grad)) })),
      1,
    );
    expect(maxDiff(joined.params, want.grad)).toBeLessThan(1e-6);
  });
});

describe('FullTrainer.staged: passes', () => {
  it('split then join gives the snapshot back, each stage carrying its version', () => {
    const t = trainer(deep8());
    const st = t.staged(4);
    expect(st.stages).toBe(4);
    const s = t.snapshot(t.initial().params.slice(), 5);
    const parts = st.split(s);
    expect(parts.map((p) => p.version)).toEqual([5, 5, 5, 5]);
    expect(parts.map((p) => p.params.length)).toEqual(st.stageParamCounts);
    const back = st.join(parts, 6);
    expect(back.version).toBe(6);
    expect(Array.from(back.params)).toEqual(Array.from(s.params));
  });

  it('W_b ≠ W_f: the last stage propagates dLogits·W_bᵀ but its own gradient uses the stashed input', () => {
    // A 2-layer MLP cut in two, so the last stage is one dense layer z = a·K + b. Its weight gradient aᵀ·dz reads only the stash and dz (the same for any W_b);
    // its input gradient dz·K_bᵀ uses the backward-time kernel, here K_b = 2·K_f, so it doubles.
    const model = createModel({ kind: 'mlp', hidden: [6], inputSize: 5, numClasses: 3 });
    const t = trainer(model);
    const st = t.staged(2);
    const wf = st.split(t.initial());
    const wb1 = makeSnapshot(1, PARAM_MATH.scale(2, wf[1]!.params));
    const x = st.input(0, 8);
    const h = st.forward(0, wf[0]!, x);
    const y = st.forward(1, wf[1]!, h);
    const same = st.backward(1, wf[1]!, y, null);
    const other = st.backward(1, wb1, y, null);
    expect(maxDiff(other.grad.value().grad, same.grad.value().grad)).toBe(0);
    const d1 = same.dIn.value();
    const d2 = other.dIn.value();
    expect(d1).toHaveLength(8 * 6);
    expect(maxDiff(d2, PARAM_MATH.scale(2, d1))).toBeLessThan(1e-6);
    // Stage 0 has no input gradient to pass on.
    expect(st.backward(0, wf[0]!, h, other.dIn).dIn).toBe(EMPTY_ACT);
  });

  it('computes lazily: a handle runs its pass on the first read, once', () => {
    const t = trainer(deep8());
    const st = t.staged(2);
    const w = st.split(t.initial());
    const y0 = st.forward(0, w[0]!, st.input(0, 4));
    const y1 = st.forward(1, w[1]!, y0);
    const b = st.backward(1, w[1]!, y1, null);
    expect(y1.rows).toBe(4);
    expect(y1.value()).toBe(y1.value());
    expect(b.grad.value().grad).toBe(b.grad.value().grad);
    expect(y1.value()).toHaveLength(4 * 3);
  });

  it('rejects more stages than layers (naming both), a non-dense model, and misplaced handles', () => {
    const t = trainer(deep8());
    expect(() => t.staged(10)).toThrow(/has 9 layers; cannot make 10 stages/);
    expect(() => t.staged([4, 4])).toThrow(/sum to 9/);
    const st = t.staged(3);
    const w = st.split(t.initial());
    const x = st.input(0, 4);
    expect(() => st.forward(1, w[1]!, x)).toThrow(/stage 0's output/);
    expect(() => st.forward(3, w[0]!, x)).toThrow(/no stage 3/);
    expect(() => st.input(0, 0)).toThrow(RangeError);
    expect(() => st.input(5, 4)).toThrow(/no data shard 5/);
    const y0 = st.forward(0, w[0]!, x);
    expect(() => st.backward(0, w[0]!, y0, null)).toThrow(/null exactly for the last stage/);
    expect(() => st.backward(1, w[1]!, y0, null)).toThrow(/stage 1's forward output/);
    expect(() => st.join(w.slice(1), 0)).toThrow(/2 parts for 3 stages/);
    const lr = trainer(logisticRegression(5, 3));
    expect(() => lr.staged(2)).toThrow(/has 1 layers; cannot make 2 stages/);
  });
});
