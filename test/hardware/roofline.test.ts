import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forwardBackwardTime, layerCost, layerTime, layerTiming, layersTime } from '../../src/hardware/roofline.ts';
import { defineDeviceSpec } from '../../src/hardware/device-spec.ts';
import { gpuSpec } from '../../src/hardware/gpu-catalog.ts';

// A toy device with round numbers: 100 TFLOP/s fp16, 1 TB/s, efficiency 0.5.
const toy = defineDeviceSpec({
  name: 'toy',
  peakFlops: { fp32: 10e12, fp16: 100e12 },
  memoryBandwidth: 1e12,
  memoryBytes: 1e9,
  efficiency: 0.5,
});

describe('roofline', () => {
  it('times a compute-bound layer by its FLOPs', () => {
    // 1e12 FLOP at 100e12 · 0.5 = 5e13 FLOP/s → 0.02 s; 1e9 B at 1e12 B/s → 0.001 s. max = 0.02 s.
    const t = layerTiming(layerCost(1e12, 1e9), toy, { precision: 'fp16' });
    expect(t.computeTime).toBeCloseTo(0.02, 15);
    expect(t.memoryTime).toBeCloseTo(0.001, 15);
    expect(t.time).toBeCloseTo(0.02, 15);
    expect(t.bound).toBe('compute');
  });

  it('times a memory-bound layer by its bytes', () => {
    // Elementwise layer: 1e9 FLOP → 1e9 / 5e13 = 2e-5 s; 4e9 B → 4e9 / 1e12 = 4e-3 s. max = 4e-3 s.
    const t = layerTiming(layerCost(1e9, 4e9), toy, { precision: 'fp16' });
    expect(t.time).toBeCloseTo(4e-3, 15);
    expect(t.bound).toBe('memory');
  });

  it('applies precision, efficiency and speed to the compute roof only', () => {
    // fp32: 1e12 / (10e12 · 0.8 · 2) = 0.0625 s; memory 1e9 / 1e12 = 0.001 s.
    expect(layerTime(layerCost(1e12, 1e9), toy, { precision: 'fp32', efficiency: 0.8, speed: 2 })).toBeCloseTo(
      0.0625,
      15,
    );
    // Memory-bound time is unchanged by speed.
    expect(layerTime(layerCost(1e9, 4e9), toy, { precision: 'fp16', speed: 10 })).toBeCloseTo(4e-3, 15);
  });

  it('matches a hand-computed A100 matmul', () => {
    // 4096³ GEMM in bf16: 2·4096³ = 1.374e11 FLOP; bytes 3·4096²·2 = 1.007e8 B.
    // Compute: 1.374e11 / (312e12 · 0.6) = 7.34e-4 s; memory: 1.007e8 / 2.039e12 = 4.94e-5 s.
    const n = 4096;
    const t = layerTiming(layerCost(2 * n ** 3, 3 * n * n * 2), gpuSpec('A100-80GB'), { precision: 'bf16' });
    expect(t.bound).toBe('compute');
    expect(t.time).toBeCloseTo((2 * n ** 3) / (312e12 * 0.6), 15);
  });

  it('sums per-layer rooflines, not the roofline of the summed costs', () => {
    // Compute-bound 0.02 s + memory-bound 0.004 s = 0.024 s, while max over the sums would be 0.0202 s.
    const layers = [layerCost(1e12, 1e9), layerCost(1e9, 4e9)];
    expect(layersTime(layers, toy, { precision: 'fp16' })).toBeCloseTo(0.024, 15);
    expect(layersTime([], toy, { precision: 'fp16' })).toBe(0);
  });

  it('takes the backward pass as twice the forward by default', () => {
    const p = forwardBackwardTime([layerCost(1e12, 1e9), layerCost(1e9, 4e9)], toy, { precision: 'fp16' });
    expect(p.forward).toBeCloseTo(0.024, 15);
    expect(p.backward).toBeCloseTo(0.048, 15);
    expect(p.total).toBeCloseTo(0.072, 15);
    expect(
      forwardBackwardTime([layerCost(1e12, 0)], toy, { precision: 'fp16', backwardFactor: 3 }).backward,
    ).toBeCloseTo(0.06, 15);
  });

  it('rejects bad options and precisions the device lacks', () => {
    const l = [layerCost(1, 1)];
    expect(() => layersTime(l, toy, { precision: 'fp16', efficiency: 0 })).toThrow(/efficiency/);
    expect(() => layersTime(l, toy, { precision: 'fp16', speed: -1 })).toThrow(/speed/);
    expect(() => layersTime(l, toy, { precision: 'bf16' })).toThrow(/toy has no bf16/);
    expect(() => forwardBackwardTime(l, toy, { precision: 'fp16', backwardFactor: 0 })).toThrow(/backwardFactor/);
    expect(() => layerCost(-1, 0)).toThrow(RangeError);
  });

  it('is at least each roof and monotone in speed (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e15, noNaN: true }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (f, b, speed) => {
          const c = layerCost(f, b);
          const t = layerTiming(c, toy, { precision: 'fp16', speed });
          expect(t.time).toBeGreaterThanOrEqual(t.computeTime);
          expect(t.time).toBeGreaterThanOrEqual(t.memoryTime);
          expect(layerTime(c, toy, { precision: 'fp16', speed: speed * 2 })).toBeLessThanOrEqual(t.time);
        },
      ),
    );
  });
});
