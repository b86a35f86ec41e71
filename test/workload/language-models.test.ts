import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BERT_BASE,
  BERT_BASE_CONFIG,
  BERT_LARGE,
  BERT_LARGE_CONFIG,
  GPT2_LARGE,
  GPT2_LARGE_CONFIG,
  GPT2_MEDIUM,
  GPT2_MEDIUM_CONFIG,
  GPT2_SMALL,
  GPT2_SMALL_CONFIG,
  GPT2_XL,
  GPT2_XL_CONFIG,
  GPT3_175B,
  GPT3_175B_CONFIG,
  LLAMA2_13B,
  LLAMA2_13B_CONFIG,
  LLAMA2_70B,
  LLAMA2_70B_CONFIG,
  LLAMA2_7B,
  LLAMA2_7B_CONFIG,
  MEGATRON_1T,
  MEGATRON_1T_CONFIG,
  MEGATRON_22B,
  MEGATRON_22B_CONFIG,
  MT_NLG_530B,
  MT_NLG_530B_CONFIG,
} from '../../src/workload/language-models.ts';
import { profileTotals, type ProfileTotals } from '../../src/workload/totals.ts';
import type { TransformerConfig } from '../../src/workload/transformer-config.ts';
import { transformerLayers } from '../../src/workload/transformer.ts';
import type { ProfileEntry, TimingProfile } from '../../src/workload/types.ts';

const MODELS: readonly (readonly [ProfileEntry, TransformerConfig])[] = [
  [BERT_BASE, BERT_BASE_CONFIG],
  [BERT_LARGE, BERT_LARGE_CONFIG],
  [GPT2_SMALL, GPT2_SMALL_CONFIG],
  [GPT2_MEDIUM, GPT2_MEDIUM_CONFIG],
  [GPT2_LARGE, GPT2_LARGE_CONFIG],
  [GPT2_XL, GPT2_XL_CONFIG],
  [LLAMA2_7B, LLAMA2_7B_CONFIG],
  [LLAMA2_13B, LLAMA2_13B_CONFIG],
  [LLAMA2_70B, LLAMA2_70B_CONFIG],
  [MEGATRON_22B, MEGATRON_22B_CONFIG],
  [GPT3_175B, GPT3_175B_CONFIG],
  [MT_NLG_530B, MT_NLG_530B_CONFIG],
  [MEGATRON_1T, MEGATRON_1T_CONFIG],
];

const sum = (p: TimingProfile, pick: (name: string) => boolean, f: 'params' | 'forwardFlopsPerSample'): number =>
  p.layers.filter((l) => pick(l.name)).reduce((s, l) => s + l[f], 0);
const isBertHead = (n: string): boolean => /^(mlm\.|nsp$)/.test(n);

describe('transformer parameter counts', () => {
  it.each([
    ['bert-base', BERT_BASE, 110_106_428],
    ['bert-large', BERT_LARGE, 336_226_108],
    ['gpt2-small', GPT2_SMALL, 124_439_808],
    ['gpt2-medium', GPT2_MEDIUM, 354_823_168],
    ['gpt2-large', GPT2_LARGE, 774_030_080],
    ['gpt2-xl', GPT2_XL, 1_557_611_200],
    ['llama2-7b', LLAMA2_7B, 6_738_415_616],
    ['llama2-13b', LLAMA2_13B, 13_015_864_320],
    ['llama2-70b', LLAMA2_70B, 68_976_648_192],
    ['megatron-22b', MEGATRON_22B, 22_074_273_792],
    ['gpt3-175b', GPT3_175B, 174_615_846_912],
    ['mt-nlg-530b', MT_NLG_530B, 529_600_819_200],
    ['megatron-1t', MEGATRON_1T, 1_008_038_758_400],
  ] as const)('derives %s with %i parameters', (_name, entry, params) => {
    expect(profileTotals(entry.build({ bytesPerValue: 2 })).params).toBe(params);
    expect(entry.params).toBe(params);
  });

  it('gives BERT 109,482,240 (base) and 335,141,888 (large) params without the pre-training heads', () => {
    // HF BertModel: embeddings + encoder + pooler. The pre-training heads add d² + 5d + vocab + 2:
    // transform dense (d² + d), its LayerNorm (2d), the decoder bias (30,522; its weight is the tied
    // token embedding) and the NSP classifier (2d + 2). Without the pooler (d² + d) base has 108,891,648.
    const base = BERT_BASE.build({ bytesPerValue: 2 });
    expect(sum(base, (n) => !isBertHead(n), 'params')).toBe(109_482_240);
    expect(sum(base, (n) => !isBertHead(n) && n !== 'pooler', 'params')).toBe(108_891_648);
    expect(sum(base, isBertHead, 'params')).toBe(768 * 768 + 5 * 768 + 30_522 + 2);
    expect(sum(BERT_LARGE.build({ bytesPerValue: 2 }), (n) => !isBertHead(n), 'params')).toBe(335_141_888);
  });

  it('gives a GPT-2 block 12d² + 13d params and counts the tied LM head once', () => {
    // c_attn 3d² + 3d, c_proj d² + d, c_fc 4d² + 4d, mlp c_proj 4d² + d, two LayerNorms 4d.
    const d = GPT2_XL_CONFIG.dModel;
    const p = GPT2_XL.build({ bytesPerValue: 2 });
    expect(sum(p, (n) => n.startsWith('h.7.'), 'params')).toBe(12 * d * d + 13 * d);
    const head = p.layers.find((l) => l.name === 'lm_head')!;
    expect(head.params).toBe(0);
    expect(head.forwardFlopsPerSample).toBe(2 * 1024 * d * 50_257);
  });

  it('gives a Llama 2 block 4d² + 3·d·ffn + 2d params (with grouped-query K, V for 70B) and an untied head', () => {
    const c7 = LLAMA2_7B_CONFIG;
    const p7 = LLAMA2_7B.build({ bytesPerValue: 2 });
    expect(sum(p7, (n) => n.startsWith('layers.0.'), 'params')).toBe(
      4 * c7.dModel ** 2 + 3 * c7.dModel * c7.dFF + 2 * c7.dModel,
    );
    expect(p7.layers.find((l) => l.name === 'lm_head')?.params).toBe(32_000 * 4096);
    // 70B: q and o are d×d, k and v are d×(8 heads · 128) each.
    const c70 = LLAMA2_70B_CONFIG;
    const p70 = LLAMA2_70B.build({ bytesPerValue: 2, sequenceLength: 16 });
    expect(sum(p70, (n) => n.startsWith('layers.0.'), 'params')).toBe(
      2 * c70.dModel ** 2 + 2 * c70.dModel * 1024 + 3 * c70.dModel * c70.dFF + 2 * c70.dModel,
    );
  });
});

describe('Megatron GPT models of Korthikanti et al. (arXiv 2205.05198, Table 3)', () => {
  it.each([
    // name, entry, config, headline size, Narayanan et al. (arXiv 2104.04473) Table 1 count in billions
    ['megatron-22b', MEGATRON_22B, MEGATRON_22B_CONFIG, 22e9, undefined],
    ['gpt3-175b', GPT3_175B, GPT3_175B_CONFIG, 175e9, 174.6],
    ['mt-nlg-530b', MT_NLG_530B, MT_NLG_530B_CONFIG, 530e9, 529.6],
    ['megatron-1t', MEGATRON_1T, MEGATRON_1T_CONFIG, 1e12, 1008.0],
  ] as const)(
    'counts %s as Narayanan et al.: P = 12lh²(1 + 13/(12h) + (V + s)/(12lh)), + 2h',
    (_n, e, c, size, table) => {
      const l = c.layers;
      const h = c.dModel;
      // Narayanan §5.1: per block 12h² weights and 13h biases and norm gains; a (V + s)·h embedding tied
      // to the head. Their formula leaves out the final LayerNorm's 2h.
      const formula = 12 * l * h * h + 13 * l * h + (c.vocabSize + c.maxSequenceLength) * h + 2 * h;
      expect(e.params).toBe(formula);
      // The paper's names round the count: within 1% of 22B, 175B, 530B and 1T.
      expect(Math.abs(e.params / size - 1)).toBeLessThan(0.01);
      // Narayanan's Table 1 gives the same models to 0.1B.
      if (table !== undefined) expect(Math.round(e.params / 1e8) / 10).toBe(table);
    },
  );
});

describe('transformer forward FLOPs', () => {
  it.each(MODELS.map(([e, c]) => [c.name, e, c] as const))(
    '%s matches Kaplan et al. (2020) Table 1 at its default length',
    (_n, entry, c) => {
      const p = entry.build({ bytesPerValue: 2 });
      const t = p.sequenceLength!;
      const embedAndHead = (n: string): boolean => n === 'embed' || n === 'lm_head' || n === 'mlm.decoder';
      const nonEmbedding = sum(p, (n) => !embedAndHead(n), 'params');
      // Kaplan: C_forward = 2N + 2·n_layer·n_ctx·d_attn per token, N the non-embedding params.
      const kaplan = 2 * nonEmbedding * t + 2 * c.layers * t * t * c.dModel;
      // We compute the full T×T scores (QKᵀ) and context (P·V), 2·T²·d each per layer, twice Kaplan's
      // attention term (his equals the causal half); the de-embedding 2·T·d·vocab is in his Table 1 but not in C_forward.
      const attention = sum(p, (n) => /\.attn\.(scores|context)$/.test(n), 'forwardFlopsPerSample');
      expect(attention).toBe(4 * c.layers * t * t * c.dModel);
      const head = sum(p, (n) => n === 'lm_head' || n === 'mlm.decoder', 'forwardFlopsPerSample');
      const expected = kaplan + 2 * c.layers * t * t * c.dModel + 2 * t * c.dModel * c.vocabSize;
      // What is left: bias adds are 1 FLOP per output not 2 per param; norm params do no matmul; the
      // nominal FLOPs of softmax (5·heads·T² per layer, 5/(4·d_head) ≈ 2% of attention), GELU/SwiGLU
      // (≈ 2/d of the MLP), norms, adds and the loss (2.5/d of the head); BERT's pooler and NSP head see
      // one token, and its MLM decoder bias adds T·vocab. Each is below 0.5% of the total, so 1% holds.
      expect(head).toBeGreaterThanOrEqual(2 * t * c.dModel * c.vocabSize);
      expect(Math.abs(profileTotals(p).forwardFlopsPerSample / expected - 1)).toBeLessThan(0.01);
    },
  );

  it('uses the same FLOPs but fewer bytes with a fused attention kernel', () => {
    const totals = (attention: TransformerConfig['attention'], attentionDropout = false): ProfileTotals =>
      profileTotals({
        ...GPT2_SMALL.build({ bytesPerValue: 2 }),
        layers: transformerLayers({ ...GPT2_SMALL_CONFIG, attention, attentionDropout }, 1024, 2),
      });
    const a = totals('materialized');
    const b = totals('fused');
    expect(b.forwardFlopsPerSample).toBe(a.forwardFlopsPerSample);
    // Materialised, per layer, the heads·T² score matrix is written by QKᵀ, read and written by the
    // softmax and read by P·V: 4 passes × 12 heads × 1024² values × 2 bytes, times 12 layers.
    expect(a.activationBytesPerSample - b.activationBytesPerSample).toBe(12 * 4 * 12 * 1024 * 1024 * 2);
    // Attention dropout (GPT-2's attn_pdrop) on the materialised matrix: one more kernel per layer that
    // reads and writes it (2 bytes each) and writes a 1-byte mask, at 2 FLOPs a value. Fused, the kernel
    // applies it on chip: nothing more.
    const d = totals('materialized', true);
    expect(d.activationBytesPerSample - a.activationBytesPerSample).toBe(12 * 12 * 1024 * 1024 * 5);
    expect(d.forwardFlopsPerSample - a.forwardFlopsPerSample).toBe(12 * 2 * 12 * 1024 * 1024);
    expect(totals('fused', true)).toEqual(b);
    expect(transformerLayers(GPT2_SMALL_CONFIG, 1024, 2).map((l) => l.name)).toContain('h.0.attn.dropout');
  });
});

describe('transformer options', () => {
  it('uses the default sequence length and records it on the profile', () => {
    expect(GPT2_SMALL.defaultSequenceLength).toBe(1024);
    expect(GPT2_SMALL.build({ bytesPerValue: 2 }).sequenceLength).toBe(1024);
    expect(BERT_BASE.build({ bytesPerValue: 2 }).sequenceLength).toBe(512);
    expect(LLAMA2_7B.build({ bytesPerValue: 2 }).sequenceLength).toBe(4096);
    expect(BERT_LARGE.build({ bytesPerValue: 2, sequenceLength: 128 }).sequenceLength).toBe(128);
  });

  it('rejects sequence lengths outside [1, max] and bad precisions', () => {
    expect(() => GPT2_SMALL.build({ bytesPerValue: 2, sequenceLength: 1025 })).toThrow(
      /gpt2-small: sequenceLength must be an integer in \[1, 1024\]/,
    );
    expect(() => BERT_BASE.build({ bytesPerValue: 2, sequenceLength: 0 })).toThrow(RangeError);
    expect(() => LLAMA2_7B.build({ bytesPerValue: 2, sequenceLength: 10.5 })).toThrow(RangeError);
    expect(() => LLAMA2_7B.build({ bytesPerValue: 0 })).toThrow(RangeError);
  });

  it('names every layer once and keeps every count a finite integer >= 0', () => {
    for (const [entry] of MODELS) {
      const p = entry.build({ bytesPerValue: 2, sequenceLength: 64 });
      expect(new Set(p.layers.map((l) => l.name)).size).toBe(p.layers.length);
      for (const l of p.layers) {
        for (const v of [l.params, l.forwardFlopsPerSample, l.activationBytesPerSample]) {
          expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
        }
      }
    }
  });
});

describe('transformer FLOPs versus sequence length', () => {
  // Per layer, FLOPs are c·T^p with p = 2 for the attention score / softmax / context entries, p = 0
  // for BERT's pooler and NSP head (one token per sequence) and p = 1 for everything else (it acts on
  // each token independently), so building at k·T must multiply each layer's FLOPs by exactly k^p.
  const power = (name: string): number =>
    /\.attn\.(scores|softmax|dropout|context)$/.test(name) ? 2 : name === 'pooler' || name === 'nsp' ? 0 : 1;

  it.each([GPT2_SMALL_CONFIG, BERT_BASE_CONFIG, LLAMA2_7B_CONFIG, LLAMA2_70B_CONFIG])(
    'scales non-attention layers linearly and attention scores quadratically in $name',
    (c) => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 128 }), fc.integer({ min: 2, max: 4 }), (t, k) => {
          const a = transformerLayers(c, t, 2);
          const b = transformerLayers(c, k * t, 2);
          expect(b.map((l) => l.name)).toEqual(a.map((l) => l.name));
          a.forEach((l, i) => {
            expect(b[i]!.forwardFlopsPerSample).toBe(k ** power(l.name) * l.forwardFlopsPerSample);
          });
        }),
        { seed: 20240917, numRuns: 25 },
      );
    },
  );
});
