import { describe, expect, it } from 'vitest';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import { buildCluster } from '../../src/hardware/cluster.ts';
import { peakFlops } from '../../src/hardware/device-spec.ts';
import { lmFigures } from '../../src/scenario/run-lm-figures.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { TimingProfile } from '../../src/workload/types.ts';
import { tinyScenario } from '../schedules/fixtures.ts';

const nic = { bandwidth: bytesPerSecond(12.5e9), latency: seconds(5e-6) };
const devices = buildCluster([{ count: 2, gpusPerNode: 1, gpu: 'A100-80GB', nic }]).devices;

// Two layers of 1 and 3 GFLOP forward per sample, sequences of 512 tokens.
const lm: TimingProfile = {
  name: 'lm',
  description: 'test',
  source: 'test',
  sample: 'sequence',
  sequenceLength: 512,
  bytesPerValue: 2,
  layers: [
    { name: 'a', params: 1, forwardFlopsPerSample: 1e9, activationBytesPerSample: 0 },
    { name: 'b', params: 1, forwardFlopsPerSample: 3e9, activationBytesPerSample: 0 },
  ],
};

describe('language-model figures', () => {
  it('counts tokens, model FLOPs (3 × forward per sample) and MFU against the GPUs’ peak', () => {
    // 1,000 samples in 2 s: 256,000 tokens/s; 3 × 4 GFLOP × 1,000 = 1.2e13 FLOPs; MFU =
    // 1.2e13 / 2 s / (2 × the A100's bf16 peak).
    const f = lmFigures(lm, devices, 'bf16', 1000, 2);
    expect(f.tokensPerS).toBe(256_000);
    expect(f.modelFlops).toBe(1.2e13);
    expect(f.mfu).toBeCloseTo(1.2e13 / 2 / (2 * (peakFlops(devices[0]!.spec, 'bf16') as number)), 15);
  });

  it('gives image models model FLOPs and MFU but no tokens/s, and nothing without simulated time', () => {
    const { sequenceLength: _seq, ...rest } = lm;
    const image: TimingProfile = { ...rest, sample: 'image' };
    // Same FLOPs as above: 3 × 4 GFLOP × 1,000 samples = 1.2e13 in 2 s on two A100s at bf16.
    expect(lmFigures(image, devices, 'bf16', 1000, 2)).toEqual({
      tokensPerS: undefined,
      modelFlops: 1.2e13,
      mfu: 1.2e13 / 2 / (2 * (peakFlops(devices[0]!.spec, 'bf16') as number)),
    });
    // A profile without FLOPs (a custom step time) has no MFU.
    const none: TimingProfile = { ...image, layers: image.layers.map((l) => ({ ...l, forwardFlopsPerSample: 0 })) };
    expect(lmFigures(none, devices, 'bf16', 1000, 2).mfu).toBeUndefined();
    expect(lmFigures(lm, devices, 'bf16', 0, 0).mfu).toBeUndefined();
  });

  it('reaches the run summary for a language-model profile', () => {
    const r = runScenario(
      tinyScenario({
        mode: 'timing-only',
        workers: 2,
        updates: 3,
        batchSize: 8,
        timing: { kind: 'profile', name: 'gpt2-small' },
      }),
      0,
    );
    expect(r.tokensPerS).toBeCloseTo((r.samples * 1024) / r.simTimeS, 6);
    expect(r.mfu!).toBeGreaterThan(0);
    expect(r.mfu!).toBeLessThan(1);
  });
});
