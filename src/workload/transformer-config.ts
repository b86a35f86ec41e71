/**
 * The hyper-parameters that fully determine a decoder or encoder transformer's profile. Everything in
 * a transformer profile is computed from these numbers; nothing is a typed-in total.
 */

/** Architecture of a transformer language model, as its reference config states it. */
export interface TransformerConfig {
  /** Profile name, e.g. `gpt2-small`. */
  readonly name: string;
  /** Prefix of block names, as the reference implementation names them (`h`, `layer`, `layers`). */
  readonly blockPrefix: string;
  /** Transformer blocks (n_layer). */
  readonly layers: number;
  /** Model width (n_embd / hidden_size). */
  readonly dModel: number;
  /** Attention (query) heads. */
  readonly heads: number;
  /** Key/value heads (grouped-query attention); equal to `heads` for ordinary multi-head attention. */
  readonly kvHeads: number;
  /** Hidden width of the feed-forward network (4·d for GPT-2/BERT, 11008 for Llama-2-7B). */
  readonly dFF: number;
  /** Token vocabulary. */
  readonly vocabSize: number;
  /** `learned`: a trained position table with `maxSequenceLength` rows; `rotary`: RoPE, no params. */
  readonly positions: 'learned' | 'rotary';
  /** Longest sequence: rows of the learned position table, or the trained context for RoPE. */
  readonly maxSequenceLength: number;
  /** Tokens per sample when the options give none. */
  readonly defaultSequenceLength: number;
  /** Rows of the segment (token type) embedding: 2 for BERT, 0 when there is none. */
  readonly tokenTypes: number;
  /** LayerNorm (γ and β) or RMSNorm (γ only). */
  readonly norm: 'layernorm' | 'rmsnorm';
  /**
   * `post`: norm after each residual add, and after the embeddings (BERT); `pre`: norm before each
   * sub-block, and once more before the head (GPT-2, Llama).
   */
  readonly normPlacement: 'pre' | 'post';
  /** `gelu`: up → GELU → down; `swiglu`: (gate, up) → SiLU(gate)·up → down (Llama). */
  readonly ffn: 'gelu' | 'swiglu';
  /** Whether the linear layers have biases (GPT-2, BERT) or not (Llama). */
  readonly bias: boolean;
  /**
   * `lm`: a language-model head over every position; `bert-pretraining`: pooler, masked-LM head and
   * next-sentence head as in HF `BertForPreTraining`.
   */
  readonly head: 'lm' | 'bert-pretraining';
  /** Whether the output projection shares the token embedding matrix (counted once). */
  readonly tiedEmbeddings: boolean;
  /**
   * How the attention core runs. `materialized`: scores, softmax and context are separate kernels and
   * the heads·T² score matrix goes through device memory (HF/TF reference implementations of BERT and
   * GPT-2). `fused`: one FlashAttention-style kernel keeps the scores on chip, so only Q, K, V and the
   * output touch memory. Same FLOPs either way; only the bytes differ.
   */
  readonly attention: 'materialized' | 'fused';
  /**
   * Whether training applies dropout to the attention probabilities (BERT's and GPT-2's reference
   * configs, 0.1; Megatron-LM's default `--attention-dropout 0.1`; Llama has none). With a materialized
   * score matrix it is a kernel of its own over heads·T² values that also writes a one-byte mask: the
   * 5as²b term of Korthikanti et al.'s activation memory (softmax output, mask, dropout output). A
   * fused kernel applies it on chip. The hidden-state dropouts are fused with the residual adds
   * (Megatron's bias-dropout-add) and not listed.
   */
  readonly attentionDropout: boolean;
}

/** Size of one attention head. */
export function headDim(c: TransformerConfig): number {
  return c.dModel / c.heads;
}

/**
 * Checks that the shapes of `c` fit together.
 * @throws RangeError for a non-positive size, a width not divisible by the heads, or heads not
 *   divisible by the key/value heads.
 */
export function checkTransformerConfig(c: TransformerConfig): void {
  const sizes = {
    layers: c.layers,
    dModel: c.dModel,
    heads: c.heads,
    kvHeads: c.kvHeads,
    dFF: c.dFF,
    vocabSize: c.vocabSize,
    maxSequenceLength: c.maxSequenceLength,
  };
  for (const [k, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`${c.name}: ${k} must be a positive integer, got ${String(v)}`);
  }
  if (c.dModel % c.heads !== 0)
    throw new RangeError(`${c.name}: dModel ${c.dModel} is not divisible by ${c.heads} heads`);
  if (c.heads % c.kvHeads !== 0)
    throw new RangeError(`${c.name}: ${c.heads} heads are not divisible by ${c.kvHeads} key/value heads`);
  if (!Number.isInteger(c.tokenTypes) || c.tokenTypes < 0)
    throw new RangeError(`${c.name}: tokenTypes must be an integer >= 0, got ${String(c.tokenTypes)}`);
}
