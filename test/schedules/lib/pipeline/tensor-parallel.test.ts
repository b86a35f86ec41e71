import { describe, expect, it } from 'vitest';
import { DGX_A100_RING_FIT, ringAllReduceTime } from '../../../../src/collectives/calibration.ts';
import { gpuSpec } from '../../../../src/hardware/gpu-catalog.ts';
import {
  checkTensorParallel,
  hiddenStateBytesPerSample,
  perGpuProfile,
  recomputes,
  ringAllReduceS,
  tensorParallelLayerCosts,
  tensorParallelRole,
  type TensorParallelSpec,
} from '../../../../src/schedules/lib/pipeline/tensor-parallel.ts';
import { layerStageCosts, type LayerStageCost } from '../../../../src/schedules/lib/stage-costs.ts';
import { RESNET50 } from '../../../../src/workload/resnet.ts';
import type { TransformerConfig } from '../../../../src/workload/transformer-config.ts';
import { transformerLayers } from '../../../../src/workload/transformer.ts';
import type { TimingProfile } from '../../../../src/workload/types.ts';

// A small GPT: 2 pre-norm blocks, d = 256, 8 heads, FFN 1024, 32 tokens, vocab 1000, fp16 values.
const TINY: TransformerConfig = {
  name: 'tiny-gpt',
  blockPrefix: 'layers',
  layers: 2,
  dModel: 256,
  heads: 8,
  kvHeads: 8,
  dFF: 1024,
  vocabSize: 1000,
  positions: 'learned',
  maxSequenceLength: 32,
  defaultSequenceLength: 32,
  tokenTypes: 0,
  norm: 'layernorm',
  normPlacement: 'pre',
  ffn: 'gelu',
  bias: true,
  head: 'lm',
  tiedEmbeddings: true,
  attention: 'materialized',
  attentionDropout: false,
};
const profile: TimingProfile = {
  name: 'tiny-gpt',
  description: 'test',
  source: 'test',
  sample: 'sequence',
  sequenceLength: 32,
  bytesPerValue: 2,
  layers: transformerLayers(TINY, 32, 2),
};
const a100 = { spec: gpuSpec('A100-80GB'), speed: 1 };
// The plain roofline at the old default 0.6 (a scenario's single `efficiency`): these tests are about
// how TP splits the work, which the roofline's exact halving shows; the kind model's split of the GEMM
// shapes has its own test below.
const opts = { microBatch: 4, precision: 'fp16' as const, efficiency: 0.6 };
// α = 10 µs per ring step, B = 10 GB/s: slow enough that collectives are not lost in rounding.
const link = { latencyS: 1e-5, bandwidthBytesPerS: 1e10 };
// A link that costs nothing: isolates compute.
const free = { latencyS: 0, bandwidthBytesPerS: Infinity };
const spec = (o: Partial<TensorParallelSpec>): TensorParallelSpec => ({
  degree: 2,
  sequenceParallel: false,
  recompute: 'none',
  link,
  ...o,
});
const costs = (o: Partial<TensorParallelSpec>): LayerStageCost[] =>
  tensorParallelLayerCosts(profile, a100, opts, spec(o));
const byName = (c: readonly LayerStageCost[], name: string): LayerStageCost => c.find((l) => l.name === name)!;
const total = (c: readonly LayerStageCost[], f: 'forwardS' | 'backwardInputS' | 'backwardWeightS'): number =>
  c.reduce((s, l) => s + l[f], 0);

describe('ringAllReduceS', () => {
  it('prices a ring all-reduce at 2(t−1)·α + 2(t−1)/t · n/B', () => {
    // t = 4, n = 8 MB, α = 10 µs, B = 10 GB/s: 6 × 10 µs + 1.5 × 8e6 / 1e10 s = 60 µs + 1.2 ms = 1.26 ms.
    expect(ringAllReduceS(8e6, 4, link)).toBeCloseTo(1.26e-3, 15);
    expect(ringAllReduceS(8e6, 1, link)).toBe(0);
  });

  it('agrees with the calibrated collective model on the dgx-a100 fit', () => {
    const fit = { latencyS: DGX_A100_RING_FIT.alphaS, bandwidthBytesPerS: DGX_A100_RING_FIT.bandwidthBytesPerS };
    expect(ringAllReduceS(64 * 2 ** 20, 8, fit)).toBeCloseTo(ringAllReduceTime(8, 64 * 2 ** 20, DGX_A100_RING_FIT), 12);
  });
});

describe('tensorParallelLayerCosts', () => {
  it('charges a block 2 all-reduces of b·T·d values forward and 2 backward (Megatron f and g)', () => {
    // One hidden state: micro-batch 4 × 32 tokens × 256 × 2 B = 65,536 B. At t = 2 one all-reduce costs
    // 2·1·10 µs + 2·1/2 · 65,536 / 1e10 s = 20 µs + 6.5536 µs = 26.5536 µs.
    expect(hiddenStateBytesPerSample(profile) * 4).toBe(65_536);
    const ar = 26.5536e-6;
    const withComm = costs({});
    const compute = costs({ link: free });
    for (const b of [0, 1]) {
      const p = `layers.${b}`;
      const d = (n: string, f: 'forwardS' | 'backwardInputS'): number =>
        byName(withComm, `${p}.${n}`)[f] - byName(compute, `${p}.${n}`)[f];
      // g after the row-parallel layers in the forward; f before the column-parallel ones in the backward.
      expect(d('attn.out', 'forwardS')).toBeCloseTo(ar, 15);
      expect(d('mlp.down', 'forwardS')).toBeCloseTo(ar, 15);
      expect(d('attn.qkv', 'backwardInputS')).toBeCloseTo(ar, 15);
      expect(d('mlp.up', 'backwardInputS')).toBeCloseTo(ar, 15);
      expect(d('attn.qkv', 'forwardS')).toBe(0);
      expect(d('attn.out', 'backwardInputS')).toBe(0);
    }
    // Whole model: 2 blocks × 2 + the embedding's g forward; 2 × 2 + the LM head's f backward. The
    // weight-gradient part moves nothing.
    expect(total(withComm, 'forwardS') - total(compute, 'forwardS')).toBeCloseTo(5 * ar, 14);
    expect(total(withComm, 'backwardInputS') - total(compute, 'backwardInputS')).toBeCloseTo(5 * ar, 14);
    expect(total(withComm, 'backwardWeightS')).toBe(total(compute, 'backwardWeightS'));
  });

  it('moves the same ring bytes with sequence parallelism, half of each pair in the other pass', () => {
    const ar = 26.5536e-6;
    const sp = costs({ sequenceParallel: true });
    const spCompute = costs({ sequenceParallel: true, link: free });
    const dF = total(sp, 'forwardS') - total(spCompute, 'forwardS');
    const dI = total(sp, 'backwardInputS') - total(spCompute, 'backwardInputS');
    // Per block: all-gather + reduce-scatter around attention and around the MLP, in both passes.
    expect(byName(sp, 'layers.0.attn.qkv').forwardS - byName(spCompute, 'layers.0.attn.qkv').forwardS).toBeCloseTo(
      ar / 2,
      15,
    );
    expect(dF + dI).toBeCloseTo(10 * ar, 14);
    expect(dF).toBeCloseTo(5 * ar, 14);
  });

  it('splits the matmuls t ways and, only with sequence parallelism, the norms and residual adds', () => {
    const one = layerStageCosts(profile, a100, opts);
    const tp = costs({ degree: 2, link: free });
    const sp = costs({ degree: 2, sequenceParallel: true, link: free });
    // FLOPs and activation bytes halve and so does each roofline term; the weights read once halve too
    // for split layers, so the whole max() halves: t_F(t=2) = t_F(t=1) / 2.
    for (const n of ['layers.0.attn.qkv', 'layers.0.attn.scores', 'layers.0.attn.softmax', 'layers.1.mlp.up', 'embed'])
      expect(byName(tp, n).forwardS).toBeCloseTo(byName(one, n).forwardS / 2, 15);
    for (const n of ['layers.0.attn.norm', 'layers.0.attn.residual', 'layers.1.mlp.norm', 'norm']) {
      // Replicated without SP: the whole work on every GPU.
      expect(byName(tp, n).forwardS).toBe(byName(one, n).forwardS);
      // With SP each GPU normalises T/2 tokens. A norm's γ, β stay whole (read once, replicated), so only
      // the activation part of its bytes halves; a residual add has no weights and halves exactly.
      const full = byName(one, n);
      const half = byName(sp, n);
      // Both are memory-bound (a norm: 5 FLOPs per value against 4 bytes). A norm moves γ, β (1,024 B)
      // plus input and output (4 × 32 × 256 values × 2 × 2 B = 131,072 B); with SP 1,024 + 65,536 B.
      const ratio = n.endsWith('residual') ? 0.5 : (1024 + 65_536) / (1024 + 131_072);
      expect(half.forwardS / full.forwardS).toBeCloseTo(ratio, 12);
      expect(half.activationBytes).toBe(full.activationBytes / 2);
    }
  });

  it('splits the GEMM shapes as Megatron does: columns, reduction or heads', () => {
    const g = (n: string): unknown => perGpuProfile(profile, spec({})).layers.find((l) => l.name === n)!.gemm;
    const d = TINY.dModel;
    const hd = d / TINY.heads;
    // Column-parallel qkv: 1/2 of the 3d output columns; row-parallel out: 1/2 of the d-long reduction.
    expect(g('layers.0.attn.qkv')).toEqual({ m: 32, n: (3 * d) / 2, k: d, count: 1 });
    expect(g('layers.0.attn.out')).toEqual({ m: 32, n: d, k: d / 2, count: 1 });
    // The attention core: half the heads on each GPU.
    expect(g('layers.0.attn.scores')).toEqual({ m: 32, n: 32, k: hd, count: TINY.heads / 2 });
  });

  it('adds the re-run forward of every block layer to the input-gradient part with full recompute', () => {
    const none = costs({});
    const full = costs({ recompute: 'full' });
    none.forEach((l, i) => {
      const f = full[i]!;
      const inBlock = l.name.startsWith('layers.');
      // The re-run includes the forward collectives; the embedding and the head are not checkpointed.
      expect(f.backwardInputS - l.backwardInputS).toBeCloseTo(inBlock ? l.forwardS : 0, 15);
      expect(f.forwardS).toBe(l.forwardS);
      expect(f.backwardWeightS).toBe(l.backwardWeightS);
    });
  });

  it('re-runs only the attention core (scores, softmax, context) with selective recompute', () => {
    const none = costs({ sequenceParallel: true });
    const sel = costs({ sequenceParallel: true, recompute: 'selective' });
    const core = none.filter((l) => /\.attn\.(scores|softmax|context)$/.test(l.name));
    expect(core).toHaveLength(6);
    const extra = total(sel, 'backwardInputS') - total(none, 'backwardInputS');
    expect(extra).toBeCloseTo(total(core, 'forwardS'), 15);
    expect(recomputes('layers.3.attn.qkv', 'selective')).toBe(false);
    expect(recomputes('lm_head', 'full')).toBe(false);
  });

  it('sends 1/t of each activation across a stage boundary per GPU', () => {
    const one = layerStageCosts(profile, a100, opts);
    costs({ degree: 4 }).forEach((l, i) => expect(l.outputBytes).toBe(one[i]!.outputBytes / 4));
  });

  it('gives each GPU 1/t of the matmul weights and whole norm parameters', () => {
    const p = perGpuProfile(profile, spec({ degree: 4 }));
    const of = (q: TimingProfile, n: string): number => q.layers.find((l) => l.name === n)!.params;
    expect(of(p, 'layers.0.attn.qkv')).toBe(of(profile, 'layers.0.attn.qkv') / 4);
    expect(of(p, 'embed')).toBe(of(profile, 'embed') / 4);
    expect(of(p, 'layers.0.attn.norm')).toBe(2 * 256);
  });

  it('equals the one-GPU costs at degree 1 without recompute', () => {
    expect(costs({ degree: 1 })).toEqual(layerStageCosts(profile, a100, opts));
  });

  it('rejects bad specs and profiles it cannot split', () => {
    for (const bad of [
      { degree: 0 },
      { degree: 1.5 },
      { degree: Number.NaN },
      { recompute: 'some' as 'none' },
      { link: { latencyS: -1, bandwidthBytesPerS: 1e9 } },
      { link: { latencyS: 0, bandwidthBytesPerS: 0 } },
    ])
      expect(() => checkTensorParallel(spec(bad))).toThrow(RangeError);
    const resnet = RESNET50.build({ bytesPerValue: 2 });
    expect(() => tensorParallelLayerCosts(resnet, a100, opts, spec({}))).toThrow(/transformer language models only/);
    expect(() => tensorParallelRole('mlm.decoder', false)).toThrow(RangeError);
    // At degree 1 any profile may recompute.
    expect(() => tensorParallelLayerCosts(resnet, a100, opts, spec({ degree: 1, recompute: 'full' }))).not.toThrow();
  });
});
