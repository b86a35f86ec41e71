/**
 * One synchronous ZeRO step (Rajbhandari et al., "ZeRO: Memory Optimizations Toward Training Trillion
 * Parameter Models", SC 2020; spec §23), optionally with ZeRO-Offload's host optimizer (Ren et al.,
 * USENIX ATC 2021). The math is synchronous data parallelism (τ = 0): every member's gradient joins one
 * mean gradient and one optimizer step, exactly as lib/sync-step.ts; only time and memory differ.
 *
 * Timeline (Ψ parameters, w bytes each, N members; every collective is the crew's, one at a time on one
 * communication channel, first come first served):
 * - stages 1–2: forward and backward as one block per member (its roofline × its straggler draw); the
 *   gradient is reduce-scattered (Ψw, each member keeps its 1/N) after the slowest member, or per DDP
 *   bucket while the backward goes on (`bucketBytes`); each member steps the optimizer on its 1/N
 *   partition; the updated parameters are all-gathered (Ψw). Wire volume 2Ψ, as one all-reduce (F15).
 * - stage 3: every layer's parameters are all-gathered before its forward and again before its
 *   backward, the next layer's gather issued when the current layer starts (prefetch depth 1); each
 *   gradient bucket (default: one layer) is reduce-scattered when the backward has produced it. A layer
 *   starts when the previous layer is done and its gather has arrived; the slowest member sets each
 *   layer's time. No gather after the step: the next forward gathers. Wire volume 3Ψ (F15).
 * - offload `cpu`: after the reduce-scatter each GPU copies its gradient partition to host memory
 *   (Ψw/N over its `hostLink`), the node's CPU runs Adam over the partitions of its GPUs (a memory-
 *   bandwidth-bound pass of `optimizerBytesPerParam(slots)` bytes per parameter at
 *   `hostMemoryBandwidth`), and each GPU copies its updated fp16 partition back (Ψw/N); then stages 1–2
 *   all-gather as above. The copies and the CPU step are not overlapped with the backward (ZeRO-Offload
 *   overlaps the gradient copy with it: this is the conservative end), and there is no delayed update.
 * - offload `nvme` (ZeRO-Infinity, Rajbhandari et al., SC 2021; stage 3): before each gather every GPU's
 *   partition of the layer is read from its node's NVMe drives and copied to the GPU (on the same
 *   channel, ahead of the gather: the prefetch hides it behind compute as it hides the gather); after
 *   the reduce-scatter the gradient partition goes to host memory, the node reads the optimizer
 *   partitions (K bytes a parameter) from NVMe, its CPU steps them and writes them back with the fp16
 *   parameters (K + w bytes a parameter). NVMe is one device per node shared by its GPUs (zero-host.ts).
 *
 * The compute model puts the full optimizer step in the last backward layer (compute-model.ts); here it
 * is taken out of the backward and charged on the 1/N partition after the reduce-scatter (on the GPU),
 * or not at all on the GPU (offload). Communication a member waits on beyond its own compute counts as
 * exposed; in stage 3 a member's compute is booked as one forward and one backward interval.
 */
import { optimizerBytesPerParam } from '../../hardware/compute-efficiency.ts';
import { wait, type ProcessGenerator } from '../../core/process.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import type { WorkerCost } from './compute-model.ts';
import type { Crew } from './crew.ts';
import { bucketReadyTimes, ddpBuckets, type Bucket } from './ddp-buckets.ts';
import type { OptimizerState } from './trainer.ts';
import { HostPaths } from './zero-host.ts';
import { optimizerBytesPerParam as zeroOptimizerBytes } from '../../workload/zero-memory.ts';
import type { ZeroOffload, ZeroRunStage } from './zero-memory-plan.ts';

/** How a ZeRO step runs. */
export interface ZeroStepOptions {
  readonly stage: ZeroRunStage;
  readonly offload: ZeroOffload;
  /** Collective algorithm of the reduce-scatters and all-gathers. */
  readonly algorithm: string;
  /** Gradient buckets of about this many bytes, reduce-scattered during the backward. */
  readonly bucketBytes?: number;
  /** Host memory bandwidth the CPU optimizer step streams at, B/s (offload `cpu`). */
  readonly hostMemoryBandwidth: number;
}

/** Bytes a step put on the wire per collective kind, summed over its collectives (for reports and tests). */
export interface ZeroStepVolume {
  reduceScatterBytes: number;
  allGatherBytes: number;
  /** GPU ↔ host copies, summed over the GPUs. */
  hostBytes: number;
  /** NVMe reads and writes, summed over the GPUs (offload nvme). */
  nvmeBytes: number;
}

/** Synchronous ZeRO steps of one crew (see the file header). */
export class ZeroStep {
  /** Sizes given to the collectives over the run (the message sizes, not bytes per rank). */
  readonly volume: ZeroStepVolume = { reduceScatterBytes: 0, allGatherBytes: 0, hostBytes: 0, nvmeBytes: 0 };
  private readonly costs: readonly WorkerCost[];
  private readonly distinct: readonly WorkerCost[];
  private readonly costOf: Int32Array;
  private readonly buckets: readonly Bucket[];
  private readonly ready: readonly Float64Array[];
  private readonly factors: Float64Array;
  private readonly work: Float64Array;
  private readonly exposed: Float64Array;
  private readonly layerBytes: readonly number[];
  private commS = 0;
  private commStart = Infinity;
  private chan = 0;
  private readonly host: HostPaths;

  constructor(
    private readonly ctx: ScheduleContext,
    private readonly crew: Crew,
    private readonly opt: OptimizerState,
    private readonly o: ZeroStepOptions,
  ) {
    const { compute } = ctx;
    this.costs = crew.ranks.map((r) => compute.cost(r));
    const distinct: WorkerCost[] = [];
    this.costOf = Int32Array.from(this.costs, (c) => {
      let k = distinct.indexOf(c);
      if (k < 0) k = distinct.push(c) - 1;
      return k;
    });
    this.distinct = distinct;
    const c0 = this.costs[0]!;
    // Stage 3 without buckets reduce-scatters each layer's gradient as soon as it is produced.
    const bucketBytes = o.bucketBytes ?? (o.stage === 3 ? 0 : undefined);
    this.buckets =
      bucketBytes === undefined
        ? [{ lastLayer: c0.backwardLayers.length - 1, bytes: compute.gradBytes }]
        : ddpBuckets(c0, Math.max(bucketBytes, 1e-300));
    this.ready = distinct.map((c) => bucketReadyTimes(c, this.buckets));
    // Gathers carry parameters at the communication precision (gradBytes' bytes per value).
    const bpv = compute.wireBytesPerValue;
    this.layerBytes = compute.profile.layers.map((l) => l.params * bpv);
    const n = crew.size;
    this.factors = new Float64Array(n);
    this.work = new Float64Array(n);
    this.exposed = new Float64Array(n);
    this.host = new HostPaths(ctx, crew.ranks);
    if (o.stage === 3 && distinct.some((c) => c.forwardLayersS === undefined))
      throw new Error('ZeRO stage 3 needs per-layer forward times (WorkerCost.forwardLayersS)');
  }

  /** Takes one step from the current global model and commits it; returns the new model. */
  *step(): ProcessGenerator<ParamSnapshot> {
    const { ctx, crew, o } = this;
    const n = crew.size;
    const t0 = crew.nowS;
    const snap = ctx.progress.current;
    const v = snap.version;
    const f = ctx.compute.factors(crew.ranks, t0, this.factors);
    // Each member's forward + backward without the optimizer step, which runs on the partition below.
    for (let i = 0; i < n; i++) {
      const c = this.costs[i]!;
      this.work[i] = (c.forwardS + c.backwardS - (c.optimizerS ?? 0)) * f[i]!;
    }
    const grad = ctx.trainer.meanGradient(snap, crew.ranks);
    this.commS = 0;
    this.commStart = Infinity;
    this.chan = t0;

    const phaseEnd = o.stage === 3 ? yield* this.gatheredLayers(t0) : yield* this.shardedGradients(t0);
    // Communication a member waited on beyond its own compute, up to the communication there was.
    for (let i = 0; i < n; i++) this.exposed[i] = Math.min(this.commS, Math.max(0, phaseEnd - t0 - this.work[i]!));

    const updated = o.offload === 'none' ? yield* this.gpuStep(phaseEnd) : yield* this.hostStep(phaseEnd);
    if (o.stage < 3) yield* this.collective('all-gather', ctx.compute.gradBytes, updated, true);
    if (this.commS > 0) crew.commAll(crew.ranks, this.commStart, this.commS, this.exposed);

    const next = ctx.trainer.apply(this.opt, snap, grad, v + 1);
    crew.rows(crew.ranks, v, v, grad);
    crew.commit(next, 1);
    return next;
  }

  /** Stages 1–2: the compute block, then the gradient reduce-scatter(s); returns when the last is done. */
  private *shardedGradients(t0: number): ProcessGenerator<number> {
    const { crew } = this;
    const n = crew.size;
    let slowest = 0;
    for (let i = 0; i < n; i++) {
      crew.book(crew.ranks[i]!, t0, this.work[i]!, 'fwd+bwd');
      slowest = Math.max(slowest, this.work[i]!);
    }
    const last = this.buckets.length - 1;
    for (let k = 0; k <= last; k++) {
      // A bucket is ready when the slowest member has produced it (the last one without the optimizer).
      let readyAt = 0;
      for (let i = 0; i < n; i++) {
        const c = this.costOf[i]!;
        const r = this.ready[c]![k]! - (k === last ? (this.distinct[c]!.optimizerS ?? 0) : 0);
        readyAt = Math.max(readyAt, r * this.factors[i]!);
      }
      yield* this.collective('reduce-scatter', this.buckets[k]!.bytes, t0 + Math.min(readyAt, slowest), false);
    }
    return Math.max(this.chan, t0 + slowest);
  }

  /** Stage 3: per-layer gathers with prefetch, per-bucket reduce-scatters; returns when both are done. */
  private *gatheredLayers(t0: number): ProcessGenerator<number> {
    const { crew } = this;
    const n = crew.size;
    const L = this.layerBytes.length;
    // The slowest member sets every layer's time: per distinct cost, its slowest member's factor.
    const maxF = new Float64Array(this.distinct.length);
    for (let i = 0; i < n; i++) maxF[this.costOf[i]!] = Math.max(maxF[this.costOf[i]!]!, this.factors[i]!);
    // Tasks: forward layers 0..L−1, then backward layers (backward order), each needing its layer's gather.
    const pace = new Float64Array(2 * L);
    this.distinct.forEach((c, k) => {
      for (let l = 0; l < L; l++) pace[l] = Math.max(pace[l]!, c.forwardLayersS![l]! * maxF[k]!);
      for (let j = 0; j < L; j++) {
        const t = c.backwardLayers[j]!.timeS - (j === L - 1 ? (c.optimizerS ?? 0) : 0);
        pace[L + j] = Math.max(pace[L + j]!, t * maxF[k]!);
      }
    });
    const bytesOf = (task: number): number => this.layerBytes[task < L ? task : 2 * L - 1 - task]!;
    let gathered = yield* this.collective('all-gather', bytesOf(0), t0, false);
    let compEnd = t0;
    let backwardStart = t0;
    let bucket = 0;
    for (let task = 0; task < 2 * L; task++) {
      const start = Math.max(compEnd, gathered);
      if (task === L) backwardStart = start;
      compEnd = start + pace[task]!;
      // Prefetch: the next layer's gather is issued as this layer starts.
      if (task + 1 < 2 * L) gathered = yield* this.collective('all-gather', bytesOf(task + 1), start, false);
      const j = task - L;
      while (j >= 0 && bucket < this.buckets.length && this.buckets[bucket]!.lastLayer === j)
        yield* this.collective('reduce-scatter', this.buckets[bucket++]!.bytes, compEnd, false);
    }
    for (let i = 0; i < n; i++) {
      const c = this.costs[i]!;
      const r = crew.ranks[i]!;
      crew.book(r, t0, c.forwardS * this.factors[i]!, 'forward');
      crew.book(r, backwardStart, this.work[i]! - c.forwardS * this.factors[i]!, 'backward');
    }
    return Math.max(this.chan, compEnd);
  }

  /** The optimizer step on each GPU's 1/N partition, from `fromS`; returns when the slowest is done. */
  private *gpuStep(fromS: number): ProcessGenerator<number> {
    const { crew } = this;
    const n = crew.size;
    let end = fromS;
    for (let i = 0; i < n; i++) {
      const s = ((this.costs[i]!.optimizerS ?? 0) * this.factors[i]!) / n;
      if (s > 0) crew.book(crew.ranks[i]!, fromS, s, 'optimizer (partition)');
      end = Math.max(end, fromS + s);
    }
    yield* crew.until(end);
    return end;
  }

  /**
   * The host step from `fromS` (zero-host.ts): each GPU copies its gradient partition to host memory; with
   * `nvme` the node reads its GPUs' optimizer partitions (with the fp32 master, K bytes a parameter)
   * from NVMe; the node's CPU steps them; then the fp16 partition goes back to the GPU (`cpu`) or, with
   * the optimizer partition, back to NVMe (`nvme`: the next step's gathers fetch it). Returns the end.
   */
  private *hostStep(fromS: number): ProcessGenerator<number> {
    const { ctx, crew, o, host } = this;
    const n = crew.size;
    const partition = ctx.compute.gradBytes / n;
    const w = ctx.compute.profile.bytesPerValue;
    const params = partition / ctx.compute.wireBytesPerValue;
    const nvme = o.offload === 'nvme';
    const down = host.maxCopyS(partition);
    const K = zeroOptimizerBytes(ctx.optimizerSlots, w);
    const read = nvme ? host.nvmeS(K * params) : 0;
    const cpu = host.cpuStepS(params, optimizerBytesPerParam(ctx.optimizerSlots), o.hostMemoryBandwidth);
    const back = nvme ? host.nvmeS((K + w) * params) : host.maxCopyS(partition);
    const end = fromS + down + read + cpu + back;
    // The GPU waits for its copies (communication) and idles through the host's NVMe and CPU work.
    for (let i = 0; i < n; i++) this.exposed[i]! += host.copyS(i, partition) * (nvme ? 1 : 2);
    this.commS += down + (nvme ? 0 : back);
    this.commStart = Math.min(this.commStart, fromS);
    this.volume.hostBytes += ctx.compute.gradBytes * (nvme ? 1 : 2);
    if (nvme) this.volume.nvmeBytes += (2 * K + w) * params * n;
    if (crew.traced) {
      for (const r of crew.ranks) {
        crew.commSpan(r, 'gradient partition → host', fromS, down);
        crew.waitSpan(
          r,
          nvme ? 'NVMe read, CPU Adam, NVMe write' : 'CPU Adam',
          fromS + down,
          read + cpu + (nvme ? back : 0),
        );
        if (!nvme) crew.commSpan(r, 'fp16 partition → GPU', end - back, back);
      }
    }
    yield* crew.until(end);
    return end;
  }

  /**
   * Runs one collective no earlier than `readyS` and after the previous one (one channel), waits for it
   * and returns its end (`readyS` for an empty one, which is not run: a layer without parameters).
   * `exposedAll`: after the compute phase, so every member waits for all of it (the final gather).
   */
  private *collective(
    op: 'reduce-scatter' | 'all-gather',
    bytes: number,
    readyS: number,
    exposedAll: boolean,
  ): ProcessGenerator<number> {
    const { crew, host } = this;
    if (bytes === 0) return readyS;
    let at = Math.max(readyS, this.chan);
    if (op === 'all-gather' && this.o.offload === 'nvme') {
      // ZeRO-Infinity: each GPU's partition of the layer comes from NVMe through host memory first.
      const shard = bytes / crew.size;
      const fetch = host.nvmeS(shard) + host.maxCopyS(shard);
      if (crew.traced) for (const r of crew.ranks) crew.commSpan(r, 'partition NVMe → GPU', at, fetch);
      this.commS += fetch;
      this.commStart = Math.min(this.commStart, at);
      this.volume.hostBytes += bytes;
      this.volume.nvmeBytes += bytes;
      at += fetch;
    }
    yield* crew.until(at);
    const out = yield* wait(crew.startCollective(op, bytes, { algorithm: this.o.algorithm }));
    this.chan = out.startS + out.timeS;
    this.commS += out.timeS;
    this.commStart = Math.min(this.commStart, out.startS);
    if (op === 'reduce-scatter') this.volume.reduceScatterBytes += bytes;
    else this.volume.allGatherBytes += bytes;
    if (exposedAll) for (let i = 0; i < crew.size; i++) this.exposed[i]! += out.timeS;
    if (crew.traced) {
      const label = `${op} ${out.algorithm} ${(bytes / 1e6).toFixed(1)} MB`;
      for (const r of crew.ranks) crew.commSpan(r, label, out.startS, out.timeS);
    }
    return this.chan;
  }
}
