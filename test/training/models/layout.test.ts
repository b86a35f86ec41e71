import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../../src/core/rng.ts';
import { buildLayout, entryView, initParams, layoutEntry, WEIGHT_INITS } from '../../../src/training/models/layout.ts';
import type { WeightInit } from '../../../src/training/models/layout.ts';
import { denseLayout } from '../../../src/training/models/dense-stack.ts';
import { MLP_DEEP8_HIDDEN, MLP_PRESET_NAMES, MLP_PRESETS, mlp2nn, mlp } from '../../../src/training/models/mlp.ts';
import { logisticRegression } from '../../../src/training/models/logistic-regression.ts';
import { cnn } from '../../../src/training/models/cnn.ts';
import { createModel } from '../../../src/training/models/create-model.ts';

describe('parameter layouts', () => {
  it('gives FedAvg 2NN 199,210 parameters', () => {
    // 784·200 + 200 + 200·200 + 200 + 200·10 + 10 = 156,800 + 200 + 40,000 + 200 + 2,000 + 10.
    const m = mlp2nn();
    expect(m.layout.size).toBe(199_210);
    expect(m.name).toBe('mlp 784-200-200-10');
    expect(m.layout.entries.map((e) => [e.name, e.shape])).toEqual([
      ['dense0/kernel', [784, 200]],
      ['dense0/bias', [200]],
      ['dense1/kernel', [200, 200]],
      ['dense1/bias', [200]],
      ['dense2/kernel', [200, 10]],
      ['dense2/bias', [10]],
    ]);
    expect(createModel({ kind: 'mlp', preset: '2nn' }).layout.size).toBe(199_210);
  });

  it('sizes the deep8 preset: 784-64×8-10, nine dense layers for S = 4 or 8 pipeline stages', () => {
    // 784·64+64 = 50,240; seven 64·64+64 = 29,120; 64·10+10 = 650; total 80,010.
    const m = createModel({ kind: 'mlp', preset: 'deep8' });
    expect(m.layout.size).toBe(80_010);
    expect(m.name).toBe('mlp 784-64-64-64-64-64-64-64-64-10');
    expect(m.dense!.widths).toHaveLength(10);
    expect(MLP_PRESET_NAMES).toEqual(['2nn', 'deep8']);
    expect(MLP_PRESETS.deep8).toBe(MLP_DEEP8_HIDDEN);
  });

  it('sizes logistic regression and the CNN', () => {
    expect(logisticRegression().layout.size).toBe(7_850);
    // conv0 5·5·1·8+8 = 208; conv1 5·5·8·16+16 = 3,216; dense (7·7·16)·10+10 = 7,850.
    expect(cnn().layout.size).toBe(11_274);
    expect(cnn().inputSize).toBe(784);
  });

  it('packs entries contiguously for any dense widths', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 2, maxLength: 6 }), (widths) => {
        const l = denseLayout(widths);
        let off = 0;
        for (const e of l.entries) {
          expect(e.offset).toBe(off);
          expect(e.size).toBe(e.shape.reduce((a, b) => a * b, 1));
          off += e.size;
        }
        expect(l.size).toBe(off);
        expect(l.entries).toHaveLength(2 * (widths.length - 1));
      }),
    );
  });

  it('initialises deterministically from the seed, within the Glorot/He limits, with zero biases', () => {
    const m = mlp([20], 30, 5);
    const a = initParams(m.layout, new Rng(9).fork('init'));
    expect(initParams(m.layout, new Rng(9).fork('init'))).toEqual(a);
    expect(initParams(m.layout, new Rng(10).fork('init'))).not.toEqual(a);
    const he = Math.sqrt(6 / 30);
    const glorot = Math.sqrt(6 / (20 + 5));
    const k0 = entryView(a, layoutEntry(m.layout, 'dense0/kernel'));
    const k1 = entryView(a, layoutEntry(m.layout, 'dense1/kernel'));
    expect(Math.max(...k0.map(Math.abs))).toBeLessThanOrEqual(he);
    expect(Math.max(...k0.map(Math.abs))).toBeGreaterThan(0.9 * he);
    expect(Math.max(...k1.map(Math.abs))).toBeLessThanOrEqual(glorot);
    expect(entryView(a, layoutEntry(m.layout, 'dense0/bias')).every((v) => v === 0)).toBe(true);
  });

  it("applies a weight-init scheme by scale only: the same draws, each tensor within its scheme's limit", () => {
    const m = mlp([20], 30, 5);
    const rng = (): Rng => new Rng(9).fork('init');
    const base = initParams(m.layout, rng());
    expect(initParams(m.layout, rng(), 'relu-he')).toEqual(base);
    // Half-widths per scheme for the hidden kernel (fanIn 30, fanOut 20) and the output one (20, 5).
    const limits: Record<WeightInit, [number, number]> = {
      'relu-he': [Math.sqrt(6 / 30), Math.sqrt(6 / 25)],
      'he-uniform': [Math.sqrt(6 / 30), Math.sqrt(6 / 20)],
      'glorot-uniform': [Math.sqrt(6 / 50), Math.sqrt(6 / 25)],
      'lecun-uniform': [Math.sqrt(3 / 30), Math.sqrt(3 / 20)],
      'pytorch-uniform': [1 / Math.sqrt(30), 1 / Math.sqrt(20)],
    };
    for (const init of WEIGHT_INITS) {
      const p = initParams(m.layout, rng(), init);
      const [l0, l1] = limits[init];
      const [b0, b1] = limits['relu-he'];
      // One uniform draw per weight whatever the scheme, so each value is the default's times the ratio of limits.
      const k = (v: Float32Array, name: string): Float32Array => entryView(v, layoutEntry(m.layout, name));
      k(p, 'dense0/kernel').forEach((v, i) => expect(v).toBeCloseTo((k(base, 'dense0/kernel')[i]! * l0) / b0, 6));
      k(p, 'dense1/kernel').forEach((v, i) => expect(v).toBeCloseTo((k(base, 'dense1/kernel')[i]! * l1) / b1, 6));
      expect(Math.max(...k(p, 'dense0/kernel').map(Math.abs))).toBeLessThanOrEqual(l0);
      expect(k(p, 'dense1/bias').every((v) => v === 0)).toBe(true);
    }
  });

  it('rejects bad layouts and configs with clear messages', () => {
    expect(() =>
      buildLayout([
        { name: 'a', shape: [2], init: 'zeros', fanIn: 1, fanOut: 1 },
        { name: 'a', shape: [1], init: 'zeros', fanIn: 1, fanOut: 1 },
      ]),
    ).toThrow(/duplicate/);
    expect(() => denseLayout([3, 0])).toThrow(/bad dimension 0/);
    expect(() => denseLayout([3])).toThrow(/at least/);
    expect(() => layoutEntry(mlp2nn().layout, 'nope')).toThrow(/known: dense0\/kernel/);
    expect(() => createModel({ kind: 'mlp' })).toThrow(/exactly one/);
    expect(() => cnn({ imageSize: 30 })).toThrow(/multiple of 4/);
  });
});
