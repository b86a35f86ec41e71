/**
 * One transformer block as profile entries: attention (qkv projection, scores QKᵀ, softmax, context
 * P·V, output projection, residual add) and the feed-forward network (up, activation, down, residual
 * add), with the norms where the architecture puts them.
 *
 * Attention FLOPs count the full T×T score matrix of every head, as dense kernels compute it (a causal
 * mask does not skip the masked half). With `attention: 'materialized'` the softmax is its own
 * memory-bound entry that reads and writes heads·T² values, and the score and context matmuls write and
 * read that matrix too. With `attention: 'fused'` (FlashAttention) the same three entries keep their
 * FLOPs but the score matrix never reaches memory: scores read Q and K, the softmax moves no bytes,
 * context reads V and writes the output. The 1/√d scaling and the mask add are ignored (fused into the
 * softmax); attention dropout is its own entry on a materialized matrix (`attentionDropout`).
 */
import { ELEMENTWISE_FLOPS, elementwiseLayer, linearLayer } from './layers.ts';
import { headDim, type TransformerConfig } from './transformer-config.ts';
import type { LayerProfile } from './types.ts';

/** A norm over `tokens` × dModel values: γ (and β for LayerNorm) per feature. */
export function normLayer(name: string, c: TransformerConfig, tokens: number, bytesPerValue: number): LayerProfile {
  const n = tokens * c.dModel;
  const layerNorm = c.norm === 'layernorm';
  return elementwiseLayer(name, {
    elementsIn: n,
    elementsOut: n,
    flopsPerElement: layerNorm ? ELEMENTWISE_FLOPS.layerNorm : ELEMENTWISE_FLOPS.rmsNorm,
    params: layerNorm ? 2 * c.dModel : c.dModel,
    bytesPerValue,
    kind: 'norm',
  });
}

function residualLayer(name: string, c: TransformerConfig, tokens: number, bytesPerValue: number): LayerProfile {
  const n = tokens * c.dModel;
  return elementwiseLayer(name, {
    elementsIn: 2 * n,
    elementsOut: n,
    flopsPerElement: ELEMENTWISE_FLOPS.add,
    params: 0,
    bytesPerValue,
  });
}

/** The attention half of a block, without its norm: qkv … residual add. */
function attentionLayers(p: string, c: TransformerConfig, t: number, bpv: number): LayerProfile[] {
  const d = c.dModel;
  const kvWidth = c.kvHeads * headDim(c); // = d without grouped-query attention.
  // Score-matrix values that go through device memory: none when a fused kernel keeps them on chip.
  const scoreElements = c.attention === 'materialized' ? c.heads * t * t : 0;
  const layers: LayerProfile[] = [
    // Q, K and V as one entry: GPT-2 fuses them (c_attn) and the others read the same input three times.
    linearLayer(`${p}.attn.qkv`, {
      inFeatures: d,
      outFeatures: d + 2 * kvWidth,
      bias: c.bias,
      tokens: t,
      bytesPerValue: bpv,
    }),
  ];
  if (c.positions === 'rotary') {
    // RoPE rotates every query and key element in place.
    const n = t * (d + kvWidth);
    layers.push(
      elementwiseLayer(`${p}.attn.rope`, {
        elementsIn: n,
        elementsOut: n,
        flopsPerElement: ELEMENTWISE_FLOPS.rope,
        params: 0,
        bytesPerValue: bpv,
      }),
    );
  }
  layers.push(
    // QKᵀ: each of the heads·T² scores is a dot product of length d/heads, so 2·T²·d FLOPs in all.
    // Batched GEMMs, one per head: (T × d_head)·(d_head × T).
    {
      name: `${p}.attn.scores`,
      kind: 'gemm',
      gemm: { m: t, n: t, k: headDim(c), count: c.heads },
      params: 0,
      forwardFlopsPerSample: 2 * t * t * d,
      activationBytesPerSample: (t * d + t * kvWidth + scoreElements) * bpv,
    },
    {
      name: `${p}.attn.softmax`,
      kind: 'softmax',
      params: 0,
      forwardFlopsPerSample: ELEMENTWISE_FLOPS.softmax * c.heads * t * t,
      activationBytesPerSample: 2 * scoreElements * bpv,
    },
    ...(c.attentionDropout && scoreElements > 0
      ? [
          // Reads the probabilities, writes them dropped and scaled, and writes a one-byte keep mask.
          {
            name: `${p}.attn.dropout`,
            kind: 'elementwise' as const,
            params: 0,
            forwardFlopsPerSample: ELEMENTWISE_FLOPS.dropout * scoreElements,
            activationBytesPerSample: scoreElements * (2 * bpv + 1),
          },
        ]
      : []),
    // P·V: each of the T·d outputs sums T products, so another 2·T²·d FLOPs.
    // One per head: (T × T)·(T × d_head).
    {
      name: `${p}.attn.context`,
      kind: 'gemm',
      gemm: { m: t, n: headDim(c), k: t, count: c.heads },
      params: 0,
      forwardFlopsPerSample: 2 * t * t * d,
      activationBytesPerSample: (scoreElements + t * kvWidth + t * d) * bpv,
    },
    linearLayer(`${p}.attn.out`, { inFeatures: d, outFeatures: d, bias: c.bias, tokens: t, bytesPerValue: bpv }),
    residualLayer(`${p}.attn.residual`, c, t, bpv),
  );
  return layers;
}

/** The feed-forward half of a block, without its norm: up … residual add. */
function mlpLayers(p: string, c: TransformerConfig, t: number, bpv: number): LayerProfile[] {
  const d = c.dModel;
  const swiglu = c.ffn === 'swiglu';
  // SwiGLU has two input projections (gate and up) of the same shape, counted as one entry.
  const upWidth = swiglu ? 2 * c.dFF : c.dFF;
  return [
    linearLayer(`${p}.mlp.up`, { inFeatures: d, outFeatures: upWidth, bias: c.bias, tokens: t, bytesPerValue: bpv }),
    elementwiseLayer(`${p}.mlp.act`, {
      elementsIn: t * upWidth,
      elementsOut: t * c.dFF,
      flopsPerElement: swiglu ? ELEMENTWISE_FLOPS.swiglu : ELEMENTWISE_FLOPS.gelu,
      params: 0,
      bytesPerValue: bpv,
    }),
    linearLayer(`${p}.mlp.down`, { inFeatures: c.dFF, outFeatures: d, bias: c.bias, tokens: t, bytesPerValue: bpv }),
    residualLayer(`${p}.mlp.residual`, c, t, bpv),
  ];
}

/**
 * Block `index` of `c` for sequences of `tokens` tokens, in forward order. Pre-norm blocks open each
 * half with its norm (`attn.norm`, `mlp.norm`); post-norm blocks close each half with it.
 * Expects a checked config and a valid tokens / bytesPerValue (the caller checks them once per model).
 */
export function transformerBlockLayers(
  c: TransformerConfig,
  index: number,
  tokens: number,
  bytesPerValue: number,
): LayerProfile[] {
  const p = `${c.blockPrefix}.${index}`;
  const attnNorm = normLayer(`${p}.attn.norm`, c, tokens, bytesPerValue);
  const mlpNorm = normLayer(`${p}.mlp.norm`, c, tokens, bytesPerValue);
  const attn = attentionLayers(p, c, tokens, bytesPerValue);
  const mlp = mlpLayers(p, c, tokens, bytesPerValue);
  return c.normPlacement === 'pre' ? [attnNorm, ...attn, mlpNorm, ...mlp] : [...attn, attnNorm, ...mlp, mlpNorm];
}
