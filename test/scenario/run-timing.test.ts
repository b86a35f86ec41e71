import { describe, expect, it } from 'vitest';
import { resolveTiming } from '../../src/scenario/run-timing.ts';

describe('resolveTiming: the trained model’s own layers', () => {
  it('times an MLP preset with its own widths (deep8: 784-64×8-10), not the 2NN’s', () => {
    const deep = resolveTiming({ kind: 'model' }, { kind: 'mlp', preset: 'deep8' }, 'fp32', 784, 10);
    expect(deep.profile.name).toBe('model:mlp-784-64-64-64-64-64-64-64-64-10');
    expect(deep.profile.layers.filter((l) => l.params > 0)).toHaveLength(9);
    // 784·64 + 64 + 7·(64·64 + 64) + 64·10 + 10 = 80,010 parameters (mlp.ts).
    expect(deep.profile.layers.reduce((a, l) => a + l.params, 0)).toBe(80_010);
    const twoNN = resolveTiming({ kind: 'model' }, { kind: 'mlp', preset: '2nn' }, 'fp32', 784, 10);
    expect(twoNN.profile.layers.filter((l) => l.params > 0)).toHaveLength(3);
    const hidden = resolveTiming({ kind: 'model' }, { kind: 'mlp', hidden: [32] }, 'fp32', 784, 10);
    expect(hidden.profile.layers.filter((l) => l.params > 0)).toHaveLength(2);
  });
});
