/**
 * Crossbow: synchronous model averaging (SMA) with m learners per GPU (spec/algorithms.md §12;
 * Koliousis, Watcharapichat, Weidlich, Mai, Costa, Pietzuch, "Crossbow: Scaling Deep Learning with
 * Small Batch Sizes on Multi-GPU Servers", VLDB 2019; update order checked against lsds/Crossbow
 * `sma.cu`/`sma.c`).
 *
 * Timeline of one iteration (one synchronisation):
 *   every GPU runs its m learners at once, each a forward+backward pass on its own small batch, sharing
 *   the GPU by processor sharing with a saturation curve (hardware/gpu-share.ts: k tasks progress at
 *   speedup(k)/k of their solo rate) ─ barrier: the slowest GPU's last learner ─ one all-reduce of the
 *   per-GPU sums of corrections across GPUs (n bytes, whatever m is; learners on one GPU reduce
 *   locally, which costs memory bandwidth only and is not timed) ─ every GPU moves its copy of z.
 *
 * Math (SMA, per iteration, from the central model z and the previous one z_prev):
 *   c_j = α (w_j − z)                          from the learner's weights BEFORE its gradient step
 *   w_j ← w_j − η ∇ℓ_{B_j}(w_j) − c_j          (the learner's own optimizer state: momentum stays local)
 *   z ← z + Σ_j c_j + μ (z − z_prev);  z_prev ← z
 * The run's global model is z. Each learner is a data key (`dataKeys` = learners per GPU × workers):
 * learner j of GPU r draws from shard r·M + j, M the most learners a GPU may run.
 *
 * Counting: an iteration processes m batches per GPU, so it counts m updates (the version of z
 * advances by m, as Local SGD's round advances H) and credits m to every GPU: every worker's updates
 * equal the run's, and samples = batch × Σ workers' updates. Every row has τ = 0: a learner reads and
 * writes its own replica.
 *
 * Memory: the run books one replica and one batch of activations per GPU; each further learner adds a
 * replica (weights, gradient, optimizer state) and its activations, and every GPU keeps z, z_prev, the
 * correction accumulator and one pre-step copy per learner (buffers).
 *
 * Auto-tuner (`autotune`, after lsds/Crossbow `ModelManager.autotune()`): every `autotuneInterval`
 * synchronisations the throughput (samples per simulated second over the interval) is measured; while
 * it improved by more than 10% on the previous measurement, one learner per GPU is added (a copy of z,
 * fresh optimizer state), if every GPU's memory allows and the maximum is not reached; when it did not
 * improve enough, the last learner added is removed and tuning stops; when memory or the maximum stops
 * it, the learners stay as they are.
 */
import { wait, type ProcessGenerator } from '../core/process.ts';
import { GpuShare, saturatingSpeedup } from '../hardware/gpu-share.ts';
import type { Allocation } from '../hardware/memory-ledger.ts';
import type { ParamSnapshot } from '../training/engine/snapshot.ts';
import { activationBytes } from '../workload/memory.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import type { AppliedRow } from './lib/crew.ts';
import type { GradientRef, OptimizerState, ParamMath, Vec } from './lib/trainer.ts';
import { defineSchedule } from './types.ts';

/** Improvement of throughput the auto-tuner needs to add another learner (lsds/Crossbow default). */
const AUTOTUNE_THRESHOLD = 0.1;

/** One learner: its replica, optimizer state and data shard. */
interface Learner {
  w: ParamSnapshot;
  readonly opt: OptimizerState;
  readonly data: number;
  /** Its memory beyond the run's base replica (none for each GPU's first learner). */
  readonly allocs: readonly Allocation[];
}

/**
 * One SMA update of the central model: z + Σ corrections + μ (z − z_prev), the corrections summed per
 * GPU first (the local reduction), then across GPUs in rank order (the all-reduce). Exported for the
 * conservation test.
 */
export function smaCentral(
  math: ParamMath,
  z: Vec,
  zPrev: Vec,
  corrections: readonly (readonly Vec[])[],
  mu: number,
): Vec {
  const perGpu = corrections.map((cs) => math.sum(cs));
  const total = math.sum(perGpu);
  const withCorr = math.axpy(1, total, z);
  return mu === 0 ? withCorr : math.axpy(mu, math.sub(z, zPrev), withCorr);
}

/** Crossbow's SMA with several learners per GPU. */
export const crossbow = defineSchedule({
  name: 'crossbow',
  summary:
    'm learners per GPU share it and train small-batch replicas; corrections α(w − z) pull them toward a central model z that moves by their sum plus momentum, one all-reduce per iteration',
  reference:
    'Koliousis et al., "Crossbow: Scaling Deep Learning with Small Batch Sizes on Multi-GPU Servers", VLDB 2019 (spec §12)',
  semantics: 'synchronous',
  options: {
    learnersPerGpu: {
      type: 'number',
      integer: true,
      min: 1,
      max: 64,
      default: 2,
      description: 'm: learners (model replicas) per GPU; with autotune, the number to start from',
    },
    alpha: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.1,
      description: 'α: each learner is corrected by α(w_j − z) every iteration (Crossbow scripts: 0.1)',
    },
    momentum: {
      type: 'number',
      min: 0,
      max: 1,
      exclusiveMax: true,
      default: 0.9,
      description: 'μ: momentum of the central model, z += Σ c_j + μ(z − z_prev)',
    },
    maxSpeedup: {
      type: 'number',
      min: 1,
      default: 2,
      description:
        'GPU sharing: the most throughput k co-running learners reach relative to one, speedup(k) = 1 + (max − 1)(1 − e^{−(k−1)/h})',
    },
    speedupScale: {
      type: 'number',
      greaterThan: 0,
      default: 1,
      description: 'h of the sharing curve: learners beyond the first at which 63% of the extra speed-up is reached',
    },
    algorithm: {
      type: 'collective',
      op: 'all-reduce',
      default: 'ring',
      description: 'all-reduce algorithm for the corrections across GPUs',
    },
    autotune: {
      type: 'boolean',
      default: false,
      description:
        'add a learner per GPU every autotuneInterval iterations while throughput improves by > 10% and memory allows',
    },
    autotuneInterval: {
      type: 'number',
      integer: true,
      min: 1,
      default: 10,
      description: "synchronisations between the auto-tuner's throughput measurements",
    },
    maxLearnersPerGpu: {
      type: 'number',
      integer: true,
      min: 1,
      max: 64,
      default: 8,
      description: 'with autotune: the most learners per GPU (also sets the data shards: this many per GPU)',
    },
  },
  check(o) {
    if (o.autotune && o.maxLearnersPerGpu < o.learnersPerGpu)
      return [
        `maxLearnersPerGpu must be at least learnersPerGpu (${o.learnersPerGpu}) with autotune, got ${o.maxLearnersPerGpu}`,
      ];
    return [];
  },
  dataKeys(o, shape) {
    return (o.autotune ? Math.max(o.learnersPerGpu, o.maxLearnersPerGpu) : o.learnersPerGpu) * shape.workers;
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { trainer, progress, memory, sim } = ctx;
    const math = trainer.math;
    const crew = new Crew(ctx);
    const gpus = crew.size;
    const keysPerGpu = trainer.dataKeys / gpus;
    const share = new GpuShare(sim, ctx.workers, saturatingSpeedup(o.maxSpeedup, o.speedupScale));

    // Memory: one replica and its activations are the run's own; a learner beyond the first adds both,
    // and one pre-step copy per learner plus z, z_prev and the correction accumulator sit in buffers.
    const profile = ctx.compute.profile;
    const wBytes = ctx.compute.gradBytes;
    const slots = trainer.optimizer().stateSlots;
    const actBytes = activationBytes(profile, ctx.batchSize);
    const learnerBytes = (2 + slots) * wBytes + actBytes + wBytes;
    for (const r of crew.ranks) memory.alloc(r, 3 * wBytes, 'buffers');
    const addLearner = (r: number, j: number, w: ParamSnapshot): Learner => {
      const allocs: Allocation[] = [memory.alloc(r, wBytes, 'buffers')];
      if (j > 0) {
        allocs.push(memory.alloc(r, wBytes, 'weights'), memory.alloc(r, wBytes, 'grads'));
        allocs.push(memory.alloc(r, slots * wBytes, 'optimizer'), memory.alloc(r, actBytes, 'activations'));
      }
      return { w, opt: trainer.optimizer(), data: r * keysPerGpu + j, allocs };
    };
    const learners: Learner[][] = crew.ranks.map(() => []);
    for (let j = 0; j < o.learnersPerGpu; j++)
      for (let i = 0; i < gpus; i++) learners[i]!.push(addLearner(crew.ranks[i]!, j, progress.current));

    let zPrev = progress.current.params;
    let tuning = o.autotune;
    let syncs = 0;
    let windowStartS = crew.nowS;
    let windowSamples = 0;
    let lastThroughput = NaN;
    while (progress.running) {
      const z = progress.current;
      const v = z.version;
      const m = learners[0]!.length;
      const t0 = crew.nowS;

      // Math: every learner's correction (pre-step) and gradient request, before any is read.
      const corr: Vec[][] = learners.map((ls) => ls.map((l) => math.scale(o.alpha, math.sub(l.w.params, z.params))));
      const grads: GradientRef[][] = learners.map((ls) => ls.map((l) => trainer.gradient(l.w, l.data)));

      // Time: the m learners of each GPU share it; the barrier waits for every GPU's last learner.
      const ends: ReturnType<typeof share.run>[] = [];
      const lastEnd = new Float64Array(gpus);
      for (let i = 0; i < gpus; i++) {
        const r = crew.ranks[i]!;
        for (let j = 0; j < m; j++) {
          const ev = share.run(r, crew.stepTime(r, t0));
          ev.onProcessed(() => (lastEnd[i] = crew.nowS));
          ends.push(ev);
        }
      }
      yield* wait(sim.allOf(ends));
      for (let i = 0; i < gpus; i++) crew.book(crew.ranks[i]!, t0, lastEnd[i]! - t0, `${m} learners fwd+bwd`);
      if (gpus > 1)
        yield* crew.allReduce(wBytes, {
          algorithm: o.algorithm,
          label: (out) => `SMA corrections (all-reduce ${out.algorithm})`,
        });

      // Learners step on their own replicas, then take their corrections; z moves by their sum.
      const rows: AppliedRow[] = [];
      for (let i = 0; i < gpus; i++) {
        for (let j = 0; j < m; j++) {
          const l = learners[i]![j]!;
          const stepped = trainer.apply(l.opt, l.w, grads[i]![j]!, v + m);
          l.w = trainer.snapshot(math.sub(stepped.params, corr[i]![j]!), v + m);
          rows.push({
            worker: crew.ranks[i]!,
            versionRead: v + j,
            versionApplied: v + j,
            grad: grads[i]![j]!,
            timeS: lastEnd[i]!,
          });
        }
      }
      const zNew = trainer.snapshot(smaCentral(math, z.params, zPrev, corr, o.momentum), v + m);
      zPrev = z.params;
      for (const row of rows) crew.row(row);
      crew.commit(zNew, m, crew.ranks, m);
      syncs++;
      windowSamples += m * gpus * ctx.batchSize;

      if (tuning && syncs % o.autotuneInterval === 0) {
        const throughput = windowSamples / (crew.nowS - windowStartS);
        windowStartS = crew.nowS;
        windowSamples = 0;
        const improved = Number.isNaN(lastThroughput) || throughput > lastThroughput * (1 + AUTOTUNE_THRESHOLD);
        if (!improved) {
          // The last learner did not pay: remove it (if one was added) and stop tuning.
          if (m > o.learnersPerGpu) for (const ls of learners) for (const a of ls.pop()!.allocs) memory.free(a);
          tuning = false;
        } else {
          lastThroughput = throughput;
          const fits = m < o.maxLearnersPerGpu && crew.ranks.every((r) => memory.fits(r, learnerBytes));
          if (fits) for (let i = 0; i < gpus; i++) learners[i]!.push(addLearner(crew.ranks[i]!, m, zNew));
          else tuning = false;
        }
      }
    }
  },
});
