/**
 * End-to-end run speed (issue 5): timing-only sync-allreduce on 4,096 GPUs (512 DGX-style nodes of 8
 * A100s) for 1,000 steps of ResNet-50 timing, on the analytical network. Target: under 5 s here.
 * Per step the schedule draws 4,096 straggler factors, takes the slowest compute, and runs one
 * closed-form all-reduce (one event), so the cost is O(N) arithmetic per step, not O(N) events.
 */
import { bench, describe } from 'vitest';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { scaleScenario } from './scale-scenario.ts';

describe('dtsim run, timing-only', () => {
  bench(
    'sync-allreduce, 4,096 GPUs × 1,000 steps',
    () => {
      runScenario(scaleScenario(1000), 0);
    },
    { iterations: 3, warmupIterations: 1 },
  );
  bench(
    'sync-allreduce with 25 MB buckets, 4,096 GPUs × 1,000 steps',
    () => {
      runScenario(scaleScenario(1000, 'sync-allreduce', 25e6), 0);
    },
    { iterations: 3, warmupIterations: 1 },
  );
  bench(
    'local-sgd H=4, 4,096 GPUs × 1,000 steps',
    () => {
      runScenario(scaleScenario(1000, 'local-sgd'), 0);
    },
    { iterations: 3, warmupIterations: 1 },
  );
});
