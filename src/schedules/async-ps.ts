/**
 * Asynchronous parameter-server SGD (spec/algorithms.md §3, §4, §6). TODO(issue 5): implementation.
 */
import type { ScheduleDefinition } from './types.ts';

/** Asynchronous parameter server. */
export const asyncPs: ScheduleDefinition = {
  name: 'async-ps',
  summary: 'workers pull, compute and push with no barrier; the server applies each gradient on arrival; staleness recorded per update',
  reference: 'Dean et al., "Large Scale Distributed Deep Networks" (Downpour), NIPS 2012; SSP: Ho et al., NIPS 2013; lr/τ: Zhang et al., IJCAI 2016',
  options: {
    shards: { type: 'number', integer: true, min: 1, default: 1, description: 'parameter-server shards k, each holding 1/k of the parameters, co-located on ranks 0..k-1' },
    maxStaleness: {
      type: 'number',
      integer: true,
      min: 0,
      description: 'SSP bound s: a worker may start clock c only when the slowest worker has finished c−s; absent: fully asynchronous',
    },
    lrScaling: { type: 'enum', values: ['none', 'staleness'], default: 'none', description: "'staleness': each gradient's learning rate is lr / max(1, τ)" },
    stagger: { type: 'boolean', default: true, description: 'start each worker at a seeded random offset within its first step, as real asynchronous workers drift apart' },
  },
  start() {
    throw new Error('async-ps is not built yet');
  },
};
