/**
 * The scale scenario of the schedule family (issue 11): 1,024 GPUs in two generations (64 nodes of 8
 * A100s and 64 of 8 V100s), lognormal stragglers, ResNet-50 timing, timing-only, stopped after 1,000
 * global updates (a step of a synchronous schedule, one applied gradient of an asynchronous one), with
 * each schedule's default options. No update rows and no trace, as at scale by default.
 */
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { withScheduleDefaults } from '../schedules/fixtures.ts';

const nic = { bandwidth: bytesPerSecond(25e9), latency: seconds(5e-6) };

/** 1,024 GPUs, `schedule` with its defaults (over `options`), `updates` global updates. */
export function familyScenario(schedule: string, updates = 1000, options: Record<string, unknown> = {}): Scenario {
  return {
    file: '<bench>',
    name: 'family-1024',
    point: '',
    seed: 1,
    mode: 'timing-only',
    cluster: {
      nodes: [
        { count: 64, gpusPerNode: 8, gpu: 'A100-80GB', nic },
        { count: 64, gpusPerNode: 8, gpu: 'V100-32GB', nic },
      ],
      network: { model: 'analytical', topology: { kind: 'switch', options: {} } },
      stragglers: [{ kind: 'lognormal', options: { sigma: 0.2 } }],
    },
    workload: {
      model: { kind: 'mlp', preset: '2nn' },
      dataset: { kind: 'mnist', options: {} },
      sharding: { kind: 'iid' },
      batchSize: 32,
      timing: { kind: 'profile', name: 'resnet50' },
      precision: 'fp16',
    },
    training: {
      schedule: { kind: schedule, options: withScheduleDefaults(schedule, options as never) },
      optimizer: { kind: 'sgd', options: {} },
      lr: { kind: 'constant', options: { lr: 0.1 } },
      stop: { updates },
      eval: {},
    },
    output: { trace: false, traceLimit: 0, updates: false, plots: false },
  };
}
