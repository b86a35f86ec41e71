/**
 * Synchronous data-parallel SGD with AllReduce (BSP; spec/algorithms.md §2; PyTorch DDP, Li et al.,
 * VLDB 2020). TODO(issue 5): timeline and implementation land in the next commit.
 */
import type { ScheduleDefinition } from './types.ts';

/** Synchronous AllReduce. */
export const syncAllreduce: ScheduleDefinition = {
  name: 'sync-allreduce',
  summary: 'every worker computes a gradient on the same weights; the mean is taken by an all-reduce; stragglers set the pace',
  reference: 'BSP data parallelism; DDP bucketing after Li et al., "PyTorch Distributed", VLDB 2020',
  options: {
    algorithm: { type: 'collective', op: 'all-reduce', default: 'ring', description: 'all-reduce algorithm' },
    bucketSize: {
      type: 'quantity',
      dimension: 'size',
      description: 'DDP-style gradient buckets of about this size, all-reduced while the backward pass goes on (PyTorch default 25 MB); absent: one all-reduce after the backward pass',
    },
  },
  start() {
    throw new Error('sync-allreduce is not built yet');
  },
};
