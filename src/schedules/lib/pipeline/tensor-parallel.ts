/**
 * Megatron tensor parallelism (TP) inside one pipeline stage, layer by layer: the t GPUs of a node that
 * share a stage each run 1/t of its matmuls and talk over the node's link after every block half
 * (Shoeybi et al., "Megatron-LM", arXiv 1909.08053, §3; sequence parallelism and selective recompute
 * from Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models",
 * arXiv 2205.05198, §4). The model works on the layer names transformer-block.ts and transformer.ts give.
 *
 * Work per GPU. Column- and row-parallel matmuls (`attn.qkv`, `attn.out`, `mlp.up`, `mlp.down`) split
 * t ways, and so does everything between them, because it runs on the GPU's own heads or its own slice
 * of the feed-forward width: RoPE, the attention core (scores, softmax, context) and the MLP activation.
 * The embedding, LM head and its cross-entropy are vocab-parallel (Megatron's VocabParallelEmbedding,
 * parallel_lm_logits, vocab_parallel_cross_entropy), split t ways. What runs on the full hidden state
 * between the blocks' halves, the norms and the residual adds, is replicated on all t GPUs; with
 * sequence parallelism each GPU runs it on T/t tokens (Korthikanti §4.2.2), so it splits t ways too.
 * Row-parallel biases and norm gains are replicated, so parameters of the norms are never split.
 *
 * Communication. Megatron's f and g operators: a column-parallel layer (qkv, mlp.up, lm_head) needs an
 * all-reduce of its input gradient in the backward (f); a row-parallel layer (attn.out, mlp.down, and
 * the embedding, whose vocab shards sum) all-reduces its output in the forward (g). So a block does 2
 * all-reduces forward and 2 backward of one hidden state, b·T·d values at the profile's precision
 * (Shoeybi §3, Fig. 4; Narayanan et al., arXiv 2104.04473, §3.2). With sequence parallelism g becomes a
 * reduce-scatter and f's forward identity an all-gather, and the backward mirrors them (Korthikanti
 * §4.2.2, Fig. 5): same ring bytes, as an all-reduce is a reduce-scatter plus an all-gather, but half of
 * it moves into the other pass. Each collective is priced as a ring on the given link,
 *   all-reduce: 2(t−1)·α + 2(t−1)/t · n/B; reduce-scatter or all-gather: half of that,
 * and is NOT overlapped with compute (Megatron of 2022 ran them on the compute stream, in line): forward
 * collectives add to the forward, backward ones to the input-gradient part (the f all-reduce is what
 * produces the input gradient). Not charged: Megatron-SP's second all-gather of a column-parallel
 * layer's input for its weight gradient, which Korthikanti §4.2.2 overlaps with the input-gradient
 * GEMM, and the cross-entropy's all-reduces of b·T scalars.
 *
 * Recompute. `full` checkpoints each block's input and re-runs the block's whole forward (compute and
 * its TP collectives) just before its backward, as Megatron's `checkpoint` around each transformer
 * layer does; the embedding and the head are not checkpointed. The re-run has to finish before the
 * input gradient, so it adds to the I part. `selective` re-runs only the attention core (scores,
 * softmax, context: QKᵀ, softmax, dropout, ·V in Megatron's CoreAttention), which needs no
 * collective; it adds that forward to I likewise.
 */
import type { Precision } from '../../../hardware/device-spec.ts';
import { layerStageCosts, type LayerStageCost, type StageDevice } from '../stage-costs.ts';
import type { LayerProfile, TimingProfile } from '../../../workload/types.ts';
import type { ComputeOverrides } from '../../../hardware/compute-efficiency.ts';
import { PROTOCOLS, protocolCosts } from '../../../collectives/protocols.ts';

/** How a pipeline stage is spread over the GPUs of one node (Megatron tensor parallelism). */
export interface TensorParallelSpec {
  /** t: GPUs of one node that share each stage. */
  readonly degree: number;
  /** Megatron sequence parallelism (Korthikanti et al. 2022). */
  readonly sequenceParallel: boolean;
  /** Activation recomputation before the backward. */
  readonly recompute: 'none' | 'selective' | 'full';
  /**
   * The intra-node link the TP collectives use: one ring step's latency α and bandwidth B, and whether
   * they run under NCCL's protocols (`nccl`: the fastest of LL, LL128 and Simple, with tuning.cc's base
   * and NVLink step latencies, collectives/protocols.ts). Not the host's launch overhead: the host
   * queues Megatron's TP all-reduces ahead of the GPU on the compute stream, so that cost overlaps.
   */
  readonly link: { readonly latencyS: number; readonly bandwidthBytesPerS: number; readonly nccl?: boolean };
}

/** No tensor parallelism: one GPU per stage, nothing re-run. */
export const NO_TENSOR_PARALLEL: TensorParallelSpec = Object.freeze({
  degree: 1,
  sequenceParallel: false,
  recompute: 'none',
  link: Object.freeze({ latencyS: 0, bandwidthBytesPerS: Infinity }),
});

/**
 * Checks a spec.
 * @throws RangeError for a degree that is not a positive integer, an unknown recompute mode, a latency
 *   that is negative or not finite, or a bandwidth that is not > 0.
 */
export function checkTensorParallel(p: TensorParallelSpec): TensorParallelSpec {
  if (!Number.isInteger(p.degree) || p.degree < 1)
    throw new RangeError(`tensor-parallel degree must be a positive integer, got ${p.degree}`);
  if (typeof p.sequenceParallel !== 'boolean')
    throw new RangeError(`sequenceParallel must be true or false, got ${String(p.sequenceParallel)}`);
  if (!['none', 'selective', 'full'].includes(p.recompute))
    throw new RangeError(`recompute must be none, selective or full, got ${String(p.recompute)}`);
  const { latencyS, bandwidthBytesPerS } = p.link;
  if (!(Number.isFinite(latencyS) && latencyS >= 0))
    throw new RangeError(`tensor-parallel link latency must be a finite number >= 0 s, got ${latencyS}`);
  if (!(bandwidthBytesPerS > 0))
    throw new RangeError(`tensor-parallel link bandwidth must be > 0 B/s, got ${bandwidthBytesPerS}`);
  return p;
}

/**
 * Seconds of one ring all-reduce of `bytes` over `t` GPUs: 2(t−1)·α + 2(t−1)/t · n/B (Patarasuk and
 * Yuan 2009; design.md §4). Zero for t = 1. With `link.nccl`, the fastest of NCCL's protocols:
 * base latency + 2(t−1)·(α + NVLink step latency) + 2(t−1)/t · n / (B · bandwidth factor).
 */
export function ringAllReduceS(bytes: number, t: number, link: TensorParallelSpec['link']): number {
  if (t === 1) return 0;
  const plain = (inflate: number, stepS: number): number =>
    2 * (t - 1) * (link.latencyS + stepS) + ((2 * (t - 1)) / t) * ((bytes * inflate) / link.bandwidthBytesPerS);
  if (link.nccl !== true) return plain(1, 0);
  // As the communicator prices a one-node ring under each protocol (cost-model.ts), then NCCL's pick.
  if (bytes === 0) return 0;
  let best = Infinity;
  for (const p of PROTOCOLS) {
    const c = protocolCosts(p, { latencyClass: 'ring', allReduce: true, nodes: 1, perNode: t, launchS: 0 });
    best = Math.min(best, c.callS + plain(c.inflate, c.hopS[0]));
  }
  return best;
}

/** How one profile layer runs under TP: its work split and its collectives. */
export interface TensorParallelRole {
  /** Its FLOPs and activation bytes are divided by t. */
  readonly split: boolean;
  /** Its parameters are divided by t (false for replicated norms). */
  readonly splitParams: boolean;
  /** All-reduces of one hidden state (a reduce-scatter or all-gather counts ½) in the forward. */
  readonly forwardAllReduces: number;
  /** The same in the backward. */
  readonly backwardAllReduces: number;
}

const COLUMN = /\.(attn\.qkv|mlp\.up)$/;
const ROW = /\.(attn\.out|mlp\.down)$/;
const CORE = /\.attn\.(scores|softmax|dropout|context)$/;
const HEAD_PARALLEL = /\.(attn\.rope|mlp\.act)$/;
const SHARED = /\.(attn|mlp)\.(norm|residual)$/;

/**
 * The TP role of the layer called `name` (transformer-block.ts / transformer.ts names).
 * @throws RangeError for a layer that is not part of a transformer language model (BERT's pre-training
 *   heads, CNN layers): Megatron's split of it is not modelled.
 */
export function tensorParallelRole(name: string, sequenceParallel: boolean): TensorParallelRole {
  // With SP, f and g each become half an all-reduce in both passes (all-gather / reduce-scatter).
  const col = sequenceParallel ? [0.5, 0.5] : [0, 1];
  const row = sequenceParallel ? [0.5, 0.5] : [1, 0];
  const role = (split: boolean, fb: readonly number[], splitParams = split): TensorParallelRole => ({
    split,
    splitParams,
    forwardAllReduces: fb[0]!,
    backwardAllReduces: fb[1]!,
  });
  const none = [0, 0];
  if (COLUMN.test(name) || name === 'lm_head') return role(true, col);
  // The embedding's vocab shards are summed like a row-parallel layer's partial outputs.
  if (ROW.test(name) || name === 'embed') return role(true, row);
  if (CORE.test(name) || HEAD_PARALLEL.test(name) || name === 'loss') return role(true, none);
  if (SHARED.test(name) || name === 'norm' || name === 'embed.norm') return role(sequenceParallel, none, false);
  throw new RangeError(
    `tensor parallelism is modelled for transformer language models only; layer "${name}" is not one of theirs`,
  );
}

/**
 * Bytes of one hidden state (T × d values) per sample: what every TP collective moves. Read off the
 * first norm, whose input and output are each one hidden state (transformer-block.ts `normLayer`).
 * @throws RangeError for a profile without a norm layer.
 */
export function hiddenStateBytesPerSample(profile: TimingProfile): number {
  const norm = profile.layers.find((l) => SHARED.test(l.name) && l.name.endsWith('.norm'));
  if (norm === undefined)
    throw new RangeError(`profile ${profile.name} has no transformer norm layer to size the TP collectives by`);
  return norm.activationBytesPerSample / 2;
}

/** `layer` as one GPU of the TP group sees it (work and parameters divided where the role says). */
function perGpuLayer(l: LayerProfile, r: TensorParallelRole, t: number): LayerProfile {
  const w = r.split ? t : 1;
  const out: LayerProfile = {
    ...l,
    params: r.splitParams ? l.params / t : l.params,
    forwardFlopsPerSample: l.forwardFlopsPerSample / w,
    activationBytesPerSample: l.activationBytesPerSample / w,
  };
  const g = l.gemm;
  if (g === undefined || !r.split) return out;
  // Megatron's split of the GEMM itself: column-parallel layers (and the vocab-parallel head) keep
  // 1/t of the output columns, row-parallel ones 1/t of the reduction, the attention core 1/t of the heads.
  if (COLUMN.test(l.name) || l.name === 'lm_head') return { ...out, gemm: { ...g, n: g.n / t } };
  if (ROW.test(l.name)) return { ...out, gemm: { ...g, k: g.k / t } };
  return { ...out, gemm: { ...g, count: g.count / t } };
}

/**
 * The profile one GPU of a TP group runs: each layer's FLOPs, activation bytes and parameters divided
 * as {@link tensorParallelRole} says. At degree 1 every number is the profile's own.
 * @throws RangeError as {@link tensorParallelRole} (only for degree > 1).
 */
export function perGpuProfile(profile: TimingProfile, p: TensorParallelSpec): TimingProfile {
  const t = p.degree;
  if (t === 1) return profile;
  const layers = profile.layers.map((l) => perGpuLayer(l, tensorParallelRole(l.name, p.sequenceParallel), t));
  return { ...profile, layers };
}

/** How the per-GPU layers are timed. */
export interface TensorParallelCostOptions {
  readonly microBatch: number;
  readonly precision: Precision;
  readonly efficiency?: number;
  /** Overrides of the kind model's constants (stage-costs.ts). */
  readonly computeModel?: ComputeOverrides;
}

/**
 * Per-layer costs on one GPU of a TP group of `p.degree` GPUs like `device`, at `o.microBatch`
 * samples: the roofline of the per-GPU layer (stage-costs.ts), plus its collectives (forward ones in
 * `forwardS`, backward ones in `backwardInputS`), plus the recomputed forward in `backwardInputS`.
 * `outputBytes` is what one GPU sends across a stage boundary: the layer's output / t (Megatron's
 * scatter-gather of p2p sends; with SP the output is already 1/t per GPU). At degree 1 with no
 * recompute every number equals `layerStageCosts`'s.
 * @throws RangeError as `layerStageCosts`, {@link checkTensorParallel} and {@link tensorParallelRole}.
 */
export function tensorParallelLayerCosts(
  profile: TimingProfile,
  device: StageDevice,
  o: TensorParallelCostOptions,
  p: TensorParallelSpec,
): LayerStageCost[] {
  checkTensorParallel(p);
  const t = p.degree;
  const mb = o.microBatch;
  const base = layerStageCosts(perGpuProfile(profile, p), device, o);
  if (t === 1 && p.recompute === 'none') return base;
  const hiddenBytes = t === 1 ? 0 : hiddenStateBytesPerSample(profile) * mb;
  const arS = ringAllReduceS(hiddenBytes, t, p.link);
  return base.map((c, i) => {
    const l = profile.layers[i]!;
    const r = t === 1 ? null : tensorParallelRole(l.name, p.sequenceParallel);
    const forwardS = c.forwardS + (r === null ? 0 : r.forwardAllReduces * arS);
    const rerun = recomputes(l.name, p.recompute) ? forwardS : 0;
    return {
      ...c,
      forwardS,
      backwardInputS: c.backwardInputS + (r === null ? 0 : r.backwardAllReduces * arS) + rerun,
      outputBytes: (l.activationBytesPerSample * mb) / 2 / t,
    };
  });
}

const OUTSIDE_BLOCKS = new Set(['embed', 'embed.norm', 'norm', 'lm_head', 'loss']);

/**
 * Whether `recompute` re-runs the layer called `name` before its backward. Any profile may recompute
 * (at degree 1 nothing else needs transformer names): `full` re-runs every layer but a language model's
 * embedding and head, `selective` only the attention core.
 */
export function recomputes(name: string, recompute: TensorParallelSpec['recompute']): boolean {
  if (recompute === 'full') return !OUTSIDE_BLOCKS.has(name);
  return recompute === 'selective' && CORE.test(name);
}
