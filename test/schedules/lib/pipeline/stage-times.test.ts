import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.ts';
import { bytesPerSecond, seconds } from '../../../../src/core/units.ts';
import { buildCluster } from '../../../../src/hardware/cluster.ts';
import { Slowdown } from '../../../../src/hardware/slowdown.ts';
import { ComputeModel } from '../../../../src/schedules/lib/compute-model.ts';
import { planPartition } from '../../../../src/schedules/lib/partition.ts';
import { perGpuProfile } from '../../../../src/schedules/lib/pipeline/tensor-parallel.ts';
import { pipelineStageTimes, type TensorParallelSpec } from '../../../../src/schedules/lib/pipeline/stage-times.ts';
import { layerStageCosts } from '../../../../src/schedules/lib/stage-costs.ts';
import { GPT2_SMALL } from '../../../../src/workload/language-models.ts';
import type { TimingProfile } from '../../../../src/workload/types.ts';

const link = { bandwidth: bytesPerSecond(12.5e9), latency: seconds(5e-6) };
// An A100, an A100 at speed 0.5 and a V100, one GPU per node.
const cluster = buildCluster([
  { count: 1, gpusPerNode: 1, gpu: 'A100-80GB', nic: link },
  { count: 1, gpusPerNode: 1, gpu: 'A100-80GB', nic: link, speed: 0.5 },
  { count: 1, gpusPerNode: 1, gpu: 'V100-32GB', nic: link },
]);

// Two layers: 1 and 3 GFLOP per sample forward, 1 M and 2 M parameters, 800 B of activations per sample.
const profile: TimingProfile = {
  name: 'two-layer',
  description: 'test',
  source: 'test',
  sample: 'vector',
  bytesPerValue: 4,
  layers: [
    { name: 'a', params: 1e6, forwardFlopsPerSample: 1e9, activationBytesPerSample: 800 },
    { name: 'b', params: 2e6, forwardFlopsPerSample: 3e9, activationBytesPerSample: 800 },
  ],
};

function model(stepTimeS?: number): ComputeModel {
  return new ComputeModel({
    devices: cluster.devices,
    profile,
    batchSize: 10,
    precision: 'fp32',
    slowdown: new Slowdown([], new Rng(1).fork('stragglers')),
    ...(stepTimeS === undefined ? {} : { stepTimeS }),
  });
}

describe('pipelineStageTimes', () => {
  it('splits a layered profile as planPartition does, one stage per device', () => {
    const devices = cluster.devices.slice(0, 2);
    const got = pipelineStageTimes(model(), devices, 5);
    const plan = planPartition({ profile, devices, microBatch: 5, precision: 'fp32' });
    expect(got.map((s) => s.layers)).toEqual(plan.layersPerStage);
    got.forEach((s, i) => {
      const p = plan.stages[i]!;
      expect(s.tF).toBe(p.forwardS);
      expect(s.tB).toBe(p.backwardInputS + p.backwardWeightS);
      // The boundary is the stage's last layer's output: half its 800 B × 5 samples.
      expect(s.boundaryBytes).toBe(2000);
    });
  });

  it('cuts a profile with fewer layers than stages into equal parts of the whole model on each GPU', () => {
    const got = pipelineStageTimes(model(), cluster.devices, 5);
    got.forEach((s, i) => {
      const layers = layerStageCosts(profile, cluster.devices[i]!, { microBatch: 5, precision: 'fp32' });
      const f = layers[0]!.forwardS + layers[1]!.forwardS;
      expect(s.tF).toBeCloseTo(f / 3, 15);
      // Both layers have parameters: B = 2 × forward (input plus weight gradient).
      expect(s.tB).toBeCloseTo((2 * f) / 3, 15);
      expect(s.layers).toBe(0);
    });
  });

  it('spreads a custom step time: t_F = stepTimeS / (3·speed) × micro-batch / batchSize / S', () => {
    // 30 ms for 10 samples, micro-batch 5, S = 2: the A100 gets 30/3 × 5/10 / 2 = 2.5 ms, the
    // speed-0.5 A100 twice that; t_B = 2 t_F.
    const got = pipelineStageTimes(model(0.03), cluster.devices.slice(0, 2), 5);
    expect(got[0]!.tF).toBeCloseTo(0.0025, 15);
    expect(got[0]!.tB).toBeCloseTo(0.005, 15);
    expect(got[1]!.tF).toBeCloseTo(0.005, 15);
  });

  it('rejects a manual split that does not cover the layers', () => {
    expect(() => pipelineStageTimes(model(), cluster.devices.slice(0, 2), 5, [1, 2])).toThrow(RangeError);
  });
});

describe('pipelineStageTimes with tensor parallelism', () => {
  const gpt = GPT2_SMALL.build({ bytesPerValue: 2 });
  const gptModel = new ComputeModel({
    devices: cluster.devices,
    profile: gpt,
    batchSize: 8,
    precision: 'fp16',
    slowdown: new Slowdown([], new Rng(1).fork('stragglers')),
  });
  const nvlink = { latencyS: 6e-6, bandwidthBytesPerS: 2.3e11 };
  const tp = (o: Partial<TensorParallelSpec>): TensorParallelSpec => ({
    degree: 1,
    sequenceParallel: false,
    recompute: 'none',
    link: nvlink,
    ...o,
  });
  // GPT-2 small: embed, 12 blocks of 13 entries, final norm, lm_head, loss = 160 layers. Megatron's split
  // on 3 stages: the embedding and 4 blocks, 4 blocks, 4 blocks and the head.
  const split = [1 + 52, 52, 52 + 3];

  it('gives exactly the one-GPU numbers at degree 1, no sequence parallelism, no recompute', () => {
    for (const manual of [undefined, split]) {
      const plain = pipelineStageTimes(gptModel, cluster.devices, 2, manual);
      expect(pipelineStageTimes(gptModel, cluster.devices, 2, manual, tp({}))).toEqual(plain);
      // Sequence parallelism over one GPU changes nothing either.
      expect(pipelineStageTimes(gptModel, cluster.devices, 2, manual, tp({ sequenceParallel: true }))).toEqual(plain);
    }
    const small = pipelineStageTimes(model(), cluster.devices.slice(0, 2), 5, undefined, tp({}));
    expect(small).toEqual(pipelineStageTimes(model(), cluster.devices.slice(0, 2), 5));
  });

  it('adds exactly a stage of blocks its own forward to t_I with full recompute', () => {
    const none = pipelineStageTimes(gptModel, cluster.devices, 2, split, tp({ degree: 4 }));
    const full = pipelineStageTimes(gptModel, cluster.devices, 2, split, tp({ degree: 4, recompute: 'full' }));
    // Stage 1 holds blocks only: the re-run is its whole forward, TP collectives included.
    expect(full[1]!.tI - none[1]!.tI).toBeCloseTo(none[1]!.tF, 15);
    expect(full[1]!.tB - none[1]!.tB).toBeCloseTo(none[1]!.tF, 15);
    expect(full[1]!.tW).toBe(none[1]!.tW);
    expect(full[1]!.tF).toBe(none[1]!.tF);
    // The end stages re-run their blocks but not the embedding or the head.
    expect(full[0]!.tI - none[0]!.tI).toBeLessThan(none[0]!.tF);
  });

  it('sends 1/t of the activation per GPU across each boundary', () => {
    const one = pipelineStageTimes(gptModel, cluster.devices, 2, split);
    const eight = pipelineStageTimes(gptModel, cluster.devices, 2, split, tp({ degree: 8, sequenceParallel: true }));
    eight.forEach((s, i) => expect(s.boundaryBytes).toBe(one[i]!.boundaryBytes / 8));
  });

  it('plans a split for the per-GPU profile when none is given', () => {
    const spec = tp({ degree: 2 });
    const got = pipelineStageTimes(gptModel, cluster.devices, 2, undefined, spec);
    const plan = planPartition({
      profile: perGpuProfile(gpt, spec),
      devices: cluster.devices,
      microBatch: 2,
      precision: 'fp16',
    });
    expect(got.map((s) => s.layers)).toEqual(plan.layersPerStage);
  });

  it('rejects tensor parallelism or recompute where there are no layers to split', () => {
    expect(() => pipelineStageTimes(model(0.03), cluster.devices, 5, undefined, tp({ degree: 2 }))).toThrow(RangeError);
    expect(() => pipelineStageTimes(model(), cluster.devices, 5, undefined, tp({ recompute: 'full' }))).toThrow(
      /no layers to split or re-run/,
    );
    expect(() => pipelineStageTimes(gptModel, cluster.devices, 2, split, tp({ degree: 0 }))).toThrow(RangeError);
  });
});
