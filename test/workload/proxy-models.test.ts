/**
 * The proxy profiles mirror training/models without importing it; these tests hold the two to the
 * same parameters and FLOPs. Building a training model needs no tensor backend: its layout and counts
 * are plain numbers, and tfjs is only reached when `logits` runs.
 */
import { describe, expect, it } from 'vitest';
import { cnn } from '../../src/training/models/cnn.ts';
import { logisticRegression } from '../../src/training/models/logistic-regression.ts';
import { mlp, mlp2nn } from '../../src/training/models/mlp.ts';
import type { Model } from '../../src/training/models/model.ts';
import { cnnProfile, denseStackProfile } from '../../src/workload/proxy-models.ts';
import { profileTotals } from '../../src/workload/totals.ts';
import type { TimingProfile } from '../../src/workload/types.ts';

// Layout entries `dense0/kernel`, `dense0/bias` belong to profile layer `dense0`.
function layoutParamsByLayer(m: Model): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of m.layout.entries) {
    const layer = e.name.split('/')[0]!;
    out.set(layer, (out.get(layer) ?? 0) + e.size);
  }
  return out;
}

function profileParamsByLayer(p: TimingProfile): Map<string, number> {
  return new Map(p.layers.filter((l) => l.params > 0).map((l) => [l.name, l.params]));
}

describe('dense-stack profiles', () => {
  it('gives FedAvg 2NN the 199,210 params of mlp2nn(), layer by layer', () => {
    const p = denseStackProfile([784, 200, 200, 10], 4);
    expect(profileTotals(p).params).toBe(199_210);
    expect(profileTotals(p).params).toBe(mlp2nn().layout.size);
    expect(profileParamsByLayer(p)).toEqual(layoutParamsByLayer(mlp2nn()));
    expect(p.name).toBe('model:mlp-784-200-200-10');
    expect(p.sample).toBe('vector');
  });

  it('gives logistic regression its 7,850 params and names it so', () => {
    const p = denseStackProfile([784, 10], 4);
    expect(profileTotals(p).params).toBe(logisticRegression().layout.size);
    expect(p.name).toBe('model:logistic-regression-784-10');
    expect(p.layers.map((l) => l.name)).toEqual(['dense0', 'loss']);
  });

  it('counts the same matmul and bias FLOPs as the training model', () => {
    // Both count 2·in·out + out per dense layer; the profile adds ReLU and loss entries on top.
    for (const widths of [
      [784, 10],
      [784, 200, 200, 10],
      [20, 7, 3],
    ]) {
      const p = denseStackProfile(widths, 4);
      const dense = p.layers.filter((l) => l.name.startsWith('dense')).reduce((s, l) => s + l.forwardFlopsPerSample, 0);
      const model =
        widths.length === 2
          ? logisticRegression(widths[0], widths[1])
          : mlp(widths.slice(1, -1), widths[0], widths.at(-1));
      expect(dense).toBe(model.forwardFlopsPerSample);
    }
  });

  it('rejects too few widths, bad widths and bad precisions', () => {
    expect(() => denseStackProfile([784], 4)).toThrow(RangeError);
    expect(() => denseStackProfile([784, 0, 10], 4)).toThrow(/positive integers/);
    expect(() => denseStackProfile([784, 1.5, 10], 4)).toThrow(RangeError);
    expect(() => denseStackProfile([784, 10], 5)).toThrow(/bytesPerValue/);
  });
});

describe('CNN profile', () => {
  it('gives the default CNN the 11,274 params of cnn(), layer by layer', () => {
    const p = cnnProfile({ bytesPerValue: 4 });
    expect(profileTotals(p).params).toBe(11_274);
    expect(profileParamsByLayer(p)).toEqual(layoutParamsByLayer(cnn()));
    expect(p.sample).toBe('image');
  });

  it.each([
    { imageSize: 32, channels: 3, filters: [16, 32] as const, kernel: 3, numClasses: 100 },
    { imageSize: 12, channels: 2, filters: [4, 6] as const, kernel: 4, numClasses: 5 },
  ])('matches cnn() params and FLOPs for $imageSize px, kernel $kernel', (opts) => {
    const p = cnnProfile({ ...opts, bytesPerValue: 4 });
    const m = cnn(opts);
    expect(profileTotals(p).params).toBe(m.layout.size);
    // cnn() counts 2 FLOPs per multiply-add and no bias adds; the profile adds one per conv / dense
    // output value: s²·f1 + (s/2)²·f2 + classes.
    const s = opts.imageSize;
    const [f1, f2] = opts.filters;
    const matmul = p.layers
      .filter((l) => /^(conv|dense)/.test(l.name))
      .reduce((x, l) => x + l.forwardFlopsPerSample, 0);
    expect(matmul).toBe(m.forwardFlopsPerSample + s * s * f1 + (s / 2) ** 2 * f2 + opts.numClasses);
  });

  it('keeps the side through same-padded convs and halves it at each pool', () => {
    const p = cnnProfile({ bytesPerValue: 4 });
    // conv0: reads 28²·1 and writes 28²·8; pool1 writes 7²·16 = 784 values that dense0 reads.
    expect(p.layers.find((l) => l.name === 'conv0')?.activationBytesPerSample).toBe((784 + 784 * 8) * 4);
    expect(p.layers.find((l) => l.name === 'dense0')?.params).toBe(784 * 10 + 10);
  });

  it('rejects an image side that is not a multiple of 4', () => {
    expect(() => cnnProfile({ imageSize: 30, bytesPerValue: 4 })).toThrow(/multiple of 4/);
    expect(() => cnnProfile({ kernel: 0, bytesPerValue: 4 })).toThrow(RangeError);
  });
});
