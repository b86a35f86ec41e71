import { describe, expect, it } from 'vitest';
import { bytes, bytesPerSecond, flopsPerSecond } from '../../../src/core/units.ts';
import type { DeviceSpec } from '../../../src/hardware/device-spec.ts';
import { gpuSpec } from '../../../src/hardware/gpu-catalog.ts';
import { forwardBackwardTime, layerCost } from '../../../src/hardware/roofline.ts';
import { layerStageCosts, stageCost } from '../../../src/schedules/lib/stage-costs.ts';
import type { TimingProfile } from '../../../src/workload/types.ts';

/** A GPU with 1 TFLOP/s at efficiency 1 and the given memory bandwidth. */
function gpu(memoryBandwidth: number, peak = 1e12): DeviceSpec {
  return {
    name: `test-${peak}-${memoryBandwidth}`,
    vendor: 'custom',
    peak: { fp32: flopsPerSecond(peak), fp16: flopsPerSecond(peak) },
    memoryBandwidth: bytesPerSecond(memoryBandwidth),
    memoryBytes: bytes(80e9),
    defaultEfficiency: 1,
  };
}

const profile: TimingProfile = {
  name: 'test',
  description: 'dense, relu, dense',
  source: 'constructed',
  sample: 'vector',
  bytesPerValue: 4,
  layers: [
    { name: 'fc1', params: 1000, forwardFlopsPerSample: 2e9, activationBytesPerSample: 800 },
    { name: 'relu', params: 0, forwardFlopsPerSample: 1e9, activationBytesPerSample: 400 },
    { name: 'fc2', params: 500, forwardFlopsPerSample: 4e9, activationBytesPerSample: 200 },
  ],
};

describe('per-layer stage costs', () => {
  it('times a compute-bound layer as FLOPs × rows / rate and splits backward B = W = F for dense layers', () => {
    // Bandwidth 1e30 B/s makes the memory roof negligible, so t = F·mb / (1e12 · speed).
    // fc1 at mb = 4, speed 2: 2e9·4 / 2e12 = 4 ms; relu: 1e9·4/2e12 = 2 ms; fc2: 4e9·4/2e12 = 8 ms.
    const c = layerStageCosts(
      profile,
      { spec: gpu(1e30), speed: 2 },
      { microBatch: 4, precision: 'fp32', efficiency: 1 },
    );
    expect(c.map((l) => l.forwardS)).toEqual([0.004, 0.002, 0.008].map((x) => expect.closeTo(x, 15)));
    expect(c[0]!.backwardInputS).toBeCloseTo(0.004, 15);
    expect(c[0]!.backwardWeightS).toBeCloseTo(0.004, 15);
    // relu has no weights: its whole 2 × forward backward is the input gradient.
    expect(c[1]!.backwardInputS).toBeCloseTo(0.004, 15);
    expect(c[1]!.backwardWeightS).toBe(0);
    // Bytes: params × 4 once; activations × rows; output = half the activation bytes.
    expect(c.map((l) => l.paramBytes)).toEqual([4000, 0, 2000]);
    expect(c.map((l) => l.activationBytes)).toEqual([3200, 1600, 800]);
    expect(c.map((l) => l.outputBytes)).toEqual([1600, 800, 400]);
  });

  it('scales FLOP time with rows but reads the weights once (memory-bound device)', () => {
    // Peak 1e30 FLOP/s: the memory roof binds, t = (params·4 + act·mb) / 1e6 B/s.
    // fc1: mb 1 → (4000 + 800)/1e6 = 4.8 ms; mb 8 → (4000 + 6400)/1e6 = 10.4 ms (not 8 × 4.8).
    const dev = { spec: gpu(1e6, 1e30), speed: 1 };
    const one = layerStageCosts(profile, dev, { microBatch: 1, precision: 'fp32', efficiency: 1 });
    const eight = layerStageCosts(profile, dev, { microBatch: 8, precision: 'fp32', efficiency: 1 });
    expect(one[0]!.forwardS).toBeCloseTo(0.0048, 15);
    expect(eight[0]!.forwardS).toBeCloseTo(0.0104, 15);
    expect(eight[0]!.paramBytes).toBe(one[0]!.paramBytes);
    expect(eight[2]!.activationBytes).toBe(8 * one[2]!.activationBytes);
  });

  it('sums to the roofline forward+backward of the whole model (a one-stage pipeline = data-parallel step)', () => {
    const spec = gpuSpec('A100-80GB');
    const mb = 16;
    // With one `efficiency` (the plain-roofline override) both sides use the same roofline.
    const c = layerStageCosts(profile, { spec, speed: 1 }, { microBatch: mb, precision: 'fp16', efficiency: 0.6 });
    const s = stageCost(c, 0, 3);
    const ref = forwardBackwardTime(
      profile.layers.map((l) =>
        layerCost(l.forwardFlopsPerSample * mb, l.params * 4 + l.activationBytesPerSample * mb),
      ),
      spec,
      { precision: 'fp16', efficiency: 0.6 },
    );
    expect(s.forwardS).toBeCloseTo(ref.forward, 15);
    expect(s.computeS).toBeCloseTo(ref.total, 15);
    expect(s.backwardInputS + s.backwardWeightS).toBeCloseTo(ref.backward, 15);
  });

  it('sums a stage range and takes its last layer output as the boundary bytes', () => {
    const c = layerStageCosts(
      profile,
      { spec: gpu(1e30), speed: 1 },
      { microBatch: 1, precision: 'fp32', efficiency: 1 },
    );
    const s = stageCost(c, 1, 2);
    expect(s.paramBytes).toBe(2000);
    expect(s.activationBytes).toBe(600);
    expect(s.outputBytes).toBe(100);
    expect(s.forwardS).toBeCloseTo(0.005, 15);
  });

  it('rejects bad micro-batches and ranges with the numbers', () => {
    const dev = { spec: gpu(1e30), speed: 1 };
    expect(() => layerStageCosts(profile, dev, { microBatch: 0, precision: 'fp32', efficiency: 1 })).toThrow(
      /microBatch must be a positive integer, got 0/,
    );
    expect(() => layerStageCosts(profile, dev, { microBatch: 1.5, precision: 'fp32', efficiency: 1 })).toThrow(
      /got 1.5/,
    );
    const c = layerStageCosts(profile, dev, { microBatch: 1, precision: 'fp32', efficiency: 1 });
    expect(() => stageCost(c, 2, 2)).toThrow(/\[2, 4\) are not a non-empty range of 3/);
    expect(() => stageCost(c, 0, 0)).toThrow(RangeError);
  });
});
