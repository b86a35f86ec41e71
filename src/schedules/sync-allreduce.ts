/**
 * Synchronous data-parallel SGD with AllReduce (BSP; spec/algorithms.md §2).
 *
 * Timeline of one step (lib/sync-step.ts):
 *   every worker reads version v ─ forward+backward (its GPU's roofline × its straggler draw)
 *   ─ the slowest finishes ─ all-reduce of the gradient ─ every replica applies the mean ─ v + 1.
 * With `bucketSize`, DDP buckets are all-reduced while the backward pass goes on: bucket k starts once
 * every worker has produced it and bucket k − 1's all-reduce has finished (Li et al., "PyTorch
 * Distributed: Experiences on Accelerating Data Parallel Training", VLDB 2020).
 *
 * With `compressor`, every worker's gradient is compressed (error feedback per worker) and the
 * compressor's collectives replace the all-reduce (lib/gradient-compression.ts, spec §20–21).
 *
 * Every gradient is read and applied at version v: every staleness is 0.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import { compressionFor, COMPRESSOR_OPTION } from './lib/gradient-compression.ts';
import { SyncStep } from './lib/sync-step.ts';
import { defineSchedule } from './types.ts';

/** Synchronous AllReduce. */
export const syncAllreduce = defineSchedule({
  name: 'sync-allreduce',
  summary:
    'every worker computes a gradient on the same weights; the mean is taken by an all-reduce; stragglers set the pace',
  reference: 'BSP data parallelism (spec §2); DDP bucketing after Li et al., "PyTorch Distributed", VLDB 2020',
  semantics: 'synchronous',
  options: {
    algorithm: { type: 'collective', op: 'all-reduce', default: 'ring', description: 'all-reduce algorithm' },
    bucketSize: {
      type: 'quantity',
      dimension: 'size',
      greaterThan: 0,
      description:
        'DDP-style gradient buckets of about this size, all-reduced while the backward pass goes on ' +
        '(PyTorch default 25 MB); absent: one all-reduce after the backward pass',
    },
    compressor: COMPRESSOR_OPTION,
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const crew = new Crew(ctx);
    const compression = compressionFor(ctx, crew, o.compressor);
    const sync = {
      kind: 'all-reduce',
      algorithm: o.algorithm,
      ...(o.bucketSize !== undefined ? { bucketBytes: o.bucketSize } : {}),
      ...(compression === undefined ? {} : { compression }),
    } as const;
    const step = new SyncStep(ctx, crew, ctx.trainer.optimizer(), sync);
    while (ctx.progress.running) yield* step.step();
  },
});
