import { describe, expect, it } from 'vitest';
import { RESNET101, RESNET152, RESNET50 } from '../../src/workload/resnet.ts';
import { profileTotals } from '../../src/workload/totals.ts';
import type { TimingProfile } from '../../src/workload/types.ts';

// Conv and fc entries: the matmul work that published MAC counts measure.
const matmulFlops = (p: TimingProfile): number =>
  p.layers
    .filter((l) => /(conv\d?|downsample\.conv|^fc)$/.test(l.name))
    .reduce((s, l) => s + l.forwardFlopsPerSample, 0);

describe('ResNet profiles', () => {
  const r50 = RESNET50.build({ bytesPerValue: 2 });

  it("derives ResNet-50 with torchvision's 25,557,032 parameters", () => {
    // Convs (no bias) + batch-norm γ, β + fc 2048·1000 + 1000; running statistics are buffers, not params.
    expect(profileTotals(r50).params).toBe(25_557_032);
    expect(RESNET50.params).toBe(25_557_032);
  });

  it('derives ResNet-101 and ResNet-152 parameter counts (torchvision)', () => {
    expect(profileTotals(RESNET101.build({ bytesPerValue: 2 })).params).toBe(44_549_160);
    expect(profileTotals(RESNET152.build({ bytesPerValue: 2 })).params).toBe(60_192_808);
  });

  it('has 53 convolutions and one fc layer, ending on a 7×7×2048 feature map', () => {
    const convs = r50.layers.filter((l) => /conv\d?$|downsample\.conv$/.test(l.name));
    // 1 stem + 16 blocks × 3 + 4 projection shortcuts = 53.
    expect(convs).toHaveLength(53);
    expect(r50.layers.filter((l) => l.name === 'fc')).toHaveLength(1);
    expect(r50.layers.find((l) => l.name === 'avgpool')?.forwardFlopsPerSample).toBe(2048 * 7 * 7);
    expect(r50.layers.find((l) => l.name === 'fc')?.params).toBe(2048 * 1000 + 1000);
  });

  it('costs about 4.1 G multiply-adds (8.2 GFLOPs) per 224×224 image in its convs and fc', () => {
    // torchvision's ResNet50_Weights card lists 4.09 G multiply-adds (v1.5, stride on the 3×3), so
    // conv + fc FLOPs should be 2 × 4.09e9 = 8.18e9. Rounding 4.09 to three digits is ±0.125%, and our
    // 1,000 fc bias adds are 1e-7 of it, so 0.2% is a tolerance only a wrong layer shape can break.
    expect(Math.abs(matmulFlops(r50) / 8.18e9 - 1)).toBeLessThan(0.002);
  });

  it('adds at most 1% on top for batch norms, ReLUs, pools, residual adds and the loss', () => {
    // These entries carry nominal FLOPs (≤ 5 per element of ~11M activation values ≈ 60 MFLOP) that
    // matter for memory time, not FLOPs; 1% of 8.18 GFLOP is 82 MFLOP.
    const t = profileTotals(r50).forwardFlopsPerSample;
    expect(t).toBeGreaterThan(matmulFlops(r50));
    expect(t / matmulFlops(r50) - 1).toBeLessThan(0.01);
  });

  it('scales activation bytes with bytesPerValue and leaves params and FLOPs alone', () => {
    const a = profileTotals(r50);
    const b = profileTotals(RESNET50.build({ bytesPerValue: 4 }));
    expect(b.activationBytesPerSample).toBe(2 * a.activationBytesPerSample);
    expect(b.forwardFlopsPerSample).toBe(a.forwardFlopsPerSample);
    expect(b.paramBytes).toBe(4 * 25_557_032);
  });

  it('ignores a sequence length and rejects a bytesPerValue that is no real precision', () => {
    const p = RESNET50.build({ bytesPerValue: 2, sequenceLength: 77 });
    expect(p.sample).toBe('image');
    expect(p.sequenceLength).toBeUndefined();
    expect(profileTotals(p)).toEqual(profileTotals(r50));
    expect(() => RESNET50.build({ bytesPerValue: 3 })).toThrow(/bytesPerValue must be one of 1, 2, 4, 8/);
  });
});
