/** The configurations `dtsim fit` enumerates, and the α-β ring it ranks them with, on small hand-counted cases. */
import { describe, expect, it } from 'vitest';
import { ringAllReduceS } from '../../src/scenario/fit-links.ts';
import {
  blockPrefix,
  candidateLabel,
  countBlocks,
  divisors,
  pipeCandidates,
  powersOfTwoDividing,
  zeroCandidates,
} from '../../src/scenario/fit-space.ts';

describe('fit space', () => {
  it('counts divisors, powers of two and blocks', () => {
    expect(divisors(12)).toEqual([1, 2, 3, 4, 6, 12]);
    expect(powersOfTwoDividing(24)).toEqual([1, 2, 4, 8]);
    expect(powersOfTwoDividing(6)).toEqual([1, 2]);
    const names = ['embed', 'h.0.attn.qkv', 'h.0.mlp.up', 'h.1.attn.qkv', 'h.1.mlp.down', 'norm', 'lm_head'];
    expect(countBlocks(names)).toBe(2);
    expect(blockPrefix(names)).toBe('h');
    expect(blockPrefix(['conv1', 'layer1.0.conv1', 'fc'])).toBeUndefined();
  });

  it('enumerates 3-D configurations within a node, dividing blocks, GPUs and the batch', () => {
    // 8 GPUs in one node, 4 blocks, B = 8. (t, p, d): t ∈ {1, 2, 4, 8}, p | 4 and p | 8/t, d = 8/(t·p):
    // t=1: p ∈ {1, 2, 4} → d 8, 4, 2; t=2: p ∈ {1, 2, 4} → d 4, 2, 1; t=4: p ∈ {1, 2} → d 2, 1; t=8: p=1, d=1.
    // b: powers of two dividing B/d; recompute: 3 choices. Σ over (t, p): |{b}| = 1+2+3 + 2+3+4 + 3+4 + 4 = 26.
    const c = pipeCandidates({ gpus: 8, gpusPerNode: 8, globalBatch: 8, blocks: 4, layers: 20 });
    expect(c.length).toBe(26 * 3);
    for (const x of c) {
      expect(x.tp * x.pp * x.dp).toBe(8);
      expect(x.dp * x.microBatch * x.microBatches).toBe(8);
      expect(x.sequenceParallel).toBe(x.tp > 1);
    }
    expect(candidateLabel(c.find((x) => x.tp === 4 && x.pp === 2 && x.recompute === 'selective')!)).toBe(
      'tp4 pp2 dp1 mb1 sel+sp',
    );
  });

  it('keeps t = 1 and leaves out selective recompute for a profile without blocks', () => {
    const c = pipeCandidates({ gpus: 4, gpusPerNode: 4, globalBatch: 4, blocks: 0, layers: 3 });
    // p ∈ {1, 2} (p ≤ 3 layers and p | 4), d = 4, 2; b | 4/d: 1 and 2 choices; recompute none/full.
    expect(c.length).toBe((1 + 2) * 2);
    expect(c.every((x) => x.tp === 1 && x.recompute !== 'selective')).toBe(true);
  });

  it('enumerates ZeRO stages over every GPU only when the GPUs divide the batch', () => {
    const z = zeroCandidates({ gpus: 4, gpusPerNode: 4, globalBatch: 16, blocks: 2, layers: 10 });
    // B/N = 4: b ∈ {1, 2, 4}; (4 stages + 3 offloaded) × 3 b × 3 recompute.
    expect(z.length).toBe(63);
    expect(candidateLabel(z.find((x) => x.stage === 2 && x.offload === 'cpu' && x.microBatch === 1)!)).toMatch(
      /^zero2\+cpu dp4 mb1 /,
    );
    expect(candidateLabel(z.find((x) => x.stage === 3 && x.microBatch === 2 && x.recompute === 'full')!)).toBe(
      'zero3 dp4 mb2 full',
    );
    expect(zeroCandidates({ gpus: 3, gpusPerNode: 3, globalBatch: 16, blocks: 2, layers: 10 })).toEqual([]);
  });

  it('prices a ring all-reduce as 2(n − 1)α + 2(n − 1)/n · bytes / B', () => {
    const link = { latencyS: 1e-5, bandwidthBytesPerS: 1e9 };
    // n = 4, 1 GB: 6 · 10 µs + 1.5 · 1 s.
    expect(ringAllReduceS(1e9, 4, link)).toBeCloseTo(6e-5 + 1.5, 12);
    expect(ringAllReduceS(1e9, 1, link)).toBe(0);
  });
});
