/**
 * Synchronous data-parallel SGD with AllReduce (BSP; spec/algorithms.md §2).
 *
 * Timeline of one step: every worker reads version v and computes forward and backward on its own
 * batch (its time is the profile's roofline time on its GPU times its straggler factor); the mean
 * gradient is taken by one all-reduce of the full gradient once the slowest worker is done, then every
 * replica applies the same update and version v+1 exists. With `bucketSize`, gradients are grouped into
 * DDP buckets in backward order and bucket k's all-reduce starts as soon as every worker has produced
 * it and bucket k−1's all-reduce has finished, overlapping communication with the backward pass
 * (Li et al., "PyTorch Distributed: Experiences on Accelerating Data Parallel Training", VLDB 2020).
 *
 * Math: the N batches are one merged `meanGradient` request (one 2-D pass), which is the gradient of
 * the concatenated batch. Every gradient is read and applied at version v, so every staleness is 0.
 */
import type { ProcessGenerator } from '../core/process.ts';
import { seconds } from '../core/units.ts';
import type { CollectiveOutcome } from '../collectives/communicator.ts';
import type { ScheduleContext } from './context.ts';
import type { OptionValues } from './options.ts';
import type { WorkerCost } from './lib/compute-model.ts';
import type { ScheduleDefinition } from './types.ts';

/** One DDP bucket: the backward-layer index (backward order) that completes it, and its bytes. */
interface Bucket {
  readonly lastLayer: number;
  readonly bytes: number;
}

/** Buckets of at least `bucketBytes`, filled in backward order (the last one may be smaller). */
export function ddpBuckets(cost: WorkerCost, bucketBytes: number): Bucket[] {
  const out: Bucket[] = [];
  let acc = 0;
  cost.backwardLayers.forEach((l, i) => {
    acc += l.gradBytes;
    if (acc >= bucketBytes) {
      out.push({ lastLayer: i, bytes: acc });
      acc = 0;
    }
  });
  if (acc > 0 || out.length === 0) out.push({ lastLayer: cost.backwardLayers.length - 1, bytes: acc });
  return out;
}

// Time from step start at which each bucket is ready on a worker with these costs (before stragglers).
function bucketReadyTimes(cost: WorkerCost, buckets: readonly Bucket[]): Float64Array {
  const out = new Float64Array(buckets.length);
  let t = cost.forwardS;
  let k = 0;
  cost.backwardLayers.forEach((l, i) => {
    t += l.timeS;
    while (k < buckets.length && buckets[k]!.lastLayer === i) out[k++] = t;
  });
  return out;
}

function* run(ctx: ScheduleContext, algorithm: string, bucketBytes: number | undefined): ProcessGenerator<void> {
  const { sim, workers: n, compute, trainer, recorder, stats, progress } = ctx;
  const group = Array.from({ length: n }, (_, i) => i);
  const opt = trainer.optimizer();
  const gradBytes = compute.gradBytes;
  const buckets = bucketBytes === undefined ? null : ddpBuckets(compute.cost(0), bucketBytes);
  // Bucket ready times per worker, computed once per distinct cost object (a node group shares one).
  const readyCache = new Map<WorkerCost, Float64Array>();
  const ready: Float64Array[] =
    buckets === null
      ? []
      : group.map((w) => {
          const c = compute.cost(w);
          let r = readyCache.get(c);
          if (r === undefined) readyCache.set(c, (r = bucketReadyTimes(c, buckets)));
          return r;
        });
  const factors = new Float64Array(n);
  const computeEnd = new Float64Array(n);
  const spans = recorder.wantsSpans;
  let step = 0;
  while (progress.running) {
    const t0 = sim.now as number;
    const snap = progress.current;
    const v = snap.version;
    let slowest = 0;
    for (let i = 0; i < n; i++) {
      const f = compute.factor(i, t0);
      factors[i] = f;
      const c = compute.stepS(i) * f;
      computeEnd[i] = c;
      if (c > slowest) slowest = c;
      stats.compute(i, c);
      if (spans) recorder.span({ worker: i, kind: 'compute', name: 'fwd+bwd', startS: t0, durationS: c });
    }
    const grad = trainer.meanGradient(snap, group);
    progress.addSamples(n * ctx.batchSize);

    // Communication: one all-reduce after the slowest worker, or one per bucket as buckets fill.
    const commStart: number[] = [];
    const commEnd: number[] = [];
    const parts = buckets ?? [{ lastLayer: -1, bytes: gradBytes }];
    for (let k = 0; k < parts.length; k++) {
      let readyAt = slowest;
      if (buckets !== null) {
        readyAt = 0;
        for (let i = 0; i < n; i++) readyAt = Math.max(readyAt, ready[i]![k]! * factors[i]!);
      }
      const wait = t0 + readyAt - (sim.now as number);
      if (wait > 0) yield sim.timeout(seconds(wait));
      const out = (yield ctx.comm.allReduce(group, parts[k]!.bytes, { algorithm })) as CollectiveOutcome<Float32Array>;
      commStart.push(out.startS - t0);
      commEnd.push(out.startS + out.timeS - t0);
      if (spans) {
        for (let i = 0; i < n; i++) recorder.span({ worker: i, kind: 'comm', name: `all-reduce ${out.algorithm} ${(parts[k]!.bytes / 1e6).toFixed(1)} MB`, startS: out.startS, durationS: out.timeS });
      }
    }
    for (let i = 0; i < n; i++) {
      // Communication that did not overlap this worker's own compute counts as busy on top of it.
      let total = 0;
      let exposed = 0;
      for (let k = 0; k < commStart.length; k++) {
        total += commEnd[k]! - commStart[k]!;
        exposed += Math.max(0, commEnd[k]! - Math.max(commStart[k]!, computeEnd[i]!));
      }
      stats.comm(i, total, exposed);
    }

    const next = trainer.apply(opt, snap, grad, trainer.lr(step), v + 1);
    const loss = grad === null ? undefined : grad.value().loss;
    const now = sim.now as number;
    for (let i = 0; i < n; i++) {
      recorder.update({ timeS: now, worker: i, stage: 0, versionRead: v, versionApplied: v, loss });
      stats.updates[i]!++;
    }
    step++;
    progress.commit(next);
  }
}

/** Synchronous AllReduce. */
export const syncAllreduce: ScheduleDefinition = {
  name: 'sync-allreduce',
  summary: 'every worker computes a gradient on the same weights; the mean is taken by an all-reduce; stragglers set the pace',
  reference: 'BSP data parallelism (spec §2); DDP bucketing after Li et al., "PyTorch Distributed", VLDB 2020',
  semantics: 'synchronous',
  options: {
    algorithm: { type: 'collective', op: 'all-reduce', default: 'ring', description: 'all-reduce algorithm' },
    bucketSize: {
      type: 'quantity',
      dimension: 'size',
      greaterThan: 0,
      description:
        'DDP-style gradient buckets of about this size, all-reduced while the backward pass goes on (PyTorch default 25 MB); absent: one all-reduce after the backward pass',
    },
  },
  start(ctx: ScheduleContext, options: OptionValues): ProcessGenerator<void> {
    return run(ctx, String(options['algorithm'] ?? 'ring'), options['bucketSize'] as number | undefined);
  },
};
