/**
 * The property behind `dtsim validate`: if a scenario validates, its runs start. For every shipped
 * scenario and seeded variants of it (schedules with their all-reduce algorithms and shard counts,
 * cluster shapes, stragglers, datasets, models, sharding, timing, batch sizes, both modes), either
 * validation rejects the variant with a ScenarioError, or each of its runs gets through set-up and one
 * update without throwing. The runs are real (`runScenario`, one update, no trace), in full mode too.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { LoadedScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';

const DIR = resolve(import.meta.dirname, '../../scenarios');
const FILES = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

// One update, nothing recorded: the property is about set-up, and these keep each run short.
const SHORT = [
  'training.stop={updates: 1}',
  'training.eval={everyUpdates: 1, samples: 64}',
  'output={trace: false, updates: false}',
];

const choice = <T>(...xs: T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
/** Usually the scenario's own setting (`[]`), else one of `xs`: most variants then change a few things. */
const some = (...xs: string[][]): fc.Arbitrary<string[]> =>
  fc.oneof({ arbitrary: fc.constant<string[]>([]), weight: 5 }, { arbitrary: fc.constantFrom(...xs), weight: 2 });

/** Optional groups of overrides; `[]` leaves the scenario's own setting. */
const VARIANT = fc.record({
  schedule: some(
    ['training.schedule={kind: sync-allreduce, algorithm: halving-doubling}'],
    ['training.schedule={kind: sync-allreduce, algorithm: hierarchical, bucketSize: "1 MB"}'],
    ['training.schedule={kind: sync-allreduce, algorithm: double-binary-tree}'],
    ['training.schedule={kind: sync-allreduce, bucketSize: "0 B"}'],
    ['training.schedule={kind: local-sgd, localSteps: 2, algorithm: binomial-tree}'],
    ['training.schedule={kind: local-sgd, algorithm: parameter-server}'],
    ['training.schedule={kind: async-ps, shards: 3}'],
    ['training.schedule={kind: async-ps, shards: 100}'],
    ['training.schedule={kind: async-ps, maxStaleness: 0}'],
    ['training.schedule={kind: async-ps, clockBound: 0}'],
    ['training.schedule={kind: ssp, staleness: 2, visibility: lazy}'],
  ),
  cluster: some(
    ['cluster.nodes=[{count: 3, gpusPerNode: 4, gpu: A100-80GB}]'],
    ['cluster.nodes=[{count: 1, gpusPerNode: 8, gpu: H100-SXM}, {count: 1, gpusPerNode: 4, gpu: H100-SXM}]'],
    ['cluster.nodes=[{count: 2, gpusPerNode: 2, gpu: V100-32GB}]'],
    [
      'cluster.nodes=[{count: 16, gpusPerNode: 1, gpu: A100-40GB}]',
      'cluster.network={model: flow, topology: {kind: leaf-spine, nodesPerLeaf: 4, spines: 2}}',
    ],
    ['cluster.network={topology: {kind: ring}}'],
  ),
  stragglers: some(
    ['cluster.stragglers=[{kind: lognormal, sigma: 0.2, mu: 0.1, meanOne: true}]'],
    ['cluster.stragglers=[{kind: lognormal, sigma: 0.2, meanOne: true}, {kind: constant, factor: 2, workers: [1]}]'],
    ['cluster.stragglers=[{kind: periodic, period: "1 s", duration: "3 s", factor: 2}]'],
    ['cluster.stragglers=[{kind: spike, probability: 0.5, factor: 3, duration: "10 ms"}]'],
    ['cluster.stragglers=[{kind: constant, factor: 2, workers: [63]}]'],
  ),
  data: some(
    ['workload.dataset={kind: gaussian-mixture, n: 600}'],
    ['workload.dataset={kind: gaussian-mixture, n: 30, testFraction: 0.5}'],
    ['workload.dataset={kind: mnist, testFraction: 0}'],
    ['workload.dataset={kind: linear-regression, n: 500}'],
    ['workload.model={kind: cnn, filters: [2, 2]}'],
    ['workload.model={kind: logistic-regression}'],
    ['workload.sharding={kind: dirichlet, alpha: 0.05, minPerWorker: 0}'],
    ['workload.sharding={kind: dirichlet, alpha: 0.5, minPerWorker: 40, maxTries: 2}'],
    ['workload.sharding={kind: classes, shardsPerWorker: 3}'],
    ['workload.sharding={kind: classes, shardsPerWorker: 400}'],
  ),
  timing: some(
    ['workload.timing={kind: model}'],
    ['workload.timing={kind: profile, name: resnet50}'],
    ['workload.timing={kind: profile, name: gpt2-xl, sequenceLength: 2048}'],
    ['workload.timing={kind: custom, paramBytes: "1001 B", stepTime: "10 ms"}', 'workload.precision=fp16'],
    ['workload.timing={kind: custom, paramBytes: "1 MB", forwardFlopsPerSample: "1 GFLOP"}'],
  ),
  batch: some(
    ['workload.batchSize=1'],
    ['workload.batchSize=64'],
    ['workload.batchSize=1000'],
    ['workload.batchSize=100000'],
  ),
  // Full mode on a small cluster: a full-mode step of 64 workers takes seconds on the CPU backend.
  mode: some(['mode=timing-only'], ['mode=full', 'cluster.nodes=[{count: 2, gpusPerNode: 2, gpu: A100-80GB}]']),
});

/** Validates, or returns undefined for a ScenarioError (anything else fails the property). */
function validate(file: string, overrides: string[]): LoadedScenario | undefined {
  try {
    return loadScenario(file, { overrides: [...overrides, ...SHORT] });
  } catch (err) {
    if (err instanceof ScenarioError) return undefined;
    throw err;
  }
}

describe('a scenario that validates starts its runs', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  }, 60_000);

  it.each(FILES)('%s: its runs start and take an update', (f) => {
    const loaded = validate(join(DIR, f), []);
    expect(loaded).toBeDefined();
    for (const [i, run] of loaded!.runs.slice(0, 2).entries())
      expect(runScenario(run, i).updates).toBeGreaterThanOrEqual(1);
  });

  it('holds for seeded variants of every shipped scenario', () => {
    let valid = 0;
    let rejected = 0;
    fc.assert(
      fc.property(choice(...FILES), VARIANT, (f, v) => {
        const overrides = [...v.schedule, ...v.cluster, ...v.stragglers, ...v.data, ...v.timing, ...v.batch, ...v.mode];
        const loaded = validate(join(DIR, f), overrides);
        if (loaded === undefined) {
          rejected++;
          return;
        }
        valid++;
        // The first point of a sweep: points differ in schedule, which the variants cover.
        runScenario(loaded.runs[0]!, 0);
      }),
      { seed: 42, numRuns: 40 },
    );
    // Both sides of the property were exercised.
    expect(valid).toBeGreaterThan(5);
    expect(rejected).toBeGreaterThan(5);
  }, 120_000);
});
