/**
 * A pipeline's GPU memory, booked in the run's ledger as the schedule runs (spec §24.2): each GPU holds
 * its stage's share of the model, not the whole model, and its activations come and go with the
 * micro-batches in flight.
 *
 * - **State**, booked once at the start on every GPU of a stage: the stage's weights, gradients and
 *   optimizer state (`optimizerSlots` parameter-sized vectors), summed over the rank's chunks; with
 *   tensor parallelism each of the t GPUs holds 1/t.
 * - **Activations**: one set per micro-batch from its forward to the end of its backward (the W of a
 *   split backward, which still reads them), on every GPU of the stage. A set is Σ of the stage's
 *   layers' `activationBytesPerSample` × micro-batch rows (workload/memory.ts's upper bound), / t.
 *   With full recomputation a set is only the stage's input (the previous stage's boundary bytes),
 *   plus one full set held once per GPU for the backward's recomputed forward. Selective recomputation
 *   is timed but its memory saving is not modelled: its sets are counted in full, an upper bound.
 * - **Stashed weights**: each weight version of a stage beyond the current one (PipeDream's stash,
 *   2BW's shadow), a copy of the stage's weights on every GPU of every replica.
 *
 * Every count also feeds workers.csv (`stage`, `peak_weight_versions`, `peak_activations`). An
 * allocation past a GPU's capacity throws the ledger's `OutOfMemoryError` unless
 * `cluster.allowOversubscribe` is set.
 */
import type { Allocation, MemoryLedger } from '../../../hardware/memory-ledger.ts';
import type { TimingProfile } from '../../../workload/types.ts';
import type { WorkerStats } from '../worker-stats.ts';
import type { PipeLayout } from './layout.ts';
import type { StageTimes } from './stage-times.ts';

/** What one virtual stage holds, per GPU of its group. */
export interface StageFootprint {
  /** Parameters of the stage (the whole stage, before tensor splitting). */
  readonly params: number;
  /** Bytes of one weight copy on one GPU. */
  readonly weightBytes: number;
  /** Bytes of one micro-batch's activation set on one GPU. */
  readonly activationBytes: number;
  /** Bytes of one full (not recomputed) activation set on one GPU. */
  readonly fullActivationBytes: number;
}

/**
 * Footprints of the virtual stages `times` describes (layers in order; `layers: 0` means equal
 * parts of the whole profile, see stage-times.ts), at `microBatch` rows on t-way tensor parallelism.
 */
export function stageFootprints(
  profile: TimingProfile,
  times: readonly StageTimes[],
  microBatch: number,
  tensor: number,
  recompute: 'none' | 'selective' | 'full',
): StageFootprint[] {
  const V = times.length;
  const bpv = profile.bytesPerValue;
  const layers = profile.layers;
  let first = 0;
  return times.map((t, vs) => {
    let params = 0;
    let act = 0;
    if (t.layers === 0) {
      for (const l of layers) {
        params += l.params;
        act += l.activationBytesPerSample;
      }
      params /= V;
      act /= V;
    } else {
      for (let i = first; i < first + t.layers; i++) {
        params += layers[i]!.params;
        act += layers[i]!.activationBytesPerSample;
      }
      first += t.layers;
    }
    const full = (act * microBatch) / tensor;
    // Full recomputation keeps only the stage's input: what the previous stage sent (stage 0: its
    // own boundary, the same order of size), already per GPU.
    const input = vs > 0 ? times[vs - 1]!.boundaryBytes : t.boundaryBytes;
    return {
      params,
      weightBytes: (params * bpv) / tensor,
      activationBytes: recompute === 'full' ? input : full,
      fullActivationBytes: full,
    };
  });
}

/** What the booking writes to: the run's ledger and per-worker counters (or a validation's own). */
export interface StageMemoryDeps {
  readonly memory: MemoryLedger;
  readonly optimizerSlots: number;
  readonly stats: Pick<WorkerStats, 'stage' | 'peakWeightVersions' | 'peakActivations'>;
}

/** The ledger side of a running pipeline (see the file header). */
export class StageMemory {
  private readonly inFlight: Int32Array;
  private readonly acts = new Map<number, Allocation[]>();
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
    recompute: 'none' | 'selective' | 'full',
  ) {
    const { memory, optimizerSlots, stats } = ctx;
    const p = layout.stages;
    this.inFlight = new Int32Array(layout.replicas * p);
    this.stash = Array.from({ length: foot.length }, () => []);
    this.versions = new Int32Array(foot.length).fill(1);
    for (let r = 0; r < layout.replicas; r++)
      for (let s = 0; s < p; s++) {
        let w = 0;
        let full = 0;
        for (let c = 0; c < chunks; c++) {
          w += foot[c * p + s]!.weightBytes;
          full = Math.max(full, foot[c * p + s]!.fullActivationBytes);
        }
        for (const g of layout.group(r, s)) {
          stats.stage[g] = s;
          stats.peakWeightVersions[g] = 1;
          memory.alloc(g, w, 'weights');
          memory.alloc(g, w, 'grads');
          memory.alloc(g, w * optimizerSlots, 'optimizer');
          // The recomputed forward of the micro-batch being back-propagated.
          if (recompute === 'full') memory.alloc(g, full, 'buffers');
        }
      }
  }

  /** Micro-batch `mb`'s activations of virtual stage `vs` on replica `r` are now held. */
  hold(r: number, vs: number, mb: number): void {
    const p = this.layout.stages;
    const s = vs % p;
    const bytes = this.foot[vs]!.activationBytes;
    const group = this.layout.group(r, s);
    const allocs = group.map((g) => this.ctx.memory.alloc(g, bytes, 'activations'));
    this.acts.set(this.key(r, vs, mb), allocs);
    const i = r * p + s;
    const n = ++this.inFlight[i]!;
    const peak = this.ctx.stats.peakActivations;
    for (const g of group) if (n > peak[g]!) peak[g] = n;
  }

  /** Micro-batch `mb`'s activations of virtual stage `vs` on replica `r` are released. */
  release(r: number, vs: number, mb: number): void {
    const k = this.key(r, vs, mb);
    const allocs = this.acts.get(k);
    if (allocs === undefined) throw new Error(`pipeline: activations of micro-batch ${mb} at stage ${vs} not held`);
    for (const a of allocs) this.ctx.memory.free(a);
    this.acts.delete(k);
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

  private key(r: number, vs: number, mb: number): number {
    return (mb * this.foot.length + vs) * this.layout.replicas + r;
  }
}
