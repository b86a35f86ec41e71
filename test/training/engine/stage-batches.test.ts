import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initBackend, liveTensors } from '../../../src/training/tensor-backend.ts';
import { splitDenseModel, stageBackward, stageForward } from '../../../src/training/engine/pipeline-stages.ts';
import { stageBackwardMany, stageForwardMany } from '../../../src/training/engine/stage-batches.ts';
import { mlp } from '../../../src/training/models/mlp.ts';
import { maxRelDiff, randomBatch, randomParams } from './fixtures.ts';

beforeAll(async () => {
  await initBackend();
});

const model = mlp([6, 5, 4], 7, 3); // 4 dense layers

describe('stage batches', () => {
  it('gives each micro-batch of a stacked pass what its own pass gives, W_b ≠ W_f included', () => {
    // Forward and error propagation are row-wise and the weight gradient of micro-batch j is aⱼᵀ·dzⱼ
    // over its own rows, so stacking M micro-batches (of different sizes) changes nothing but rounding.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.integer(),
        (stageIndex, sizes, seed) => {
          const staged = splitDenseModel(model, 3);
          const st = staged.stages[stageIndex - 1]!;
          const wF = staged.split(randomParams(model, `f${seed}`))[st.index]!;
          const wB = staged.split(randomParams(model, `b${seed}`))[st.index]!;
          // Stage inputs: random rows of the right width (only stage 0 sees data).
          const inputs = sizes.map((n, j) => ({
            n,
            x: randomBatch(mlp([3], st.inputSize, 3), n, `x${seed}.${j}`).x,
          }));
          const many = stageForwardMany(st, wF, inputs);
          const ups = sizes.map((n, j) => randomBatch(mlp([3], st.outputSize, 3), n, `d${seed}.${j}`).x);
          const back = stageBackwardMany(
            st,
            wB,
            many.map((f, j) => ({ stash: f.stash, dOut: ups[j]! })),
            true,
          );
          inputs.forEach((inp, j) => {
            const one = stageForward(st, wF, inp.x, inp.n);
            expect(maxRelDiff(many[j]!.output, one.output)).toBeLessThan(1e-6);
            const b = stageBackward(st, wB, one.stash, ups[j]!, true);
            expect(maxRelDiff(back[j]!.grad, b.grad)).toBeLessThan(1e-6);
            expect(maxRelDiff(back[j]!.inputGrad!, b.inputGrad!)).toBeLessThan(1e-6);
          });
        },
      ),
      { seed: 1212, numRuns: 25 },
    );
  });

  it('leaves no tensors behind and rejects an empty list or a wrong W_b', () => {
    const st = splitDenseModel(model, 2).stages[0]!;
    const w = new Float32Array(st.layout.size).fill(0.1);
    const before = liveTensors();
    const f = stageForwardMany(st, w, [{ n: 2, x: new Float32Array(2 * st.inputSize).fill(1) }]);
    stageBackwardMany(st, w, [{ stash: f[0]!.stash, dOut: new Float32Array(2 * st.outputSize).fill(1) }], false);
    expect(liveTensors()).toBe(before);
    expect(() => stageForwardMany(st, w, [])).toThrow(RangeError);
    expect(() => stageBackwardMany(st, w, [], false)).toThrow(RangeError);
    expect(() => stageBackwardMany(st, w.subarray(1), [{ stash: f[0]!.stash, dOut: f[0]!.output }], false)).toThrow(
      /W_b/,
    );
  });
});
