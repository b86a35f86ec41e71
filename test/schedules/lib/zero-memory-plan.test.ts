import { describe, expect, it } from 'vitest';
import { zeroGpuBytes, zeroMemoryProblems, type ZeroMemoryInput } from '../../../src/schedules/lib/zero-memory-plan.ts';
import type { TimingProfile } from '../../../src/workload/types.ts';

/** ZeRO's own example (spec §23, F14): Ψ = 7.5e9 in one fp16 layer, Adam (K = 12), N_d = 64, no activations. */
const paper: ZeroMemoryInput = {
  profile: {
    name: 'psi-7.5b',
    description: '',
    source: 'spec §23',
    sample: 'vector',
    bytesPerValue: 2,
    layers: [{ name: 'all', params: 7.5e9, forwardFlopsPerSample: 0, activationBytesPerSample: 0 }],
  } as TimingProfile,
  batchSize: 1,
  dp: 64,
  optimizerSlots: 2,
};

describe('zeroGpuBytes', () => {
  it("gives ZeRO's 31.4 / 16.6 GB for stages 1 and 2, and 1.875 GB of model state for stage 3 (F14)", () => {
    expect(zeroGpuBytes({ stage: 1, offload: 'none' }, paper).total).toBeCloseTo(31.40625e9, 0);
    expect(zeroGpuBytes({ stage: 2, offload: 'none' }, paper).total).toBeCloseTo(16.640625e9, 0);
    const s3 = zeroGpuBytes({ stage: 3, offload: 'none' }, paper);
    // Stage 3 also holds the gathered layer (here the whole one-layer model, 15 GB) while computing it.
    expect(s3.weights + s3.grads + s3.optimizer).toBeCloseTo(1.875e9, 0);
    expect(s3.buffers).toBe(15e9);
  });

  it('moves gradients and optimizer state to the host under offload cpu', () => {
    const off = zeroGpuBytes({ stage: 2, offload: 'cpu' }, paper);
    // GPU: the fp16 weights 2Ψ = 15 GB; host: (2 + 12)Ψ / 64 = 1.640625 GB for this GPU's partition.
    expect(off.total).toBe(15e9);
    expect(off.host).toBeCloseTo(1.640625e9, 0);
  });
});

describe('zeroGpuBytes with offload nvme', () => {
  it('keeps only the gather buffer on the GPU, parameters and optimizer on NVMe, gradients on the host', () => {
    const inf = zeroGpuBytes({ stage: 3, offload: 'nvme' }, paper);
    expect([inf.weights, inf.grads, inf.optimizer, inf.buffers]).toEqual([0, 0, 0, 15e9]);
    // NVMe: (2 + 12)Ψ/64; host: 2Ψ/64.
    expect(inf.nvme).toBeCloseTo(1.640625e9, 0);
    expect(inf.host).toBeCloseTo(0.234375e9, 0);
  });
});

describe('zeroMemoryProblems', () => {
  it('is empty when it fits, and otherwise names the shortfall and the configurations that fit', () => {
    const gpus = [
      { rank: 0, name: 'big', capacity: 80e9 },
      { rank: 1, name: 'small', capacity: 24e9 },
    ];
    expect(zeroMemoryProblems({ stage: 2, offload: 'none' }, paper, gpus)).toEqual([]);
    const [m] = zeroMemoryProblems({ stage: 1, offload: 'none' }, paper, gpus);
    expect(m).toMatch(
      /^ZeRO stage 1 needs 31\.4 GB per GPU \(weights 15\.0 GB, grads 15\.0 GB, optimizer 1\.4 GB; N_d = 64\), 7\.4 GB more than the 24\.0 GB of rank 1's small; would fit: stage 2 \(16\.6 GB\), stage 3 \(16\.9 GB\), stage 1 with offload cpu \(15\.0 GB\)/,
    );
  });

  it('says when one batch of activations alone exceeds the GPU', () => {
    const layer = { name: 'all', params: 1e6, forwardFlopsPerSample: 0, activationBytesPerSample: 5e9 };
    const heavy = { ...paper, profile: { ...paper.profile, layers: [layer] } };
    const [m] = zeroMemoryProblems({ stage: 3, offload: 'none' }, heavy, [{ rank: 0, name: 'g', capacity: 4e9 }]);
    expect(m).toMatch(/one batch's activations alone \(\d+\.\d GB\) exceed the GPU: use a smaller batch/);
  });

  it('says when nothing fits', () => {
    const [m] = zeroMemoryProblems({ stage: 1, offload: 'none' }, paper, [{ rank: 0, name: 'tiny', capacity: 1e9 }]);
    expect(m).toMatch(/no ZeRO configuration fits \(the smallest, stage 1 with offload cpu, needs 15\.0 GB\)/);
  });
});
