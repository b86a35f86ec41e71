/**
 * The configurations `dtsim fit` tries (docs/fit.md), as a pure enumeration over the cluster's shape
 * and the global batch; what fits and how fast is decided elsewhere (fit-pipeline.ts, fit-zero.ts).
 *
 * - 3-D parallel (Megatron's data × pipeline × tensor, the `1f1b` schedule): tensor degree t a power of
 *   two that divides the GPUs of a node (a tensor-parallel group stays inside one node, layout.ts),
 *   1 for profiles without transformer blocks (tensor-parallel.ts splits only those);
 *   pipeline degree p dividing the GPUs left and the profile's transformer blocks (its layers when it
 *   has no blocks); d = GPUs / (t·p) data-parallel replicas, which must divide the global batch B into
 *   whole per-worker batches (the scenario's batchSize = B / (d·p) must be an integer); micro-batch
 *   size b a power of two dividing a replica's B / d samples (M = B / (d·b) micro-batches);
 *   recomputation none, selective (only for profiles with attention blocks) or full. Sequence
 *   parallelism is on whenever t > 1 (Korthikanti et al. 2022 pair them; it only lowers memory).
 * - ZeRO (pure data parallelism over every GPU, stages 0–3, and ZeRO-Offload to the CPU at stages 1–3):
 *   b a power of two dividing B / GPUs (the rest is gradient accumulation), the same recomputation
 *   choices.
 */

/** Activation recomputation, as the pipeline schedules take it. */
export type Recompute = 'none' | 'selective' | 'full';

/** A 3-D parallel candidate: the `1f1b` schedule's layout options and the per-worker batch. */
export interface PipeCandidate {
  readonly kind: '3d';
  /** t. */
  readonly tp: number;
  /** p. */
  readonly pp: number;
  /** d. */
  readonly dp: number;
  /** b: rows of one micro-batch. */
  readonly microBatch: number;
  /** M = B / (d·b). */
  readonly microBatches: number;
  readonly recompute: Recompute;
  readonly sequenceParallel: boolean;
}

/** A ZeRO candidate: data parallelism over every GPU, stage 0 (plain) to 3, optionally ZeRO-Offload. */
export interface ZeroCandidate {
  readonly kind: 'zero';
  readonly stage: 0 | 1 | 2 | 3;
  /** `cpu`: ZeRO-Offload, the gradient and optimizer partitions in host memory, Adam on the CPU (stages 1–3). */
  readonly offload: 'none' | 'cpu';
  /** d = every GPU. */
  readonly dp: number;
  /** b: rows of one micro-batch. */
  readonly microBatch: number;
  /** Micro-batches accumulated per step: B / (d·b). */
  readonly microBatches: number;
  readonly recompute: Recompute;
}

export type FitCandidate = PipeCandidate | ZeroCandidate;

/** What the enumeration needs to know. */
export interface FitShape {
  /** GPUs of the cluster. */
  readonly gpus: number;
  /** GPUs per node (for mixed node sizes, the greatest common divisor of them: TP groups stay in a node). */
  readonly gpusPerNode: number;
  /** Global batch B in samples (sequences for language models). */
  readonly globalBatch: number;
  /** Transformer blocks of the profile (0 for none). */
  readonly blocks: number;
  /** Layers of the profile. */
  readonly layers: number;
}

/** Divisors of `n` in ascending order. */
export function divisors(n: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= n; k++) if (n % k === 0) out.push(k);
  return out;
}

/** Powers of two dividing `n`, ascending (1, 2, 4, …). */
export function powersOfTwoDividing(n: number): number[] {
  const out: number[] = [];
  for (let k = 1; Number.isInteger(n / k) && k <= n; k *= 2) out.push(k);
  return out;
}

/** Transformer blocks of a profile: distinct `<prefix>` of layers named `<prefix>.attn.…` or `<prefix>.mlp.…`. */
export function countBlocks(layerNames: readonly string[]): number {
  const blocks = new Set<string>();
  for (const n of layerNames) {
    const m = /^(.*)\.(attn|mlp)\./.exec(n);
    if (m !== null) blocks.add(m[1]!);
  }
  return blocks.size;
}

/** The prefix of a profile's numbered blocks (`layers` for `layers.3.attn.qkv`), or undefined without blocks. */
export function blockPrefix(layerNames: readonly string[]): string | undefined {
  for (const n of layerNames) {
    const m = /^(.*)\.\d+\.(attn|mlp)\./.exec(n);
    if (m !== null) return m[1]!;
  }
  return undefined;
}

/** The recomputation choices for a profile: selective needs attention blocks. */
function recomputeChoices(shape: FitShape): Recompute[] {
  return shape.blocks > 0 ? ['none', 'selective', 'full'] : ['none', 'full'];
}

/** Every 3-D candidate of `shape` (see the file header), in a fixed order. */
export function pipeCandidates(shape: FitShape): PipeCandidate[] {
  const out: PipeCandidate[] = [];
  const B = shape.globalBatch;
  const depth = shape.blocks > 0 ? shape.blocks : shape.layers;
  for (const tp of powersOfTwoDividing(shape.gpusPerNode)) {
    // Tensor parallelism is modelled for transformer blocks only (tensor-parallel.ts).
    if (shape.gpus % tp !== 0 || (tp > 1 && shape.blocks === 0)) continue;
    for (const pp of divisors(shape.gpus / tp)) {
      if (pp > depth || (shape.blocks > 0 && shape.blocks % pp !== 0)) continue;
      const dp = shape.gpus / (tp * pp);
      if (B % dp !== 0 || (B / dp) % pp !== 0) continue;
      for (const microBatch of powersOfTwoDividing(B / dp))
        for (const recompute of recomputeChoices(shape))
          out.push({
            kind: '3d',
            tp,
            pp,
            dp,
            microBatch,
            microBatches: B / (dp * microBatch),
            recompute,
            sequenceParallel: tp > 1,
          });
    }
  }
  return out;
}

/** Every ZeRO candidate of `shape` (see the file header); none when the GPUs do not divide the batch. */
export function zeroCandidates(shape: FitShape): ZeroCandidate[] {
  const out: ZeroCandidate[] = [];
  const B = shape.globalBatch;
  const dp = shape.gpus;
  if (B % dp !== 0) return out;
  const configs = [
    ...([0, 1, 2, 3] as const).map((stage) => ({ stage, offload: 'none' as const })),
    ...([1, 2, 3] as const).map((stage) => ({ stage, offload: 'cpu' as const })),
  ];
  for (const { stage, offload } of configs)
    for (const microBatch of powersOfTwoDividing(B / dp))
      for (const recompute of recomputeChoices(shape))
        out.push({ kind: 'zero', stage, offload, dp, microBatch, microBatches: B / (dp * microBatch), recompute });
  return out;
}

/** A short label: `tp8 pp4 dp2 mb1 sel+sp`, `zero3 dp64 mb2 full` or `zero2+cpu dp8 mb1 norc`. */
export function candidateLabel(c: FitCandidate): string {
  const rc = c.recompute === 'none' ? 'norc' : c.recompute === 'selective' ? 'sel' : 'full';
  if (c.kind === 'zero') return `zero${c.stage}${c.offload === 'cpu' ? '+cpu' : ''} dp${c.dp} mb${c.microBatch} ${rc}`;
  return `tp${c.tp} pp${c.pp} dp${c.dp} mb${c.microBatch} ${rc}${c.sequenceParallel ? '+sp' : ''}`;
}
