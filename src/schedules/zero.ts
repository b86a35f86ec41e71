/**
 * ZeRO data parallelism, stages 1–3, with ZeRO-Offload's optimizer on the host (spec/algorithms.md §23;
 * Rajbhandari, Rasley, Ruwase, He, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
 * Models", SC 2020; Ren et al., "ZeRO-Offload: Democratizing Billion-Scale Model Training", USENIX ATC
 * 2021).
 *
 * Timeline of one step (lib/zero-step.ts): every worker computes forward and backward on version v;
 * stages 1–2 reduce-scatter the gradient (per DDP bucket with `bucketSize`), step the optimizer on each
 * worker's 1/N partition and all-gather the updated parameters (2Ψ on the wire, as one all-reduce);
 * stage 3 also gathers every layer's parameters before its forward and its backward, the next layer's
 * gather overlapping the current layer (3Ψ). With `offload: cpu` the partition's gradients go to host
 * memory, the CPU runs the optimizer and the fp16 partition comes back over each GPU's `hostLink`.
 *
 * Math: synchronous data parallelism — one mean gradient, one optimizer step, every τ = 0 — the same
 * model trajectory as sync-allreduce for the same seed. Memory: the schedule books each GPU's share by
 * ZeRO's formulas (lib/zero-memory-plan.ts) and refuses, before running, a configuration that does not
 * fit, naming the configurations that would. With `offload: nvme` (ZeRO-Infinity, Rajbhandari et al.,
 * SC 2021; stage 3 only) the parameter and optimizer partitions live on each node's `nvme` drives: every
 * gather first fetches the GPUs' partitions of the layer from NVMe through host memory, and the host
 * step reads and writes the optimizer partitions there. Offload's delayed parameter update and
 * Infinity's memory-centric tiling are not built.
 */
import type { ProcessGenerator } from '../core/process.ts';
import { COLLECTIVES } from '../collectives/registry.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import {
  zeroGpuBytes,
  zeroMemoryProblems,
  type ZeroConfig,
  type ZeroMemoryInput,
  type ZeroOffload,
} from './lib/zero-memory-plan.ts';
import type { ClusterNode } from '../hardware/cluster.ts';
import { ZeroStep } from './lib/zero-step.ts';
import { defineSchedule } from './types.ts';

/*
 * Default host memory bandwidth for the CPU optimizer step: 100 GB/s, an estimate of what a
 * two-socket server streams (eight DDR4-3200 channels per socket are 204.8 GB/s of theoretical peak
 * each; STREAM-like kernels reach a fraction of that). Not a measured CPU-Adam figure: set it.
 */

/** Collective algorithms that run both the reduce-scatter and the all-gather ZeRO needs. */
const SHARD_ALGORITHMS: readonly string[] = Object.values(COLLECTIVES)
  .filter((a) => a.ops.includes('reduce-scatter') && a.ops.includes('all-gather'))
  .map((a) => a.name);

/** The message for offload nvme on a cluster whose nodes lack `nvme` drives; empty otherwise. */
function nvmeProblems(offload: ZeroOffload, nodes: readonly ClusterNode[]): string[] {
  if (offload !== 'nvme') return [];
  const groups = [...new Set(nodes.filter((n) => n.nvme === undefined).map((n) => n.group))];
  return groups.length === 0
    ? []
    : [
        `offload nvme needs NVMe drives on every node; node group(s) ${groups.join(', ')} give none ` +
          `(add cluster.nodes[i].nvme: { bandwidth, latency }, e.g. { bandwidth: "25 GB/s", latency: "100 us" })`,
      ];
}

/** The configuration an option set names (`stage` is an integer 1–3 by its descriptor). */
function configOf(o: { readonly stage: number; readonly offload: ZeroOffload }): ZeroConfig {
  return { stage: o.stage as 1 | 2 | 3, offload: o.offload };
}

/** ZeRO stages 1–3 and ZeRO-Offload. */
export const zero = defineSchedule({
  name: 'zero',
  summary:
    'data parallelism with the optimizer state (stage 1), gradients (2) and parameters (3) partitioned over the workers; reduce-scatter + all-gather, optional optimizer offload to the host CPU',
  reference:
    'Rajbhandari et al., "ZeRO", SC 2020 (spec §23); Ren et al., "ZeRO-Offload", USENIX ATC 2021; DDP bucketing after Li et al., VLDB 2020',
  semantics: 'synchronous',
  ownsMemory: true,
  options: {
    stage: {
      type: 'number',
      integer: true,
      min: 1,
      max: 3,
      default: 1,
      description:
        'what is partitioned: 1 optimizer state, 2 + gradients, 3 + parameters (gathered per layer, 1.5× the communication); ' +
        'default 1, the stage with no extra communication over plain data parallelism',
    },
    offload: {
      type: 'enum',
      values: ['none', 'cpu', 'nvme'],
      default: 'none',
      description:
        'cpu: ZeRO-Offload, optimizer state, fp32 master and gradients in host memory, the optimizer step on the CPU, ' +
        'partitions copied over each GPU hostLink; nvme: ZeRO-Infinity (stage 3), parameter and optimizer ' +
        'partitions on each node nvme drives, gradients in host memory',
    },
    algorithm: {
      type: 'enum',
      values: SHARD_ALGORITHMS,
      default: 'ring',
      description: 'algorithm of the reduce-scatters and all-gathers',
    },
    bucketSize: {
      type: 'quantity',
      dimension: 'size',
      greaterThan: 0,
      description:
        'gradient buckets of about this size, reduce-scattered while the backward pass goes on; absent: one ' +
        'reduce-scatter after the backward (stages 1-2) or one per layer (stage 3)',
    },
    hostMemoryBandwidth: {
      type: 'quantity',
      dimension: 'bandwidth',
      greaterThan: 0,
      default: '100 GB/s',
      description:
        'host memory bandwidth the CPU optimizer step streams at (offload cpu or nvme; default 100 GB/s, an estimate)',
    },
  },
  check(o, shape) {
    const out: string[] = [];
    if (o.offload === 'nvme' && o.stage !== 3)
      out.push(
        `offload nvme is ZeRO-Infinity, which partitions the parameters too: it needs stage 3, got stage ${o.stage}`,
      );
    // The one group-size rule among SHARD_ALGORITHMS (halving-doubling.ts validates the same at run time).
    const n = shape.workers;
    if (o.algorithm === 'halving-doubling' && (n & (n - 1)) !== 0)
      out.push(`algorithm halving-doubling needs a power-of-two number of workers, got ${n}; use ring`);
    return out;
  },
  memoryCheck(o, env) {
    const drives = nvmeProblems(o.offload, env.nodes);
    if (drives.length > 0 || env.allowOversubscribe) return drives;
    const input: ZeroMemoryInput = {
      profile: env.compute.profile,
      batchSize: env.batchSize,
      dp: env.devices.length,
      optimizerSlots: env.optimizerSlots,
    };
    const gpus = env.devices.map((d) => ({ rank: d.rank, name: d.spec.name, capacity: d.spec.memoryBytes as number }));
    return zeroMemoryProblems(configOf(o), input, gpus);
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const cfg = configOf(o);
    const input: ZeroMemoryInput = {
      profile: ctx.compute.profile,
      batchSize: ctx.batchSize,
      dp: ctx.workers,
      optimizerSlots: ctx.optimizerSlots,
    };
    const { memory } = ctx;
    const drives = nvmeProblems(cfg.offload, ctx.nodes);
    if (drives.length > 0) throw new Error(drives.join('; '));
    if (!memory.allowOversubscribe) {
      const gpus = ctx.devices.map((d) => ({ rank: d.rank, name: d.spec.name, capacity: memory.capacity(d.rank) }));
      const problems = zeroMemoryProblems(cfg, input, gpus);
      if (problems.length > 0) throw new Error(problems.join('; '));
    }
    const need = zeroGpuBytes(cfg, input);
    for (let r = 0; r < ctx.workers; r++)
      for (const tag of ['weights', 'grads', 'optimizer', 'activations', 'buffers'] as const)
        if (need[tag] > 0) memory.alloc(r, need[tag], tag);
    const crew = new Crew(ctx);
    if (cfg.offload !== 'none') {
      // Host memory and NVMe are not modelled capacities: report what the busiest node holds.
      let gpus = 0;
      for (const n of ctx.nodes) gpus = Math.max(gpus, n.gpus);
      crew.metric('host_memory_per_node_bytes', gpus * need.host);
      if (cfg.offload === 'nvme') crew.metric('nvme_per_node_bytes', gpus * need.nvme);
    }
    const step = new ZeroStep(ctx, crew, ctx.trainer.optimizer(), {
      stage: cfg.stage,
      offload: cfg.offload,
      algorithm: o.algorithm,
      hostMemoryBandwidth: o.hostMemoryBandwidth,
      ...(o.bucketSize !== undefined ? { bucketBytes: o.bucketSize } : {}),
    });
    while (ctx.progress.running) yield* step.step();
  },
});
