/** The 4,096-GPU timing-only scenario shared by the run benchmark and scripts. */
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import type { Scenario } from '../../src/scenario/types.ts';

/** The 4,096-GPU scenario (512 nodes × 8 A100, 25 GB/s NICs, ResNet-50 timing), timing-only, no per-update rows and no trace. */
export function scaleScenario(steps: number, schedule = 'sync-allreduce', bucketSize?: number): Scenario {
  return {
    file: '<bench>',
    name: 'scale-4096',
    point: '',
    seed: 1,
    mode: 'timing-only',
    cluster: {
      nodes: [
        {
          count: 512,
          gpusPerNode: 8,
          gpu: 'A100-80GB',
          nic: { bandwidth: bytesPerSecond(25e9), latency: seconds(5e-6) },
        },
      ],
      network: { model: 'analytical', topology: { kind: 'switch', options: {} } },
      stragglers: [{ kind: 'lognormal', options: { sigma: 0.05 } }],
    },
    workload: {
      model: { kind: 'mlp', preset: '2nn' },
      dataset: { kind: 'mnist', options: {} },
      sharding: { kind: 'iid' },
      batchSize: 32,
      timing: { kind: 'profile', name: 'resnet50' },
      precision: 'bf16',
    },
    training: {
      schedule: { kind: schedule, options: bucketSize === undefined ? {} : { bucketSize } },
      optimizer: { kind: 'sgd', options: {} },
      lr: { kind: 'constant', options: { lr: 0.1 } },
      stop: { updates: steps },
      eval: {},
    },
    output: { trace: false, traceLimit: 0, updates: false, plots: false },
  };
}
