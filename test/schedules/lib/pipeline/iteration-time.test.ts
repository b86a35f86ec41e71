import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.ts';
import { buildCluster } from '../../../../src/hardware/cluster.ts';
import { Slowdown } from '../../../../src/hardware/slowdown.ts';
import { ComputeModel } from '../../../../src/schedules/lib/compute-model.ts';
import { megatronSplit, pipelineIterationTime } from '../../../../src/schedules/lib/pipeline/iteration-time.ts';
import { interleaved1F1B, oneFOneB } from '../../../../src/schedules/lib/pipeline/programs.ts';
import { pipelineStageTimes } from '../../../../src/schedules/lib/pipeline/stage-times.ts';
import { GPT2_SMALL } from '../../../../src/workload/language-models.ts';

// GPT-2 small: embed, 12 blocks of 13 entries (h.<i>.…, attention dropout included), final norm, lm_head,
// loss = 160 layers.
const gpt = GPT2_SMALL.build({ bytesPerValue: 2 });
const names = gpt.layers.map((l) => l.name);
const cluster = buildCluster([{ count: 4, gpusPerNode: 2, gpu: 'A100-80GB' }]);
const devices = [0, 2, 4, 6].map((r) => cluster.devices[r]!);
const compute = new ComputeModel({
  devices,
  profile: gpt,
  batchSize: 2,
  precision: 'bf16',
  slowdown: new Slowdown([], new Rng(1).fork('stragglers')),
});
const parallel = {
  degree: 2,
  sequenceParallel: true,
  recompute: 'selective',
  link: { latencyS: 5e-6, bandwidthBytesPerS: 2e11 },
} as const;
const freeP2p = { latencyS: 0, bandwidthBytesPerS: Infinity };

describe('megatronSplit', () => {
  it('puts the blocks evenly, the embedding first and the head last', () => {
    expect(megatronSplit(names, 'h', 4)).toEqual([1 + 39, 39, 39, 39 + 3]);
    expect(megatronSplit(names, 'h', 1)).toEqual([160]);
    expect(megatronSplit(names, 'h', 12)).toEqual([14, ...new Array<number>(10).fill(13), 16]);
  });

  it('rejects a block count the stages do not divide, and a profile without such blocks', () => {
    expect(() => megatronSplit(names, 'h', 5)).toThrow(/12 blocks cannot be split evenly into 5 stages/);
    expect(() => megatronSplit(names, 'layers', 2)).toThrow(RangeError);
  });
});

describe('pipelineIterationTime', () => {
  it('takes (M + S − 1)(t_F + t_B) for 1F1B with free hops, the slowest stage setting the op times', () => {
    const split = megatronSplit(names, 'h', 4);
    const r = pipelineIterationTime({
      compute,
      devices,
      microBatch: 2,
      microBatches: 8,
      program: oneFOneB,
      layersPerStage: split,
      parallel,
      p2p: freeP2p,
    });
    const stages = pipelineStageTimes(compute, devices, 2, split, parallel);
    expect(r.stages).toEqual(stages);
    expect(r.tF).toBe(Math.max(...stages.map((s) => s.tF)));
    expect(r.tB).toBe(Math.max(...stages.map((s) => s.tB)));
    expect(r.tCommS).toBe(0);
    // F2: 1F1B's makespan is GPipe's, (M + S − 1)(t_F + t_B), with M = 8, S = 4.
    expect(r.seconds).toBeCloseTo(11 * (r.tF + r.tB), 12);
  });

  it('charges each hop α + per-GPU boundary bytes / B', () => {
    const p2p = { latencyS: 1e-5, bandwidthBytesPerS: 2.5e10 };
    const r = pipelineIterationTime({
      compute,
      devices,
      microBatch: 2,
      microBatches: 8,
      program: oneFOneB,
      layersPerStage: megatronSplit(names, 'h', 4),
      parallel,
      p2p,
    });
    const bytes = Math.max(...r.stages.map((s) => s.boundaryBytes));
    expect(r.tCommS).toBeCloseTo(1e-5 + bytes / 2.5e10, 15);
    // 1F1B with hop delay c: the last stage's first F starts 3 hops later and the pipeline drains 3 hops
    // back, so at least 2(S − 1)·c more than with free hops.
    const free = pipelineIterationTime({
      compute,
      devices,
      microBatch: 2,
      microBatches: 8,
      program: oneFOneB,
      layersPerStage: megatronSplit(names, 'h', 4),
      parallel,
      p2p: freeP2p,
    });
    expect(r.seconds - free.seconds).toBeGreaterThanOrEqual(6 * r.tCommS - 1e-12);
  });

  it('runs interleaved chunks as virtual stages c·S + d on rank d', () => {
    const r = pipelineIterationTime({
      compute,
      devices,
      microBatch: 2,
      microBatches: 8,
      program: interleaved1F1B,
      chunks: 3,
      layersPerStage: megatronSplit(names, 'h', 12),
      parallel,
      p2p: freeP2p,
    });
    expect(r.stages).toHaveLength(12);
    // F3: bubble (p − 1)/(v·m + p − 1) = 3/27 with equal op times.
    expect(r.timeline.bubble).toBeCloseTo(3 / 27, 12);
  });
});
