/**
 * One bulk-synchronous data-parallel step (spec §2), shared by every schedule that takes one:
 * sync-allreduce, post-local SGD's first phase, later Wavelet's waves, pipeline × DP and ZeRO.
 *
 * Timeline: every member reads version v and computes forward and backward on its own batch (its
 * straggler-scaled roofline time); the gradients are synchronised by the `GradSync` strategy; every
 * replica applies the same mean gradient and version v + 1 is committed. Every τ is 0.
 *
 * Gradient synchronisation is one all-reduce after the slowest member, or DDP buckets: bucket k
 * is all-reduced once every member has produced it and bucket k − 1's all-reduce has finished, so
 * communication overlaps the backward pass. With a compressor (lib/gradient-compression.ts) each
 * bucket, or the whole gradient, travels as the compressor's collectives instead (its share of them,
 * as PyTorch's communication hooks compress bucket by bucket).
 *
 * Math: the N batches are one merged `meanGradient` request (one 2-D pass), the gradient of the
 * concatenated batch. With a compressor every member's gradient is its own request (compression
 * needs them apart: the merged pass's speed-up is given up, and that is its only cost) and the step
 * applies the mean of the compressed gradients. At an fp16 or bf16 communication precision the
 * applied gradient is rounded through it (full mode).
 */
import type { ProcessGenerator } from '../../core/process.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import type { WorkerCost } from './compute-model.ts';
import type { Crew } from './crew.ts';
import { bucketReadyTimes, ddpBuckets, type Bucket } from './ddp-buckets.ts';
import { runCompressedCalls, type GradientCompression } from './gradient-compression.ts';
import type { GradientRef, OptimizerState, Vec } from './trainer.ts';
import { roundThrough } from './wire-precision.ts';

/** How a synchronous step combines the members' gradients. */
export type GradSync = {
  readonly kind: 'all-reduce';
  /** Collective algorithm name. */
  readonly algorithm: string;
  /** DDP buckets of about this many bytes; absent: one all-reduce after the backward pass. */
  readonly bucketBytes?: number;
  /** Compressed synchronisation; absent: the plain all-reduce of the full gradient. */
  readonly compression?: GradientCompression;
};

/** Synchronous steps of one crew with one optimizer state (see the file header). */
export class SyncStep {
  private readonly buckets: readonly Bucket[] | null;
  /** Per member: when each bucket is ready, from step start, before stragglers. */
  private readonly ready: readonly Float64Array[];
  private readonly compute: Float64Array;
  private readonly factors: Float64Array;
  /** Per member: the step's communication not hidden by its own compute. */
  private readonly exposed: Float64Array;

  constructor(
    private readonly ctx: ScheduleContext,
    private readonly crew: Crew,
    private readonly opt: OptimizerState,
    private readonly sync: GradSync,
  ) {
    const { compute } = ctx;
    const bucketBytes = sync.bucketBytes;
    this.buckets = bucketBytes === undefined ? null : ddpBuckets(compute.cost(crew.ranks[0]!), bucketBytes);
    // Computed once per distinct cost object (a node group shares one).
    const cache = new Map<WorkerCost, Float64Array>();
    const b = this.buckets;
    this.ready =
      b === null
        ? []
        : crew.ranks.map((r) => {
            const c = compute.cost(r);
            let t = cache.get(c);
            if (t === undefined) cache.set(c, (t = bucketReadyTimes(c, b)));
            return t;
          });
    this.compute = new Float64Array(crew.size);
    this.factors = new Float64Array(crew.size);
    this.exposed = new Float64Array(crew.size);
  }

  /** Takes one step from the current global model and commits it; returns the new model. */
  *step(): ProcessGenerator<ParamSnapshot> {
    const { ctx, crew } = this;
    const n = crew.size;
    const t0 = crew.nowS;
    const snap = ctx.progress.current;
    const v = snap.version;
    const c = crew.computeAll(t0, 'fwd+bwd', this.compute, this.factors);
    let slowest = 0;
    for (let i = 0; i < n; i++) if (c[i]! > slowest) slowest = c[i]!;
    const comp = this.sync.compression;
    const refs = comp === undefined ? null : crew.ranks.map((r) => ctx.trainer.gradient(snap, r));
    const grad = refs === null ? ctx.trainer.meanGradient(snap, crew.ranks) : null;

    // Communication, in seconds from t0: one all-reduce after the slowest member, or one per bucket.
    const parts = this.buckets ?? [{ lastLayer: -1, bytes: ctx.compute.gradBytes }];
    const commStart = new Float64Array(parts.length);
    const commEnd = new Float64Array(parts.length);
    for (let k = 0; k < parts.length; k++) {
      let readyAt = slowest;
      if (this.buckets !== null) {
        // The bucket is ready when the slowest member's backward pass has produced it.
        readyAt = 0;
        for (let i = 0; i < n; i++) readyAt = Math.max(readyAt, this.ready[i]![k]! * this.factors[i]!);
      }
      yield* crew.until(t0 + readyAt);
      const bytes = parts[k]!.bytes;
      if (comp !== undefined) {
        const share = ctx.compute.gradBytes > 0 ? bytes / ctx.compute.gradBytes : 0;
        const out = yield* runCompressedCalls(ctx, crew, comp.wire(), share, this.sync.algorithm);
        commStart[k] = out.startS - t0;
        commEnd[k] = out.endS - t0;
        continue;
      }
      const out = yield* crew.allReduce(bytes, { algorithm: this.sync.algorithm, record: false });
      commStart[k] = out.startS - t0;
      commEnd[k] = out.startS + out.timeS - t0;
      if (crew.traced) {
        const label = `all-reduce ${out.algorithm} ${(bytes / 1e6).toFixed(1)} MB`;
        for (const r of crew.ranks) crew.commSpan(r, label, out.startS, out.timeS);
      }
    }
    // Communication that did not overlap a member's own compute counts as busy on top of it.
    let total = 0;
    for (let k = 0; k < parts.length; k++) total += commEnd[k]! - commStart[k]!;
    const exposed = this.exposed;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let k = 0; k < parts.length; k++) e += Math.max(0, commEnd[k]! - Math.max(commStart[k]!, c[i]!));
      exposed[i] = e;
    }
    crew.commAll(crew.ranks, t0 + commStart[0]!, total, exposed);

    const applied = throughWire(ctx, grad ?? compressedMean(refs!, comp!, crew));
    const next = ctx.trainer.apply(this.opt, snap, applied, v + 1);
    crew.rows(crew.ranks, v, v, applied);
    crew.commit(next, 1);
    return next;
  }
}

/**
 * The synchronised gradient as it arrives at the scenario's communication precision (fp16, bf16):
 * rounded through it in full mode; as it is otherwise.
 */
function throughWire(ctx: ScheduleContext, grad: GradientRef): GradientRef {
  const p = ctx.compute.wirePrecision;
  if (p === undefined || p === 'fp32' || !ctx.trainer.full) return grad;
  let value: { grad: Vec; loss: number } | undefined;
  return {
    value: () => {
      if (value === undefined) {
        const v = grad.value();
        value = { grad: roundThrough(v.grad, p), loss: v.loss };
      }
      return value;
    },
  };
}

/** The mean of the members' compressed gradients, with their mean batch loss (rank order). */
function compressedMean(refs: readonly GradientRef[], comp: GradientCompression, crew: Crew): GradientRef {
  const grads: Vec[] = [];
  let loss = 0;
  for (const r of refs) {
    const v = r.value();
    grads.push(v.grad);
    loss += v.loss;
  }
  const value = { grad: comp.mean(grads, crew.ranks, crew), loss: loss / refs.length };
  return { value: () => value };
}
