/**
 * A pipeline's GPU memory, booked in the run's ledger as the schedule runs (spec §24.2): each GPU holds
 * its stage's share of the model, not the whole model, and its activations come and go with the
 * micro-batches in flight.
 *
 * - **State**, booked once at the start on every GPU of a stage: the stage's weights, gradients and
 *   optimizer state (`optimizerSlots` fp32 vectors, plus an fp32 master copy under mixed precision:
 *   workload/zero-memory.ts `optimizerBytesPerParam`), summed over the rank's chunks; with
 *   tensor parallelism each of the t GPUs holds 1/t.
 * - **Activations**: one set per micro-batch from its forward to the end of its backward (the W of a
 *   split backward, which still reads them), on every GPU of the stage, and what a recomputing
 *   backward rebuilds, held once (`stageFootprints` says how much, with tensor parallelism and
 *   recomputation).
 * - **Stashed weights**: each weight version of a stage beyond the current one (PipeDream's stash,
 *   2BW's shadow), a copy of the stage's weights on every GPU of every replica.
 *
 * Every count also feeds workers.csv (`stage`, `peak_weight_versions`, `peak_activations`). An
 * allocation past a GPU's capacity throws the ledger's `OutOfMemoryError` unless
 * `cluster.allowOversubscribe` is set.
 */
import type { Allocation, MemoryLedger } from '../../../hardware/memory-ledger.ts';
import type { TimingProfile } from '../../../workload/types.ts';
import { optimizerBytesPerParam } from '../../../workload/zero-memory.ts';
import type { WorkerStats } from '../worker-stats.ts';
import type { PipeLayout } from './layout.ts';
import type { StageTimes } from './stage-times.ts';
import { hiddenStateBytesPerSample, perGpuProfile, recomputes } from './tensor-parallel.ts';

/** What one virtual stage holds, per GPU of its group. */
export interface StageFootprint {
  /** Parameters of the stage (the whole stage, before tensor splitting). */
  readonly params: number;
  /** Bytes of one weight copy on one GPU. */
  readonly weightBytes: number;
  /** Bytes one micro-batch keeps on one GPU from its forward to its backward. */
  readonly activationBytes: number;
  /** Bytes held once per GPU while a backward recomputes (0 without recomputation). */
  readonly transientBytes: number;
}

/** How the stages are spread and what they recompute (tensor-parallel.ts's spec without the link). */
export interface FootprintParallel {
  readonly degree: number;
  readonly sequenceParallel: boolean;
  readonly recompute: 'none' | 'selective' | 'full';
}

const BLOCK = /^(.*)\.(attn|mlp)\./;

/**
 * Footprints of the virtual stages `times` describes (layers in order; `layers: 0` means equal
 * parts of the whole profile, see stage-times.ts), at `microBatch` rows.
 *
 * Per GPU of a tensor-parallel group, each layer counts as tensor-parallel.ts's `perGpuProfile` splits
 * it: matmuls and the attention core 1/t, norms and residual adds replicated unless sequence-parallel
 * (Korthikanti et al. 2022, Table 2's structure). A layer keeps its `activationBytesPerSample` × rows
 * for the backward (workload/memory.ts's upper bound). Recomputation (Korthikanti §4):
 * - `full`: a transformer block keeps only its input, one hidden state (1/t with sequence parallelism),
 *   and the backward rebuilds one block at a time, so one block's activations are held once; layers
 *   outside blocks (embedding, head) keep theirs. A profile without blocks checkpoints every layer: it
 *   keeps each layer's input (half its activation bytes) and rebuilds one layer at a time.
 * - `selective`: the attention core (scores, softmax, dropout, context) is dropped and rebuilt per block.
 */
export function stageFootprints(
  profile: TimingProfile,
  times: readonly StageTimes[],
  microBatch: number,
  parallel: FootprintParallel = { degree: 1, sequenceParallel: false, recompute: 'none' },
): StageFootprint[] {
  const t = parallel.degree;
  const per =
    t > 1 ? perGpuProfile(profile, { ...parallel, link: { latencyS: 0, bandwidthBytesPerS: Infinity } }) : profile;
  const V = times.length;
  const bpv = profile.bytesPerValue;
  const hidden = (): number => hiddenStateBytesPerSample(profile) / (parallel.sequenceParallel ? t : 1);
  let first = 0;
  return times.map((st) => {
    const [lo, hi] = st.layers === 0 ? [0, per.layers.length] : [first, first + st.layers];
    const share = st.layers === 0 ? 1 / V : 1;
    first = hi;
    let params = 0;
    let weights = 0;
    let kept = 0;
    let transient = 0;
    // Per block: its activations (what one rebuild holds) and, for selective, its core's.
    const blocks = new Map<string, { all: number; core: number }>();
    for (let i = lo; i < hi; i++) {
      const l = per.layers[i]!;
      params += profile.layers[i]!.params;
      weights += l.params * bpv;
      const a = l.activationBytesPerSample * microBatch;
      const block = BLOCK.exec(l.name)?.[1];
      const core = recomputes(l.name, 'selective');
      if (block !== undefined) {
        const b = blocks.get(block) ?? { all: 0, core: 0 };
        b.all += a;
        if (core) b.core += a;
        blocks.set(block, b);
      }
      if (parallel.recompute === 'full') {
        if (block === undefined && recomputes(l.name, 'full')) {
          // No block structure: checkpoint the layer's input, rebuild it alone.
          kept += a / 2;
          transient = Math.max(transient, a);
        } else if (block === undefined) kept += a;
      } else if (parallel.recompute === 'selective' && core) {
        // Rebuilt per block below.
      } else kept += a;
    }
    for (const b of blocks.values()) {
      if (parallel.recompute === 'full') {
        kept += hidden() * microBatch;
        transient = Math.max(transient, b.all);
      } else if (parallel.recompute === 'selective') transient = Math.max(transient, b.core);
    }
    return {
      params: params * share,
      weightBytes: weights * share,
      activationBytes: kept * share,
      transientBytes: transient * share,
    };
  });
}

/** What the booking writes to: the run's ledger and per-worker counters (or a validation's own). */
export interface StageMemoryDeps {
  readonly memory: MemoryLedger;
  readonly optimizerSlots: number;
  /** Bytes per value of the stage's weights (the profile's). */
  readonly bytesPerValue: number;
  readonly stats: Pick<WorkerStats, 'stage' | 'peakWeightVersions' | 'peakActivations'>;
}

/** The ledger side of a running pipeline (see the file header). */
export class StageMemory {
  private readonly inFlight: Int32Array;
  /** Activation sets held per (replica, virtual stage). */
  private readonly held: Int32Array;
  private readonly stash: Allocation[][];
  private readonly versions: Int32Array;

  /**
   * @param foot per virtual stage c·p + s.
   * @param chunks model chunks per rank (v).
   */
  constructor(
    private readonly ctx: StageMemoryDeps,
    private readonly layout: PipeLayout,
    private readonly foot: readonly StageFootprint[],
    private readonly chunks: number,
  ) {
    const { memory, optimizerSlots, stats } = ctx;
    // Optimizer bytes per byte of weights: fp32 state vectors, plus an fp32 master copy under mixed precision.
    const bpv = ctx.bytesPerValue;
    const optimizerPerWeightByte = optimizerBytesPerParam(optimizerSlots, bpv) / bpv;
    const p = layout.stages;
    this.inFlight = new Int32Array(layout.replicas * p);
    this.held = new Int32Array(layout.replicas * foot.length);
    this.stash = Array.from({ length: foot.length }, () => []);
    this.versions = new Int32Array(foot.length).fill(1);
    for (let r = 0; r < layout.replicas; r++)
      for (let s = 0; s < p; s++) {
        let w = 0;
        let transient = 0;
        for (let c = 0; c < chunks; c++) {
          w += foot[c * p + s]!.weightBytes;
          transient = Math.max(transient, foot[c * p + s]!.transientBytes);
        }
        for (const g of layout.group(r, s)) {
          stats.stage[g] = s;
          stats.peakWeightVersions[g] = 1;
          memory.alloc(g, w, 'weights');
          memory.alloc(g, w, 'grads');
          memory.alloc(g, w * optimizerPerWeightByte, 'optimizer');
          // What a backward's recomputation rebuilds, held once (one block at a time).
          if (transient > 0) memory.alloc(g, transient, 'buffers');
        }
      }
  }

  /**
   * Micro-batch `mb`'s activations of virtual stage `vs` on replica `r` are now held. (Counted per
   * virtual stage, not per micro-batch: the executor's op order, checked by timeline.ts's
   * `checkProgram`, pairs every F with its B or W.)
   */
  hold(r: number, vs: number, _mb: number): void {
    const p = this.layout.stages;
    const s = vs % p;
    const bytes = this.foot[vs]!.activationBytes;
    const group = this.layout.group(r, s);
    const { memory } = this.ctx;
    for (const g of group) memory.grow(g, bytes, 'activations');
    this.held[r * this.foot.length + vs]!++;
    const n = ++this.inFlight[r * p + s]!;
    const peak = this.ctx.stats.peakActivations;
    for (const g of group) if (n > peak[g]!) peak[g] = n;
  }

  /**
   * Micro-batch `mb`'s activations of virtual stage `vs` on replica `r` are released.
   * @throws Error when that virtual stage holds none.
   */
  release(r: number, vs: number, mb: number): void {
    const h = r * this.foot.length + vs;
    if (this.held[h]! === 0) throw new Error(`pipeline: activations of micro-batch ${mb} at stage ${vs} not held`);
    this.held[h]!--;
    const bytes = this.foot[vs]!.activationBytes;
    const { memory } = this.ctx;
    for (const g of this.layout.group(r, vs % this.layout.stages)) memory.shrink(g, bytes, 'activations');
    this.inFlight[r * this.layout.stages + (vs % this.layout.stages)]!--;
  }

  /**
   * Books `count` more parameter-sized vectors of virtual stage `vs` on every GPU holding it, for the
   * whole run (PipeMare's Δ̄, Pipelined Backprop's velocity).
   */
  buffers(vs: number, count: number): void {
    const bytes = this.foot[vs]!.weightBytes * count;
    for (let r = 0; r < this.layout.replicas; r++)
      for (const g of this.layout.group(r, vs % this.layout.stages)) this.ctx.memory.alloc(g, bytes, 'buffers');
  }

  /** Virtual stage `vs` now keeps `n` ≥ 1 weight versions (the current one and n − 1 stashed) on every replica. */
  setVersions(vs: number, n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`weight versions must be an integer >= 1, got ${n}`);
    const have = this.versions[vs]!;
    if (n === have) return;
    const p = this.layout.stages;
    const s = vs % p;
    const bytes = this.foot[vs]!.weightBytes;
    const list = this.stash[vs]!;
    const { memory, stats } = this.ctx;
    for (let r = 0; r < this.layout.replicas; r++)
      for (const g of this.layout.group(r, s)) {
        for (let i = have; i < n; i++) list.push(memory.alloc(g, bytes, 'stash'));
        if (n > stats.peakWeightVersions[g]!) stats.peakWeightVersions[g] = n;
      }
    for (let i = n; i < have; i++)
      for (let r = 0; r < this.layout.replicas * this.layout.tensor; r++) memory.free(list.pop()!);
    this.versions[vs] = n;
  }
}
