/**
 * Whole transformer language models as profiles: embeddings, the blocks (transformer-block.ts) and the
 * head, for one sequence of T tokens per sample. Matmul FLOPs follow from the shapes (2 per
 * multiply-add, 1 per bias add); the attention score and context matmuls grow with T², everything else
 * with T except the pooler and next-sentence head of BERT, which see one token per sequence.
 */
import { ELEMENTWISE_FLOPS, elementwiseLayer, linearLayer, softmaxCrossEntropyLayer } from './layers.ts';
import { checkBytesPerValue, resolveSequenceLength } from './options.ts';
import { normLayer, transformerBlockLayers } from './transformer-block.ts';
import { checkTransformerConfig, type TransformerConfig } from './transformer-config.ts';
import type { LayerProfile, ProfileEntry, ProfileOptions, TimingProfile } from './types.ts';

/**
 * The embedding lookup: one gathered row per token from each table (tokens, learned positions, token
 * types), summed. The lookup itself does no arithmetic; summing k tables costs (k − 1) adds per value.
 * Reading the token ids is ignored.
 */
function embeddingLayer(c: TransformerConfig, t: number, bpv: number): LayerProfile {
  const tables = 1 + (c.positions === 'learned' ? 1 : 0) + (c.tokenTypes > 0 ? 1 : 0);
  const rows = c.vocabSize + (c.positions === 'learned' ? c.maxSequenceLength : 0) + c.tokenTypes;
  return {
    name: 'embed',
    kind: 'embedding',
    params: rows * c.dModel,
    forwardFlopsPerSample: (tables - 1) * t * c.dModel,
    activationBytesPerSample: (tables + 1) * t * c.dModel * bpv,
  };
}

/** Language-model head over every position, then the softmax cross-entropy over the vocabulary. */
function lmHeadLayers(c: TransformerConfig, t: number, bpv: number): LayerProfile[] {
  return [
    linearLayer('lm_head', {
      inFeatures: c.dModel,
      outFeatures: c.vocabSize,
      bias: false,
      tokens: t,
      tiedWeights: c.tiedEmbeddings,
      bytesPerValue: bpv,
    }),
    softmaxCrossEntropyLayer(t * c.vocabSize, bpv),
  ];
}

/**
 * HF `BertForPreTraining` heads: pooler (dense + tanh on the first token; the tanh is ignored),
 * masked-LM head (dense, GELU, LayerNorm, decoder tied to the token embedding with its own bias) and
 * the next-sentence classifier. Like HF, the masked-LM head runs on all T positions (the original
 * TensorFlow code gathers only the masked ~15% first, which would cut the head's FLOPs ~7×).
 */
function bertPretrainingHeadLayers(c: TransformerConfig, t: number, bpv: number): LayerProfile[] {
  const d = c.dModel;
  return [
    linearLayer('pooler', { inFeatures: d, outFeatures: d, bias: true, tokens: 1, bytesPerValue: bpv }),
    linearLayer('mlm.transform', { inFeatures: d, outFeatures: d, bias: true, tokens: t, bytesPerValue: bpv }),
    elementwiseLayer('mlm.act', {
      elementsIn: t * d,
      elementsOut: t * d,
      flopsPerElement: ELEMENTWISE_FLOPS.gelu,
      params: 0,
      bytesPerValue: bpv,
    }),
    normLayer('mlm.norm', c, t, bpv),
    linearLayer('mlm.decoder', {
      inFeatures: d,
      outFeatures: c.vocabSize,
      bias: true,
      tokens: t,
      tiedWeights: c.tiedEmbeddings,
      bytesPerValue: bpv,
    }),
    linearLayer('nsp', { inFeatures: d, outFeatures: 2, bias: true, tokens: 1, bytesPerValue: bpv }),
    // The masked-LM loss over T·vocab logits; the next-sentence loss over 2 logits is ignored.
    softmaxCrossEntropyLayer(t * c.vocabSize, bpv),
  ];
}

/**
 * The layers of transformer `c` for sequences of `sequenceLength` tokens, in forward order.
 * @throws RangeError for an inconsistent config, a sequence length outside [1, maxSequenceLength] or
 *   a bad bytesPerValue.
 */
export function transformerLayers(c: TransformerConfig, sequenceLength: number, bytesPerValue: number): LayerProfile[] {
  checkTransformerConfig(c);
  const bpv = checkBytesPerValue(bytesPerValue);
  const t = resolveSequenceLength(sequenceLength, c.defaultSequenceLength, c.maxSequenceLength, c.name);
  const layers: LayerProfile[] = [embeddingLayer(c, t, bpv)];
  // Post-norm models normalise the embedding sum; pre-norm ones normalise the last block's output.
  if (c.normPlacement === 'post') layers.push(normLayer('embed.norm', c, t, bpv));
  for (let i = 0; i < c.layers; i++) layers.push(...transformerBlockLayers(c, i, t, bpv));
  if (c.normPlacement === 'pre') layers.push(normLayer('norm', c, t, bpv));
  layers.push(...(c.head === 'lm' ? lmHeadLayers(c, t, bpv) : bertPretrainingHeadLayers(c, t, bpv)));
  return layers;
}

/**
 * A registry entry for transformer `c`: `build` derives the profile at the requested sequence length
 * (default `c.defaultSequenceLength`).
 * @param params the published parameter count the built profile must total (checked by a test).
 */
export function transformerEntry(
  c: TransformerConfig,
  params: number,
  description: string,
  source: string,
): ProfileEntry {
  return {
    description,
    source,
    params,
    defaultSequenceLength: c.defaultSequenceLength,
    build(options: ProfileOptions): TimingProfile {
      const t = resolveSequenceLength(options.sequenceLength, c.defaultSequenceLength, c.maxSequenceLength, c.name);
      return {
        name: c.name,
        description,
        source,
        sample: 'sequence',
        sequenceLength: t,
        bytesPerValue: options.bytesPerValue,
        layers: transformerLayers(c, t, options.bytesPerValue),
      };
    },
  };
}
