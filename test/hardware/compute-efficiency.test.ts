import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMPUTE_CONSTANTS,
  MEMORY_BACKWARD_FACTOR,
  batchGemm,
  computeConstants,
  gemmShapeFactor,
  kindLayerTiming,
  optimizerBytesPerParam,
  optimizerStepS,
} from '../../src/hardware/compute-efficiency.ts';
import { gpuSpec } from '../../src/hardware/gpu-catalog.ts';
import type { KernelKind } from '../../src/hardware/compute-efficiency.ts';
import { LAYER_KINDS, type LayerKind, type LayerProfile } from '../../src/workload/types.ts';

// The two unions must be equal (hardware/ cannot import workload/): each is assignable to the other.
const kernelKinds: readonly KernelKind[] = LAYER_KINDS;
const layerKinds: readonly LayerKind[] = kernelKinds;

const a100 = gpuSpec('A100-80GB'); // 312 TFLOP/s bf16, 2,039 GB/s, 108 SMs
const bf16 = computeConstants(a100, 'bf16');
const opts = { spec: a100, precision: 'bf16' as const, speed: 1, constants: bf16 };

describe('kind compute model (hardware/compute-efficiency.ts)', () => {
  it('times a big GEMM on an A100 in bf16 as flops / (peak · efficiency · shape factor) + one launch', () => {
    const n = 8192;
    const layer: LayerProfile = {
      name: 'big',
      kind: 'gemm',
      gemm: { m: n, n, k: n, count: 1 },
      params: n * n,
      forwardFlopsPerSample: 2 * n * n * n,
      activationBytesPerSample: 2 * n * n * 2,
    };
    // s(8192) = 8192 / (8192 + 256); 64 × 64 = 4,096 tiles of 128 × 128 → ⌈4096/108⌉ = 38 waves, so
    // w = 4096 / (38 · 108). Compute 2·8192³ / (312e12 · 0.9 · s · w) ≈ 4.05 ms ≫ bytes 3·8192²·2 /
    // (2,039e9 · 0.8) ≈ 0.25 ms.
    const s = 8192 / (8192 + 256);
    const w = 4096 / (38 * 108);
    const fwd = (2 * n ** 3) / (312e12 * 0.9 * s * w) + 4e-6;
    const t = kindLayerTiming(layer, 1, 2, opts);
    expect(t.forwardS).toBeCloseTo(fwd, 12);
    // Square: dX and dW have the forward's shape and FLOPs, so each costs the forward (B = W = F).
    expect(t.backwardInputS).toBeCloseTo(fwd, 12);
    expect(t.backwardWeightS).toBeCloseTo(fwd, 12);
  });

  it('quantises waves by hand: 120 tiles on 108 SMs take two waves, 108 tiles one', () => {
    const c = { ...bf16 };
    const d0 = c.gemmSaturationDim;
    // M = 1,536 = 12 tiles, N = 1,280 = 10 tiles: 120 tiles, 2 waves of 108 → w = 120 / 216.
    const two = gemmShapeFactor({ m: 1536, n: 1280, k: 4096, count: 1 }, a100, c, d0);
    expect(two).toBeCloseTo((1280 / (1280 + d0)) * (120 / 216), 15);
    // N = 1,152 = 9 tiles: 108 tiles, exactly one wave → only the saturation remains.
    const one = gemmShapeFactor({ m: 1536, n: 1152, k: 4096, count: 1 }, a100, c, d0);
    expect(one).toBeCloseTo(1152 / (1152 + d0), 15);
    // Split-K: 256 × 256 is 4 tiles; a reduction of 8,192 is split min(⌊108/4⌋, ⌊8192/128⌋) = 27 ways:
    // 108 units fill the GPU once.
    expect(gemmShapeFactor({ m: 256, n: 256, k: 8192, count: 1 }, a100, c, d0)).toBeCloseTo(256 / (256 + d0), 15);
    // Batched GEMMs: count × tiles; rows of count = 1 layers stack across the batch.
    expect(batchGemm({ m: 128, n: 64, k: 32, count: 1 }, 4)).toEqual({ m: 512, n: 64, k: 32, count: 1 });
    expect(batchGemm({ m: 128, n: 128, k: 64, count: 16 }, 4)).toEqual({ m: 128, n: 128, k: 64, count: 64 });
  });

  it('times a memory-bound layer as bytes / (bandwidth · e_mem) + launch, its backward by the kind rule', () => {
    // A GELU over 1e7 bf16 values per sample: reads and writes them, 4e7 B; batch 8 → 3.2e8 B.
    const gelu: LayerProfile = {
      name: 'act',
      kind: 'elementwise',
      params: 0,
      forwardFlopsPerSample: 8e7,
      activationBytesPerSample: 4e7,
    };
    const t = kindLayerTiming(gelu, 8, 2, opts);
    const bw = 2039e9 * 0.8;
    expect(t.forwardS).toBeCloseTo(3.2e8 / bw + 4e-6, 15);
    // Backward reads dY and x, writes dX: 1.5 × the bytes, all of it the input gradient.
    expect(t.backwardInputS).toBeCloseTo((1.5 * 3.2e8) / bw + 4e-6, 15);
    expect(t.backwardWeightS).toBe(0);
    expect(MEMORY_BACKWARD_FACTOR.norm).toBe(2);
  });

  it('knows every layer kind of the profiles', () => {
    expect(layerKinds).toEqual(['gemm', 'conv', 'elementwise', 'norm', 'softmax', 'pool', 'embedding']);
  });

  it('prices the optimizer step by bytes per parameter: SGD 12, momentum 20, Adam 28', () => {
    expect([0, 1, 2].map(optimizerBytesPerParam)).toEqual([12, 20, 28]);
    // 1 G parameters of Adam on an A100: 28 GB / (2,039 GB/s × 0.8) + one launch ≈ 17.2 ms.
    expect(optimizerStepS(1e9, 28, a100, bf16)).toBeCloseTo(28e9 / (2039e9 * 0.8) + 4e-6, 15);
    expect(optimizerStepS(0, 28, a100, bf16)).toBe(0);
  });

  it('takes the precision class and the scenario overrides, and rejects bad ones', () => {
    expect(computeConstants(a100, 'fp32').gemmEfficiency).toBe(COMPUTE_CONSTANTS.efficiency.cudaCore.gemm);
    expect(bf16.gemmEfficiency).toBe(COMPUTE_CONSTANTS.efficiency.tensorCore.gemm);
    const o = computeConstants(a100, 'bf16', { gemmEfficiency: 0.7, memoryEfficiency: 0.9, launchOverheadS: 0 });
    expect([o.gemmEfficiency, o.convEfficiency, o.memoryEfficiency, o.launchOverheadS]).toEqual([
      0.7,
      COMPUTE_CONSTANTS.efficiency.tensorCore.conv,
      0.9,
      0,
    ]);
    expect(() => computeConstants(a100, 'bf16', { gemmEfficiency: 1.5 })).toThrow(/gemmEfficiency must be in/);
    expect(() => computeConstants(a100, 'bf16', { launchOverheadS: -1 })).toThrow(/launchOverhead/);
  });

  const layerArb = fc
    .record({
      kind: fc.constantFrom(...LAYER_KINDS),
      m: fc.integer({ min: 1, max: 4096 }),
      n: fc.integer({ min: 1, max: 8192 }),
      k: fc.integer({ min: 1, max: 8192 }),
      count: fc.integer({ min: 1, max: 32 }),
      params: fc.integer({ min: 0, max: 1e8 }),
      act: fc.integer({ min: 0, max: 1e8 }),
    })
    .map(({ kind, m, n, k, count, params, act }): LayerProfile => {
      const shaped = kind === 'gemm' || kind === 'conv';
      return {
        name: 'x',
        kind,
        ...(shaped ? { gemm: { m, n, k, count } } : {}),
        params,
        forwardFlopsPerSample: shaped ? 2 * m * n * k * count : m,
        activationBytesPerSample: act,
      };
    });
  const total = (l: LayerProfile, b: number): number => {
    const t = kindLayerTiming(l, b, 2, opts);
    return t.forwardS + t.backwardInputS + t.backwardWeightS;
  };

  it('never beats the pure roofline at 100% of peak and 100% of bandwidth (the floor)', () => {
    fc.assert(
      fc.property(layerArb, fc.integer({ min: 1, max: 512 }), (l, b) => {
        const flops = l.forwardFlopsPerSample * b;
        const bytes = l.params * 2 + l.activationBytesPerSample * b;
        const floor = Math.max(flops / 312e12, bytes / 2039e9);
        const t = kindLayerTiming(l, b, 2, opts);
        expect(t.forwardS).toBeGreaterThanOrEqual(floor);
        expect(t.backwardInputS + t.backwardWeightS).toBeGreaterThanOrEqual(floor);
      }),
    );
  });

  it('is monotone in the batch size', () => {
    fc.assert(
      fc.property(layerArb, fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 256 }), (l, b1, b2) => {
        const [lo, hi] = b1 <= b2 ? [b1, b2] : [b2, b1];
        expect(total(l, hi)).toBeGreaterThanOrEqual(total(l, lo) * (1 - 1e-12));
      }),
    );
  });
});
