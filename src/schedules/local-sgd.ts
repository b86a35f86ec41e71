/**
 * Local SGD (spec/algorithms.md §8). TODO(issue 5): implementation.
 */
import type { ScheduleDefinition } from './types.ts';

/** Local SGD with periodic model averaging. */
export const localSgd: ScheduleDefinition = {
  name: 'local-sgd',
  summary: 'each worker takes H local steps on its own replica, then the replicas are averaged by an all-reduce',
  reference: 'Lin, Stich, Patel, Jaggi, "Don\'t Use Large Mini-Batches, Use Local SGD", ICLR 2020',
  options: {
    localSteps: { type: 'number', integer: true, min: 1, default: 4, description: 'H: local steps between averages (H = 1 with plain SGD is sync-allreduce)' },
    algorithm: { type: 'collective', op: 'all-reduce', default: 'ring', description: 'all-reduce algorithm for the averaging' },
  },
  start() {
    throw new Error('local-sgd is not built yet');
  },
};
