/** Small hand-built scenarios for schedule tests (no loader involved, so each field is explicit). */
import { z } from 'zod';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import { fromOptionSpec, optionsShape } from '../../src/scenario/kinds.ts';
import type { Scenario, StragglerSpec } from '../../src/scenario/types.ts';
import { getSchedule } from '../../src/schedules/index.ts';
import type { OptionValues } from '../../src/schedules/options.ts';

/**
 * `given` (parsed values) over the schedule's defaults as the loader fills them: a schedule receives
 * every option with a default, so a hand-built scenario must hold them too.
 */
export function withScheduleDefaults(kind: string, given: OptionValues): OptionValues {
  const specs = Object.entries(getSchedule(kind).options).map(([k, o]) => [k, fromOptionSpec(o)] as const);
  const shape = optionsShape(Object.fromEntries(specs), { baseDir: '.', readFile: () => '' });
  const defaults = z.object(shape).parse({}) as Record<string, OptionValues[string]>;
  const out: Record<string, OptionValues[string]> = {};
  for (const [k, v] of Object.entries({ ...defaults, ...given })) if (v !== undefined) out[k] = v;
  return out;
}

/** Options of `tinyScenario`. */
export interface TinyOptions {
  readonly workers?: number;
  readonly schedule?: string;
  readonly scheduleOptions?: Scenario['training']['schedule']['options'];
  readonly mode?: 'full' | 'timing-only';
  readonly batchSize?: number;
  readonly updates?: number;
  readonly stragglers?: readonly StragglerSpec[];
  readonly stepTimeS?: number;
  readonly paramBytes?: number;
  readonly seed?: number;
  readonly optimizer?: string;
  readonly optimizerOptions?: Record<string, number>;
  readonly lr?: number;
  /** Gaussian-mixture samples before the 20% test split. */
  readonly n?: number;
  readonly trace?: boolean;
  /** Replaces the custom step-time timing. */
  readonly timing?: Scenario['workload']['timing'];
  /** Replaces the logistic regression (e.g. an MLP, which a huge learning rate drives to NaN). */
  readonly model?: Scenario['workload']['model'];
}

/**
 * `workers` single-GPU A100 nodes on one switch (100 Gbit/s, 5 µs NICs; GPU↔NIC 300 GB/s, 1 µs, so a
 * node-to-node path has α = intraNode + nic latency = 6 µs, docs/network.md, and B = 12.5 GB/s), a Gaussian-mixture task with
 * 8 features and 3 classes, a logistic regression, custom timing of `stepTimeS` per step.
 */
export function tinyScenario(o: TinyOptions = {}): Scenario {
  const schedule = o.schedule ?? 'sync-allreduce';
  return {
    file: '<test>',
    name: 'tiny',
    point: '',
    seed: o.seed ?? 7,
    mode: o.mode ?? 'full',
    cluster: {
      nodes: [
        {
          count: o.workers ?? 4,
          gpusPerNode: 1,
          gpu: 'A100-80GB',
          intraNode: { bandwidth: bytesPerSecond(300e9), latency: seconds(1e-6) },
          nic: { bandwidth: bytesPerSecond(12.5e9), latency: seconds(5e-6) },
        },
      ],
      // The plain α-β model (no NCCL protocol or launch costs): the schedules' closed forms below stay
      // about the schedule; the protocols have their own tests (test/collectives/protocols.test.ts).
      network: { model: 'analytical', topology: { kind: 'switch', options: {} }, protocol: 'none' },
      stragglers: o.stragglers ?? [],
    },
    workload: {
      model: o.model ?? { kind: 'logistic-regression' },
      dataset: { kind: 'gaussian-mixture', options: { n: o.n ?? 1000, d: 8, numClasses: 3, testFraction: 0.2 } },
      sharding: { kind: 'iid' },
      batchSize: o.batchSize ?? 16,
      timing: o.timing ?? { kind: 'custom', stepTimeS: o.stepTimeS ?? 0.01, paramBytes: o.paramBytes ?? 4e6 },
      precision: 'fp32',
    },
    training: {
      schedule: { kind: schedule, options: withScheduleDefaults(schedule, o.scheduleOptions ?? {}) },
      optimizer: { kind: o.optimizer ?? 'sgd', options: o.optimizerOptions ?? {} },
      lr: { kind: 'constant', options: { lr: o.lr ?? 0.1 } },
      stop: { updates: o.updates ?? 10 },
      eval: { everyUpdates: 5 },
    },
    output: { trace: o.trace ?? false, traceLimit: 1000, updates: true, plots: false },
  };
}

/** The largest element-wise difference of two parameter vectors of the same length. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
