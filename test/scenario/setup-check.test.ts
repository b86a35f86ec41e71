/**
 * Each check that validation now makes on behalf of the run's set-up, shown twice: the scenario is
 * rejected by `parseScenario` with its file position and path, and the same setting, forced past
 * validation into a normalized scenario, really makes `runScenario` throw (or, for the batch, is
 * accepted silently). So every check here corresponds to a real failure of a run, with the same words.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError, formatIssue } from '../../src/scenario/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';

// 3 nodes × 4 GPUs = 12 workers: not a power of two, which some collectives need.
const BASE = `name: s
mode: timing-only
cluster: { nodes: [{ count: 3, gpusPerNode: 4, gpu: A100-80GB }] }
training: { stop: { updates: 1 } }
output: { trace: false, updates: false }
`;

function problems(text: string, overrides: string[]): string[] {
  try {
    parseScenario(text, 's.yaml', { overrides });
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

/** A valid scenario, then changed behind validation's back. */
function forced(overrides: string[], change: (s: Scenario) => Scenario): Scenario {
  return change(parseScenario(BASE, 's.yaml', { overrides }).runs[0]!);
}

const withCluster = (s: Scenario, c: Partial<Scenario['cluster']>): Scenario => ({
  ...s,
  cluster: { ...s.cluster, ...c },
});
const withWorkload = (s: Scenario, w: Partial<Scenario['workload']>): Scenario => ({
  ...s,
  workload: { ...s.workload, ...w },
});
const withSchedule = (s: Scenario, kind: string, options: Scenario['training']['schedule']['options']): Scenario => ({
  ...s,
  training: { ...s.training, schedule: { kind, options } },
});

interface Case {
  readonly name: string;
  /** Overrides that validation must reject, and what it must say. */
  readonly set: string[];
  readonly rejected: RegExp;
  /** Overrides of a valid scenario, and the change that forces the same setting past validation. */
  readonly valid?: string[];
  readonly force: (s: Scenario) => Scenario;
  readonly runError: RegExp;
}

const CASES: Case[] = [
  {
    name: 'a lognormal straggler with both mu and meanOne',
    set: ['cluster.stragglers=[{kind: lognormal, sigma: 0.1, mu: 0, meanOne: true}]'],
    rejected:
      /^--set cluster\.stragglers=.*: cluster\.stragglers\[0\]: lognormal: give either mu or meanOne, not both$/,
    force: (s) =>
      withCluster(s, { stragglers: [{ kind: 'lognormal', options: { sigma: 0.1, mu: 0, meanOne: true } }] }),
    runError: /lognormal: give either mu or meanOne, not both/,
  },
  {
    name: 'a periodic straggler whose window outlasts its period',
    set: ['cluster.stragglers=[{kind: periodic, period: "1 s", duration: "2 s", factor: 2}]'],
    rejected: /cluster\.stragglers\[0\]: periodic\.durationS must be <= periodS \(1\), got 2$/,
    force: (s) =>
      withCluster(s, { stragglers: [{ kind: 'periodic', options: { period: 1, duration: 2, factor: 2, phase: 0 } }] }),
    runError: /periodic\.durationS must be <= periodS/,
  },
  {
    name: 'more parameter-server shards than workers',
    set: ['training.schedule={kind: async-ps, shards: 13}'],
    rejected: /training\.schedule\.shards: shards must be an integer in \[1, 12\].*got 13$/,
    valid: ['training.schedule={kind: async-ps, shards: 12}'],
    force: (s) => withSchedule(s, 'async-ps', { ...s.training.schedule.options, shards: 13 }),
    runError: /async-ps: shards must be an integer in \[1, 12\]/,
  },
  {
    name: 'halving-doubling on 12 workers',
    set: ['training.schedule={kind: sync-allreduce, algorithm: halving-doubling}'],
    rejected: /training\.schedule\.algorithm: halving-doubling needs a power-of-two group, got 12 ranks/,
    force: (s) => withSchedule(s, 'sync-allreduce', { algorithm: 'halving-doubling' }),
    runError: /halving-doubling needs a power-of-two group, got 12 ranks/,
  },
  {
    name: 'hierarchical all-reduce over nodes of different sizes (local-sgd)',
    set: [
      'cluster.nodes=[{count: 1, gpusPerNode: 8, gpu: A100-80GB}, {count: 1, gpusPerNode: 4, gpu: A100-80GB}]',
      'training.schedule={kind: local-sgd, algorithm: hierarchical}',
    ],
    rejected:
      /training\.schedule\.algorithm: hierarchical all-reduce needs the same number of group members on every node, got 8, 4/,
    valid: [
      'cluster.nodes=[{count: 1, gpusPerNode: 8, gpu: A100-80GB}, {count: 1, gpusPerNode: 4, gpu: A100-80GB}]',
      'training.schedule={kind: local-sgd}',
    ],
    force: (s) => withSchedule(s, 'local-sgd', { localSteps: 1, algorithm: 'hierarchical' }),
    runError: /hierarchical all-reduce needs the same number of group members on every node/,
  },
  {
    name: 'a CNN on a tabular dataset (timed by the model)',
    set: ['workload.model={kind: cnn}', 'workload.dataset={kind: gaussian-mixture}'],
    rejected: /workload\.model: a cnn of 28×28×1 inputs cannot read gaussian-mixture\/train's 20 features/,
    valid: ['workload.dataset={kind: gaussian-mixture}'],
    force: (s) => withWorkload(s, { model: { kind: 'cnn' } }),
    runError: /a cnn of 28×28×1 inputs cannot read gaussian-mixture\/train's 20 features/,
  },
  {
    name: 'a regression dataset where the run loads data',
    set: ['workload.dataset={kind: linear-regression}'],
    rejected: /workload\.dataset\.kind: dataset "linear-regression" is a regression set/,
    force: (s) => withWorkload(s, { dataset: { kind: 'linear-regression', options: {} } }),
    runError: /needs a classification dataset, got regression/,
  },
  {
    name: 'custom timing with parameter bytes that are not whole bf16 values',
    set: ['workload.timing={kind: custom, paramBytes: "3 B", stepTime: "1 s"}'],
    rejected: /workload\.timing: custom profile: paramBytes 3 is not a whole number of 2-byte values/,
    valid: ['workload.timing={kind: custom, paramBytes: "4 B", stepTime: "1 s"}'],
    force: (s) => ({ ...s, workload: { ...s.workload, timing: { kind: 'custom', paramBytes: 3, stepTimeS: 1 } } }),
    runError: /paramBytes 3 is not a whole number of 2-byte values/,
  },
  {
    name: 'an empty test split in full mode',
    set: ['mode=full', 'workload.dataset={kind: gaussian-mixture, n: 400, testFraction: 0}'],
    rejected: /workload\.dataset: the test split of gaussian-mixture is empty/,
    valid: ['mode=full', 'workload.dataset={kind: gaussian-mixture, n: 400}', 'workload.batchSize=1'],
    force: (s) => withWorkload(s, { dataset: { kind: 'gaussian-mixture', options: { n: 400, testFraction: 0 } } }),
    runError: /evaluation set needs n > 0 samples/,
  },
  {
    name: 'fewer training samples than workers in full mode',
    set: ['mode=full', 'workload.dataset={kind: gaussian-mixture, n: 20, testFraction: 0.5}', 'workload.batchSize=1'],
    rejected:
      /workload\.dataset: gaussian-mixture\/train has 8 samples for 12 workers; every worker needs at least one/,
    valid: ['mode=full', 'workload.dataset={kind: gaussian-mixture, n: 400}', 'workload.batchSize=1'],
    force: (s) => withWorkload(s, { dataset: { kind: 'gaussian-mixture', options: { n: 20, testFraction: 0.5 } } }),
    runError: /BatchSampler needs a non-empty shard/,
  },
  {
    name: 'more label shards than samples',
    set: [
      'mode=full',
      'workload.dataset={kind: gaussian-mixture, n: 400}',
      'workload.sharding={kind: classes, shardsPerWorker: 100}',
      'workload.batchSize=1',
    ],
    rejected:
      /workload\.sharding\.shardsPerWorker: 12 workers × 100 shards per worker need 1200 shards; gaussian-mixture\/train has 340 samples/,
    valid: [
      'mode=full',
      'workload.dataset={kind: gaussian-mixture, n: 400}',
      'workload.sharding={kind: classes}',
      'workload.batchSize=1',
    ],
    force: (s) => withWorkload(s, { sharding: { kind: 'classes', shardsPerWorker: 100 } }),
    runError: /340 samples cannot fill 1200 shards/,
  },
  {
    name: 'a dirichlet minimum the split cannot give',
    set: ['mode=full', 'workload.sharding={kind: dirichlet, alpha: 0.5, minPerWorker: 800}'],
    rejected: /workload\.sharding: cannot give 12 workers 800 samples each from 8499 samples/,
    valid: ['mode=full', 'workload.sharding={kind: dirichlet, alpha: 0.5}'],
    force: (s) => withWorkload(s, { sharding: { kind: 'dirichlet', alpha: 0.5, minPerWorker: 800 } }),
    runError: /cannot give 12 workers 800 samples each from 8499 samples/,
  },
  {
    name: 'a dirichlet split that leaves a worker without samples (replayed with the run’s seed)',
    set: ['mode=full', 'workload.sharding={kind: dirichlet, alpha: 0.01, minPerWorker: 0}', 'workload.batchSize=1'],
    rejected: /workload\.sharding\.minPerWorker: with seed 1 worker \d+ gets no samples/,
    valid: ['mode=full', 'workload.sharding={kind: dirichlet, alpha: 0.01}', 'workload.batchSize=1'],
    force: (s) => withWorkload(s, { sharding: { kind: 'dirichlet', alpha: 0.01, minPerWorker: 0 } }),
    runError: /BatchSampler needs a non-empty shard/,
  },
  {
    name: 'a dirichlet split that no draw can satisfy',
    set: [
      'mode=full',
      'workload.sharding={kind: dirichlet, alpha: 0.01, minPerWorker: 300, maxTries: 3}',
      'workload.batchSize=1',
    ],
    rejected:
      /workload\.sharding: dirichlet sharding \(alpha 0\.01, 12 workers\) left a worker below 300 samples in 3 draws/,
    valid: ['mode=full', 'workload.sharding={kind: dirichlet, alpha: 0.5, maxTries: 3}', 'workload.batchSize=1'],
    force: (s) => withWorkload(s, { sharding: { kind: 'dirichlet', alpha: 0.01, minPerWorker: 300, maxTries: 3 } }),
    runError: /left a worker below 300 samples in 3 draws/,
  },
];

describe('validation makes the checks of the run’s set-up', () => {
  for (const c of CASES) {
    it(`rejects ${c.name}, with its path; forced past validation, the run throws the same`, () => {
      const out = problems(BASE, c.set);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(c.rejected);
      const s = forced(c.valid ?? [], c.force);
      expect(() => runScenario(s, 0)).toThrow(c.runError);
    });
  }

  it('rejects a batch larger than the shard, which the run would silently accept by repeating samples', () => {
    expect(problems(BASE, ['mode=full', 'workload.batchSize=709'])).toEqual([
      expect.stringMatching(
        /workload\.batchSize: got 709; a batch must fit a worker's shard: mnist\/train has 8499 samples for 12 workers, 708 each/,
      ),
    ]);
  });

  it('reports set-up problems of separate sections at once (checks across sections wait until each section is valid)', () => {
    const out = problems(BASE, [
      'cluster.stragglers=[{kind: lognormal, sigma: 0.1, mu: 0, meanOne: true}]',
      'training.schedule={kind: async-ps, shards: 13}',
    ]);
    expect(out).toHaveLength(2);
  });
});
