import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { bytesPerSecond, seconds } from '../../../src/core/units.ts';
import { buildCluster } from '../../../src/hardware/cluster.ts';
import { constantSlowdown } from '../../../src/hardware/slowdown-models.ts';
import { Slowdown } from '../../../src/hardware/slowdown.ts';
import { ComputeModel } from '../../../src/schedules/lib/compute-model.ts';
import type { TimingProfile } from '../../../src/workload/types.ts';

const link = { bandwidth: bytesPerSecond(12.5e9), latency: seconds(5e-6) };
// Two A100 nodes (the second at speed 0.5) and one V100 node, one GPU each.
const cluster = buildCluster([
  { count: 1, gpusPerNode: 1, gpu: 'A100-80GB', nic: link },
  { count: 1, gpusPerNode: 1, gpu: 'A100-80GB', nic: link, speed: 0.5 },
  { count: 1, gpusPerNode: 1, gpu: 'V100-32GB', nic: link },
]);

// Two layers: 1 and 3 GFLOP per sample forward, 1 M and 2 M parameters, no activation traffic.
const profile: TimingProfile = {
  name: 'two-layer',
  description: 'test',
  source: 'test',
  sample: 'vector',
  bytesPerValue: 4,
  layers: [
    { name: 'a', params: 1e6, forwardFlopsPerSample: 1e9, activationBytesPerSample: 0 },
    { name: 'b', params: 2e6, forwardFlopsPerSample: 3e9, activationBytesPerSample: 0 },
  ],
};

// These tests are about the plain roofline (a scenario's single `efficiency`, here the old default
// 0.6) unless `kinds` asks for the default kind model (hardware/compute-efficiency.ts).
function model(o: { stepTimeS?: number; factor?: number; kinds?: boolean; slots?: number } = {}): ComputeModel {
  const models = o.factor === undefined ? [] : [constantSlowdown({ factor: o.factor, workers: [2] })];
  return new ComputeModel({
    devices: cluster.devices,
    profile,
    batchSize: 10,
    precision: 'fp32',
    slowdown: new Slowdown(models, new Rng(1).fork('stragglers')),
    ...(o.kinds === true ? {} : { efficiency: 0.6 }),
    ...(o.slots === undefined ? {} : { optimizerSlots: o.slots }),
    ...(o.stepTimeS === undefined ? {} : { stepTimeS: o.stepTimeS }),
  });
}

describe('ComputeModel', () => {
  it('prices the gradient message as parameters × bytes per value', () => {
    expect(model().gradBytes).toBe(3e6 * 4);
  });

  it('times each layer by the roofline, backward at twice the forward, in backward layer order', () => {
    const m = model();
    const c = m.cost(0);
    // Compute-bound on an A100 (fp32, 19.5 TFLOP/s × 0.6): 10 × 4 GFLOP forward.
    const fwd = (10 * 4e9) / (19.5e12 * 0.6);
    expect(c.forwardS).toBeGreaterThanOrEqual(fwd * 0.999);
    expect(c.backwardS).toBeCloseTo(2 * c.forwardS, 12);
    expect(c.backwardLayers.map((l) => l.gradBytes)).toEqual([8e6, 4e6]);
    expect(m.stepS(0)).toBeCloseTo(c.forwardS + c.backwardS, 15);
  });

  it('scales by the node group speed and shares one cost object per (GPU, speed)', () => {
    const m = model();
    expect(m.stepS(1)).toBeCloseTo(2 * m.stepS(0), 12);
    expect(m.stepS(2)).toBeGreaterThan(m.stepS(0)); // a V100 is slower than an A100
    expect(m.workers).toBe(3);
  });

  it('by default times each layer by the kind model and adds the optimizer step once, on the last backward layer', () => {
    const m = model({ kinds: true, slots: 2 });
    const c = m.cost(0);
    // Layers without a kind are GEMMs of unknown shape: fp32 on an A100 runs on CUDA cores at the
    // large-GEMM efficiency 0.85 (COMPUTE_CONSTANTS.efficiency.cudaCore), no shape penalty. Layer a:
    // 10 × 1 GFLOP / (19.5e12 × 0.85) = 0.6033 ms against 4 MB of weights / (2,039 GB/s × 0.8) = 2.5 µs,
    // so compute-bound, plus one 4 µs launch; layer b likewise with 3 GFLOP.
    const fwd = (f: number): number => (10 * f) / (19.5e12 * 0.85) + 4e-6;
    expect(c.forwardS).toBeCloseTo(fwd(1e9) + fwd(3e9), 15);
    // Backward: dX and dW, each a pass with the forward's FLOPs; the optimizer step (Adam, 2 state
    // vectors: 12 + 8·2 = 28 B per parameter, 3 M parameters, at 80% of 2,039 GB/s, plus a launch)
    // is on the last backward layer, layer a.
    const opt = (3e6 * 28) / (2039e9 * 0.8) + 4e-6;
    expect(c.optimizerS).toBeCloseTo(opt, 15);
    expect(c.backwardLayers.map((l) => l.timeS)).toEqual([
      expect.closeTo(2 * fwd(3e9), 15),
      expect.closeTo(2 * fwd(1e9) + opt, 15),
    ]);
    expect(c.backwardS).toBeCloseTo(2 * c.forwardS + opt, 15);
    // The speed-0.5 A100 doubles the arithmetic, not the launches or the memory-bound optimizer.
    const slow = m.cost(1);
    expect(slow.forwardS).toBeCloseTo(2 * (c.forwardS - 8e-6) + 8e-6, 15);
  });

  it('with a custom step time splits it 1 : 2 over forward and backward and spreads it over layers by FLOPs', () => {
    const m = model({ stepTimeS: 0.03 });
    const c = m.cost(0);
    expect(c.forwardS).toBeCloseTo(0.01, 15);
    expect(c.backwardS).toBeCloseTo(0.02, 15);
    // Backward order: layer b (3/4 of the FLOPs) first.
    expect(c.backwardLayers.map((l) => l.timeS)).toEqual([expect.closeTo(0.015, 15), expect.closeTo(0.005, 15)]);
    // Every GPU kind takes the custom time, divided by its group's speed.
    expect(m.stepS(2)).toBeCloseTo(0.03, 15);
    expect(m.stepS(1)).toBeCloseTo(0.06, 15);
  });

  it('draws the straggler factor of a worker’s task from the slowdown models', () => {
    const m = model({ factor: 3 });
    expect(m.factor(2, 0)).toBe(3);
    expect(m.factor(0, 0)).toBe(1);
  });
});
