import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.ts';
import { CompressionState, matrixView } from '../../../../src/schedules/lib/compression/driver.ts';
import { powerSgd } from '../../../../src/schedules/lib/compression/powersgd.ts';
import { qsgd } from '../../../../src/schedules/lib/compression/qsgd.ts';
import { topK } from '../../../../src/schedules/lib/compression/top-k.ts';
import type { Compressor } from '../../../../src/schedules/lib/compression/types.ts';
import { EMPTY_VEC } from '../../../../src/schedules/lib/trainer.ts';
import { normalVec } from './helpers.ts';

const layout = [
  { shape: [3, 3, 2, 4], offset: 0, size: 72 },
  { shape: [4], offset: 72, size: 4 },
  { shape: [4, 10], offset: 76, size: 40 },
];

describe('matrixView', () => {
  it('makes rows of every dim but the last: conv [kh, kw, in, out] → (kh·kw·in) × out; [n] → 1 × n', () => {
    expect(matrixView([3, 3, 64, 128])).toEqual([576, 128]);
    expect(matrixView([784, 200])).toEqual([784, 200]);
    expect(matrixView([10])).toEqual([1, 10]);
    expect(matrixView([])).toEqual([1, 1]);
  });
});

describe('CompressionState', () => {
  const grads = (step: number): Float32Array[] => [0, 1, 2].map((w) => normalVec(116, `${step}-${w}`));

  it('is deterministic: same seed → identical means, residuals included, over several steps', () => {
    const run = (): Float32Array[] => {
      const c = [
        qsgd(2, 16),
        topK(0.2),
        powerSgd({ rank: 1, warmStart: true, minCompressionRate: 1, errorFeedback: true }),
      ];
      const state = new CompressionState((i) => c[i]!, layout, new Rng(5));
      return [0, 1, 2].map((s) => state.mean(grads(s), [4, 5, 6], s));
    };
    expect(run()).toEqual(run());
    const other = new CompressionState(() => qsgd(2, 16), layout, new Rng(6)).mean(grads(0), [4, 5, 6], 0);
    expect(other).not.toEqual(new CompressionState(() => qsgd(2, 16), layout, new Rng(5)).mean(grads(0), [4, 5, 6], 0));
  });

  it('costs nothing in timing-only mode: empty vectors give the empty vector', () => {
    const state = new CompressionState(() => topK(0.1), layout, new Rng(1));
    expect(state.mean([EMPTY_VEC, EMPTY_VEC], [0, 1], 0)).toBe(EMPTY_VEC);
    expect(state.one(EMPTY_VEC, 0, 0)).toBe(EMPTY_VEC);
    expect(state.residualNorm(0)).toBe(0);
  });

  it('keeps residuals per worker id and forgets them on reset', () => {
    const state = new CompressionState(() => topK(0.1), layout, new Rng(1));
    state.mean(grads(0), [4, 5, 6], 0);
    expect(state.residualNorm(5)).toBeGreaterThan(0);
    expect(state.residualNorm(9)).toBe(0);
    state.reset();
    expect(state.residualNorm(5)).toBe(0);
  });

  it('keeps no residual for a compressor without error feedback, and flushes an earlier one once', () => {
    let c: Compressor = topK(0.1, true);
    const state = new CompressionState(() => c, layout, new Rng(1));
    state.mean(grads(0), [0, 1, 2], 0);
    expect(state.residualNorm(0)).toBeGreaterThan(0);
    c = topK(1, false);
    const zeros = [0, 1, 2].map(() => new Float32Array(116));
    const flushed = state.mean(zeros, [0, 1, 2], 1);
    expect(flushed.some((v) => v !== 0)).toBe(true);
    expect(state.residualNorm(0)).toBe(0);
    expect(state.mean(zeros, [0, 1, 2], 2).every((v) => v === 0)).toBe(true);
  });

  it('passes the compressor the matrix view, tensor index and a stream per step and tensor', () => {
    const seen: string[] = [];
    const spy: Compressor = {
      ...topK(1),
      compress(t) {
        seen.push(`${t.index}:${t.rows}x${t.cols}:${t.rng.seedPath}`);
        return topK(1).compress(t);
      },
    };
    new CompressionState(() => spy, layout, new Rng('r')).mean(grads(0), [0, 1, 2], 7);
    expect(seen).toEqual(['0:18x4:r/step-7/0', '1:1x4:r/step-7/1', '2:4x10:r/step-7/2']);
  });

  it('rejects a layout with a gap, a shape that disagrees with its size, and mismatched inputs', () => {
    expect(() => new CompressionState(() => topK(1), [{ shape: [4], offset: 1, size: 4 }], new Rng(1))).toThrow(/gap/);
    expect(() => new CompressionState(() => topK(1), [{ shape: [2, 2], offset: 0, size: 5 }], new Rng(1))).toThrow(
      /shape \[2, 2\] has 4 values, size 5/,
    );
    const state = new CompressionState(() => topK(1), layout, new Rng(1));
    expect(() => state.mean([new Float32Array(10)], [0], 0)).toThrow(/layout of 116/);
    expect(() => state.mean(grads(0), [0, 0, 1], 0)).toThrow(/repeat/);
  });
});
