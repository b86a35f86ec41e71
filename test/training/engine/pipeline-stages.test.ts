import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initBackend, liveTensors } from '../../../src/training/tensor-backend.ts';
import { GradientEngine } from '../../../src/training/engine/gradient-engine.ts';
import { makeSnapshot } from '../../../src/training/engine/snapshot.ts';
import {
  lossGradient,
  splitDenseModel,
  stageBackward,
  stageForward,
} from '../../../src/training/engine/pipeline-stages.ts';
import { mlp } from '../../../src/training/models/mlp.ts';
import { cnn } from '../../../src/training/models/cnn.ts';
import { maxRelDiff, randomBatch, randomParams } from './fixtures.ts';

beforeAll(async () => {
  await initBackend();
});

const model = mlp([6, 5, 4], 7, 3); // 4 dense layers

describe('pipeline stages', () => {
  it('composes stage-wise forward and backward into the whole-model gradient when W_b = W_f', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (s, n, seed) => {
        const staged = splitDenseModel(model, s);
        const params = randomParams(model, `p${seed}`);
        const batch = randomBatch(model, n, `b${seed}`);
        const parts = staged.split(params);
        // Forward through every stage, keeping each stash, then backward from the loss.
        let act = batch.x;
        const stashes = staged.stages.map((st, i) => {
          const f = stageForward(st, parts[i]!, act, n);
          act = f.output;
          return f.stash;
        });
        const { loss, dLogits } = lossGradient(act, batch.y, n, model.numClasses);
        let up = dLogits;
        const grads: Float32Array[] = new Array<Float32Array>(s);
        for (let i = s - 1; i >= 0; i--) {
          const b = stageBackward(staged.stages[i]!, parts[i]!, stashes[i]!, up, i > 0);
          grads[i] = b.grad;
          if (i > 0) up = b.inputGrad!;
          else expect(b.inputGrad).toBeNull();
        }
        // Independent reference: tfjs autograd through the whole model.
        const whole = new GradientEngine(model, { backprop: 'autograd' })
          .request(makeSnapshot(0, params), batch)
          .value();
        expect(maxRelDiff(staged.join(grads), whole.grad)).toBeLessThan(1e-6);
        expect(loss).toBeCloseTo(whole.loss, 5);
      }),
      { numRuns: 20, seed: 3 },
    );
  });

  it('propagates error with W_b and takes the weight gradient from the forward-time activations', () => {
    // One hidden stage of one layer: out = relu(x·W + b). With upstream g and mask m = [out > 0]:
    // ∂L/∂x = (g⊙m)·W_bᵀ and ∂L/∂W = xᵀ·(g⊙m), where x and m come from the forward pass with W_f.
    const one = mlp([4], 3, 2);
    const staged = splitDenseModel(one, 2);
    const st = staged.stages[0]!;
    const n = 5;
    const wF = randomParams(one, 'wf').subarray(0, st.layout.size);
    const wB = randomParams(one, 'wb').subarray(0, st.layout.size);
    const x = randomBatch(one, n, 'x').x;
    const g = randomParams(one, 'g', 1).subarray(0, n * 4);
    const fwd = stageForward(st, wF, x, n);
    const back = stageBackward(st, wB, fwd.stash, g);
    const back2 = stageBackward(st, wF, fwd.stash, g);
    const gm = g.map((v, i) => (fwd.output[i]! > 0 ? v : 0));
    const dx = new Float64Array(n * 3);
    const dW = new Float64Array(12);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++) {
          dx[r * 3 + i] = dx[r * 3 + i]! + gm[r * 4 + j]! * wB[i * 4 + j]!;
          dW[i * 4 + j] = dW[i * 4 + j]! + x[r * 3 + i]! * gm[r * 4 + j]!;
        }
    expect(maxRelDiff(back.inputGrad!, dx)).toBeLessThan(1e-6);
    expect(maxRelDiff(back.grad.subarray(0, 12), dW)).toBeLessThan(1e-6);
    // The weight gradient does not depend on W_b at all.
    expect(back.grad).toEqual(back2.grad);
  });

  it('splits layers evenly or as listed, and split/join round-trips', () => {
    const staged = splitDenseModel(model, 3);
    expect(staged.stages.map((s) => s.layers)).toEqual([2, 1, 1]);
    expect(staged.stages.map((s) => [s.inputSize, s.outputSize])).toEqual([
      [7, 5],
      [5, 4],
      [4, 3],
    ]);
    expect(staged.stages.map((s) => s.last)).toEqual([false, false, true]);
    expect(staged.stages[1]!.layout.entries.map((e) => e.name)).toEqual(['dense2/kernel', 'dense2/bias']);
    const p = randomParams(model, 'rt');
    expect(staged.join(staged.split(p))).toEqual(p);
    expect(splitDenseModel(model, [1, 3]).stages.map((s) => s.firstLayer)).toEqual([0, 1]);
    expect(() => splitDenseModel(model, 5)).toThrow(/4 layers/);
    expect(() => splitDenseModel(model, [2, 1])).toThrow(/sum to 4/);
    expect(() => splitDenseModel(cnn(), 2)).toThrow(/not a dense stack/);
  });

  it('leaks no tensors', () => {
    const staged = splitDenseModel(model, 2);
    const parts = staged.split(randomParams(model, 'l'));
    const b = randomBatch(model, 3, 'l');
    const step = (): void => {
      const f0 = stageForward(staged.stages[0]!, parts[0]!, b.x, 3);
      const f1 = stageForward(staged.stages[1]!, parts[1]!, f0.output, 3);
      const { dLogits } = lossGradient(f1.output, b.y, 3, 3);
      const b1 = stageBackward(staged.stages[1]!, parts[1]!, f1.stash, dLogits);
      stageBackward(staged.stages[0]!, parts[0]!, f0.stash, b1.inputGrad!, false);
    };
    step();
    const before = liveTensors();
    step();
    expect(liveTensors()).toBe(before);
  });
});
