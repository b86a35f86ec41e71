import { describe, expect, it } from 'vitest';
import {
  conv2dLayer,
  elementwiseLayer,
  globalAvgPoolLayer,
  linearLayer,
  maxPoolLayer,
  windowOutputSize,
} from '../../src/workload/layers.ts';

describe('layer builders', () => {
  it('counts a dense layer as 2 FLOPs per multiply-add plus 1 per bias add, per token', () => {
    // 3 tokens of 4 → 5: weights 20, bias 5; FLOPs 3·(2·20 + 5) = 135; bytes 3·(4 + 5)·2 = 54.
    // GEMM per sample: 3 rows (tokens) × 5 columns, reducing over 4 inputs.
    expect(linearLayer('fc', { inFeatures: 4, outFeatures: 5, bias: true, tokens: 3, bytesPerValue: 2 })).toEqual({
      name: 'fc',
      kind: 'gemm',
      gemm: { m: 3, n: 5, k: 4, count: 1 },
      params: 25,
      forwardFlopsPerSample: 135,
      activationBytesPerSample: 54,
    });
  });

  it('keeps the FLOPs but drops the weight params of a tied layer', () => {
    const l = linearLayer('lm_head', {
      inFeatures: 4,
      outFeatures: 5,
      bias: false,
      tokens: 2,
      tiedWeights: true,
      bytesPerValue: 4,
    });
    expect(l.params).toBe(0);
    expect(l.forwardFlopsPerSample).toBe(2 * 2 * 4 * 5);
  });

  it('sizes a convolution as 2·K·K·Cin·Cout·Hout·Wout FLOPs', () => {
    // ResNet stem: 7×7/2, pad 3, 3 → 64 on 224² gives 112²; 2·49·3·64·112² = 236,027,904 FLOPs (118M MACs).
    const c = conv2dLayer('conv1', {
      inChannels: 3,
      outChannels: 64,
      kernel: 7,
      stride: 2,
      padding: 3,
      inSize: 224,
      bias: false,
      bytesPerValue: 2,
    });
    expect(c.outSize).toBe(112);
    expect(c.layer.params).toBe(7 * 7 * 3 * 64);
    expect(c.layer.forwardFlopsPerSample).toBe(236_027_904);
    expect(c.layer.activationBytesPerSample).toBe((3 * 224 * 224 + 64 * 112 * 112) * 2);
  });

  it('adds one FLOP per output element for a conv bias', () => {
    const c = conv2dLayer('c', {
      inChannels: 1,
      outChannels: 2,
      kernel: 3,
      stride: 1,
      padding: 1,
      inSize: 4,
      bias: true,
      bytesPerValue: 4,
    });
    expect(c.outSize).toBe(4);
    expect(c.layer.params).toBe(9 * 2 + 2);
    expect(c.layer.forwardFlopsPerSample).toBe(2 * 9 * 2 * 16 + 2 * 16);
  });

  it('rejects a kernel larger than the padded input', () => {
    expect(() =>
      conv2dLayer('c', {
        inChannels: 1,
        outChannels: 1,
        kernel: 5,
        stride: 1,
        padding: 0,
        inSize: 3,
        bias: false,
        bytesPerValue: 4,
      }),
    ).toThrow(RangeError);
    expect(() =>
      maxPoolLayer('p', { channels: 1, inSize: 1, kernel: 2, stride: 2, padding: 0, bytesPerValue: 4 }),
    ).toThrow(RangeError);
  });

  it('computes window output sides like the frameworks (floor)', () => {
    expect(windowOutputSize(112, 3, 2, 1)).toBe(56); // ResNet stem max pool.
    expect(windowOutputSize(7, 2, 2, 0)).toBe(3);
  });

  it('gives pools and elementwise ops no matmul FLOPs and their read+write bytes', () => {
    const p = maxPoolLayer('pool', { channels: 2, inSize: 4, kernel: 2, stride: 2, padding: 0, bytesPerValue: 4 });
    expect(p.layer).toEqual({
      name: 'pool',
      kind: 'pool',
      params: 0,
      forwardFlopsPerSample: 4 * 8,
      activationBytesPerSample: (32 + 8) * 4,
    });
    expect(globalAvgPoolLayer('avg', 3, 2, 2)).toEqual({
      name: 'avg',
      kind: 'pool',
      params: 0,
      forwardFlopsPerSample: 12,
      activationBytesPerSample: (12 + 3) * 2,
    });
    // A residual add reads two tensors and writes one.
    expect(
      elementwiseLayer('add', { elementsIn: 20, elementsOut: 10, flopsPerElement: 1, params: 0, bytesPerValue: 2 })
        .activationBytesPerSample,
    ).toBe(60);
  });

  it('gives a convolution its implicit-GEMM shape: M = P·Q per sample, N = Cout, K = Cin·R·S', () => {
    // 3×3 conv, 8 → 16 channels, stride 1, pad 1, on 10×10: output 10×10 = 100 pixels; K = 8·9 = 72.
    const c = conv2dLayer('c', {
      inChannels: 8,
      outChannels: 16,
      kernel: 3,
      stride: 1,
      padding: 1,
      inSize: 10,
      bias: false,
      bytesPerValue: 2,
    });
    expect(c.layer.kind).toBe('conv');
    expect(c.layer.gemm).toEqual({ m: 100, n: 16, k: 72, count: 1 });
    // The shape's FLOPs are the layer's: 2·M·N·K.
    expect(c.layer.forwardFlopsPerSample).toBe(2 * 100 * 16 * 72);
    expect(
      elementwiseLayer('n', {
        elementsIn: 4,
        elementsOut: 4,
        flopsPerElement: 4,
        params: 2,
        bytesPerValue: 2,
        kind: 'norm',
      }).kind,
    ).toBe('norm');
  });
});
