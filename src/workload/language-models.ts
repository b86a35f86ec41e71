/**
 * Named transformer profiles: BERT, GPT-2 and Llama 2, each from its paper and reference config. The
 * configs are the only numbers typed in; params and FLOPs are derived by transformer.ts. The `params`
 * of each entry is the reference implementation's own count, which a test holds the derivation to.
 *
 * Attention kernels: BERT and GPT-2 materialise the score matrix, as their reference code does. Llama 2
 * is profiled with a fused (FlashAttention-style) kernel, the usual way to train at 4,096 tokens, where
 * a materialised score matrix would be 32·4096² values per layer per sequence; the paper does not
 * name its kernel, so this is our assumption.
 *
 * The four Megatron GPT models of Korthikanti et al. (22B, GPT-3 175B, MT-NLG 530B, 1T) are profiled
 * as Megatron-LM builds them in 2022: pre-norm GPT blocks with biases, GELU, learned positions, the LM
 * head tied to the embedding, the GPT-2 BPE vocabulary padded to 51,200 rows, and the score matrix
 * materialised (Megatron's fused scale-mask-softmax kernel still writes it; FlashAttention came later).
 */
import type { TransformerConfig } from './transformer-config.ts';
import { transformerEntry } from './transformer.ts';
import type { ProfileEntry } from './types.ts';

// Defaults every model of a family shares; each config below adds only its own sizes.
const BERT = {
  blockPrefix: 'layer',
  vocabSize: 30522,
  positions: 'learned',
  maxSequenceLength: 512,
  defaultSequenceLength: 512,
  tokenTypes: 2,
  norm: 'layernorm',
  normPlacement: 'post',
  ffn: 'gelu',
  bias: true,
  head: 'bert-pretraining',
  tiedEmbeddings: true,
  attention: 'materialized',
  // attention_probs_dropout_prob 0.1 (google-research/bert bert_config.json).
  attentionDropout: true,
} as const;
const GPT2 = {
  blockPrefix: 'h',
  vocabSize: 50257,
  positions: 'learned',
  maxSequenceLength: 1024,
  defaultSequenceLength: 1024,
  tokenTypes: 0,
  norm: 'layernorm',
  normPlacement: 'pre',
  ffn: 'gelu',
  bias: true,
  head: 'lm',
  tiedEmbeddings: true,
  attention: 'materialized',
  // attn_pdrop 0.1 (HF gpt2 config.json); Megatron-LM's --attention-dropout defaults to 0.1 too.
  attentionDropout: true,
} as const;
const LLAMA2 = {
  blockPrefix: 'layers',
  vocabSize: 32000,
  positions: 'rotary',
  maxSequenceLength: 4096,
  defaultSequenceLength: 4096,
  tokenTypes: 0,
  norm: 'rmsnorm',
  normPlacement: 'pre',
  ffn: 'swiglu',
  bias: false,
  head: 'lm',
  tiedEmbeddings: false,
  attention: 'fused',
  // Llama 2 trains without dropout.
  attentionDropout: false,
} as const;

/** Megatron's GPT: GPT-2's architecture at 2,048 tokens, its vocabulary padded for tensor parallelism. */
const MEGATRON_GPT = {
  ...GPT2,
  blockPrefix: 'layers',
  // GPT-2's 50,257 tokens padded to a multiple of 128 × TP 8 = 1,024 rows (Megatron-LM
  // `_vocab_size_with_padding`); Narayanan et al. (arXiv 2104.04473, §5.1) count V = 51,200.
  vocabSize: 51200,
  maxSequenceLength: 2048,
  defaultSequenceLength: 2048,
} as const;

/** BERT-base (L=12, H=768, A=12), as pre-trained: encoder, pooler, masked-LM and next-sentence heads. */
export const BERT_BASE_CONFIG: TransformerConfig = {
  ...BERT,
  name: 'bert-base',
  layers: 12,
  dModel: 768,
  heads: 12,
  kvHeads: 12,
  dFF: 3072,
};
/** BERT-large (L=24, H=1024, A=16), as pre-trained. */
export const BERT_LARGE_CONFIG: TransformerConfig = {
  ...BERT,
  name: 'bert-large',
  layers: 24,
  dModel: 1024,
  heads: 16,
  kvHeads: 16,
  dFF: 4096,
};
/** GPT-2 small (HF `gpt2`). */
export const GPT2_SMALL_CONFIG: TransformerConfig = {
  ...GPT2,
  name: 'gpt2-small',
  layers: 12,
  dModel: 768,
  heads: 12,
  kvHeads: 12,
  dFF: 3072,
};
/** GPT-2 medium (HF `gpt2-medium`). */
export const GPT2_MEDIUM_CONFIG: TransformerConfig = {
  ...GPT2,
  name: 'gpt2-medium',
  layers: 24,
  dModel: 1024,
  heads: 16,
  kvHeads: 16,
  dFF: 4096,
};
/** GPT-2 large (HF `gpt2-large`). */
export const GPT2_LARGE_CONFIG: TransformerConfig = {
  ...GPT2,
  name: 'gpt2-large',
  layers: 36,
  dModel: 1280,
  heads: 20,
  kvHeads: 20,
  dFF: 5120,
};
/** GPT-2 XL (HF `gpt2-xl`). */
export const GPT2_XL_CONFIG: TransformerConfig = {
  ...GPT2,
  name: 'gpt2-xl',
  layers: 48,
  dModel: 1600,
  heads: 25,
  kvHeads: 25,
  dFF: 6400,
};
/** Llama 2 7B (HF `meta-llama/Llama-2-7b-hf`). */
export const LLAMA2_7B_CONFIG: TransformerConfig = {
  ...LLAMA2,
  name: 'llama2-7b',
  layers: 32,
  dModel: 4096,
  heads: 32,
  kvHeads: 32,
  dFF: 11008,
};
/** Llama 2 13B (HF `meta-llama/Llama-2-13b-hf`). */
export const LLAMA2_13B_CONFIG: TransformerConfig = {
  ...LLAMA2,
  name: 'llama2-13b',
  layers: 40,
  dModel: 5120,
  heads: 40,
  kvHeads: 40,
  dFF: 13824,
};
/** Llama 2 70B (HF `meta-llama/Llama-2-70b-hf`): grouped-query attention with 8 key/value heads. */
export const LLAMA2_70B_CONFIG: TransformerConfig = {
  ...LLAMA2,
  name: 'llama2-70b',
  layers: 80,
  dModel: 8192,
  heads: 64,
  kvHeads: 8,
  dFF: 28672,
};

/** Megatron 22B of Korthikanti et al. (48 layers, hidden 6144, 64 heads). */
export const MEGATRON_22B_CONFIG: TransformerConfig = {
  ...MEGATRON_GPT,
  name: 'megatron-22b',
  layers: 48,
  dModel: 6144,
  heads: 64,
  kvHeads: 64,
  dFF: 4 * 6144,
};
/** GPT-3 175B as Megatron trains it (96 layers, hidden 12288, 96 heads). */
export const GPT3_175B_CONFIG: TransformerConfig = {
  ...MEGATRON_GPT,
  name: 'gpt3-175b',
  layers: 96,
  dModel: 12288,
  heads: 96,
  kvHeads: 96,
  dFF: 4 * 12288,
};
/** Megatron-Turing NLG 530B (105 layers, hidden 20480, 128 heads). */
export const MT_NLG_530B_CONFIG: TransformerConfig = {
  ...MEGATRON_GPT,
  name: 'mt-nlg-530b',
  layers: 105,
  dModel: 20480,
  heads: 128,
  kvHeads: 128,
  dFF: 4 * 20480,
};
/** Megatron 1T (128 layers, hidden 25600, 160 heads). */
export const MEGATRON_1T_CONFIG: TransformerConfig = {
  ...MEGATRON_GPT,
  name: 'megatron-1t',
  layers: 128,
  dModel: 25600,
  heads: 160,
  kvHeads: 160,
  dFF: 4 * 25600,
};

const BERT_SOURCE = (id: string): string =>
  `Devlin et al., "BERT: Pre-training of Deep Bidirectional Transformers", NAACL 2019, Sec. 3; HF ${id} config.json ` +
  '(vocab 30522, 512 positions, 2 token types); parameter count of HF BertForPreTraining (encoder + pooler + MLM and NSP heads, MLM decoder tied)';
const GPT2_SOURCE = (id: string): string =>
  `Radford et al., "Language Models are Unsupervised Multitask Learners", 2019, Table 2; HF ${id} config.json ` +
  '(n_layer, n_embd, n_head, vocab 50257, n_positions 1024); LM head tied to the token embedding';
const LLAMA2_SOURCE = (id: string): string =>
  `Touvron et al., "Llama 2: Open Foundation and Fine-Tuned Chat Models", 2023, Table 1; HF ${id} config.json ` +
  '(hidden_size, intermediate_size, layers, heads, key/value heads, vocab 32000, 4096 positions, RoPE, RMSNorm, SwiGLU, untied LM head)';

const MEGATRON_SOURCE =
  'Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models", arXiv 2205.05198, Table 3 ' +
  '(heads, hidden, layers; sequence 2048); the same sizes in calculon-ai/calculon models/{megatron-22B,gpt3-175B,' +
  'turing-530B,megatron-1T}.json (feedforward = 4 x hidden); Megatron-LM GPT: vocab 50257 padded to 51200, ' +
  'learned positions, pre-LayerNorm, GELU, biases, LM head tied to the embedding';

/** BERT-base pre-training; 110,106,428 params (109,482,240 without the pre-training heads). */
export const BERT_BASE: ProfileEntry = transformerEntry(
  BERT_BASE_CONFIG,
  110_106_428,
  'BERT-base pre-training (MLM + NSP), one sequence per sample',
  BERT_SOURCE('bert-base-uncased'),
);
/** BERT-large pre-training; 336,226,108 params (335,141,888 without the pre-training heads). */
export const BERT_LARGE: ProfileEntry = transformerEntry(
  BERT_LARGE_CONFIG,
  336_226_108,
  'BERT-large pre-training (MLM + NSP), one sequence per sample',
  BERT_SOURCE('bert-large-uncased'),
);
/** GPT-2 small; 124,439,808 params. */
export const GPT2_SMALL: ProfileEntry = transformerEntry(
  GPT2_SMALL_CONFIG,
  124_439_808,
  'GPT-2 small (124M) causal LM, one sequence per sample',
  GPT2_SOURCE('gpt2'),
);
/** GPT-2 medium; 354,823,168 params. */
export const GPT2_MEDIUM: ProfileEntry = transformerEntry(
  GPT2_MEDIUM_CONFIG,
  354_823_168,
  'GPT-2 medium (355M) causal LM, one sequence per sample',
  GPT2_SOURCE('gpt2-medium'),
);
/** GPT-2 large; 774,030,080 params. */
export const GPT2_LARGE: ProfileEntry = transformerEntry(
  GPT2_LARGE_CONFIG,
  774_030_080,
  'GPT-2 large (774M) causal LM, one sequence per sample',
  GPT2_SOURCE('gpt2-large'),
);
/** GPT-2 XL; 1,557,611,200 params. */
export const GPT2_XL: ProfileEntry = transformerEntry(
  GPT2_XL_CONFIG,
  1_557_611_200,
  'GPT-2 XL (1.5B) causal LM, one sequence per sample',
  GPT2_SOURCE('gpt2-xl'),
);
/** Llama 2 7B; 6,738,415,616 params. */
export const LLAMA2_7B: ProfileEntry = transformerEntry(
  LLAMA2_7B_CONFIG,
  6_738_415_616,
  'Llama 2 7B causal LM, one sequence per sample',
  LLAMA2_SOURCE('meta-llama/Llama-2-7b-hf'),
);
/** Llama 2 13B; 13,015,864,320 params. */
export const LLAMA2_13B: ProfileEntry = transformerEntry(
  LLAMA2_13B_CONFIG,
  13_015_864_320,
  'Llama 2 13B causal LM, one sequence per sample',
  LLAMA2_SOURCE('meta-llama/Llama-2-13b-hf'),
);
/** Llama 2 70B; 68,976,648,192 params. */
export const LLAMA2_70B: ProfileEntry = transformerEntry(
  LLAMA2_70B_CONFIG,
  68_976_648_192,
  'Llama 2 70B causal LM (grouped-query attention), one sequence per sample',
  LLAMA2_SOURCE('meta-llama/Llama-2-70b-hf'),
);
/** Megatron 22B; 22,074,273,792 params (Korthikanti et al.: "22B"). */
export const MEGATRON_22B: ProfileEntry = transformerEntry(
  MEGATRON_22B_CONFIG,
  22_074_273_792,
  'Megatron GPT 22B (Korthikanti et al. 2022) causal LM, one 2048-token sequence per sample',
  MEGATRON_SOURCE,
);
/** GPT-3 175B as trained by Megatron; 174,615,846,912 params (Narayanan et al., Table 1: 174.6B). */
export const GPT3_175B: ProfileEntry = transformerEntry(
  GPT3_175B_CONFIG,
  174_615_846_912,
  'GPT-3 175B (Megatron-LM GPT) causal LM, one 2048-token sequence per sample',
  MEGATRON_SOURCE,
);
/** Megatron-Turing NLG 530B; 529,600,819,200 params (Narayanan et al., Table 1: 529.6B). */
export const MT_NLG_530B: ProfileEntry = transformerEntry(
  MT_NLG_530B_CONFIG,
  529_600_819_200,
  'Megatron-Turing NLG 530B causal LM, one 2048-token sequence per sample',
  MEGATRON_SOURCE,
);
/** Megatron 1T; 1,008,038,758,400 params (Narayanan et al., Table 1: 1008.0B). */
export const MEGATRON_1T: ProfileEntry = transformerEntry(
  MEGATRON_1T_CONFIG,
  1_008_038_758_400,
  'Megatron GPT 1T causal LM, one 2048-token sequence per sample',
  MEGATRON_SOURCE,
);
