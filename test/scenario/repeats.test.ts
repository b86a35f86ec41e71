import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { readRepeats, repeatLabel, repeatSeedProblem } from '../../src/scenario/repeats.ts';
import { scenarioProblems } from './helpers.ts';

const BASE = `name: r
mode: timing-only
seed: 7
cluster: { nodes: [{ count: 1, gpusPerNode: 2, gpu: A100-80GB }] }
training: { stop: { updates: 1 } }
`;

describe('repeats', () => {
  it('runs K consecutive seeds per configuration, each labelled with its seed and sharing a configuration id', () => {
    const { runs } = parseScenario(
      `${BASE}repeats: 3\nsweep: { training.schedule.kind: [sync-allreduce, async-ps] }\n`,
      'r.yaml',
    );
    expect(runs.map((r) => [r.point, r.seed, r.configId, r.configLabel, r.repeats])).toEqual([
      ['sync-allreduce, seed=7', 7, 0, 'sync-allreduce', 3],
      ['sync-allreduce, seed=8', 8, 0, 'sync-allreduce', 3],
      ['sync-allreduce, seed=9', 9, 0, 'sync-allreduce', 3],
      ['async-ps, seed=7', 7, 1, 'async-ps', 3],
      ['async-ps, seed=8', 8, 1, 'async-ps', 3],
      ['async-ps, seed=9', 9, 1, 'async-ps', 3],
    ]);
  });

  it('labels repeats without a sweep by their seed alone, and leaves runs without repeats as they were', () => {
    const rep = parseScenario(BASE, 'r.yaml', { overrides: ['repeats=2'], seed: 0 }).runs;
    expect(rep.map((r) => [r.point, r.seed])).toEqual([
      ['seed=0', 0],
      ['seed=1', 1],
    ]);
    const one = parseScenario(BASE, 'r.yaml').runs;
    expect(one.map((r) => [r.point, r.seed, r.configId, r.repeats])).toEqual([['', 7, undefined, undefined]]);
    expect(repeatLabel('', 4)).toBe('seed=4');
    expect(repeatLabel('lr=0.1', 4)).toBe('lr=0.1, seed=4');
  });

  it('reports a bad value at its place, with what is allowed', () => {
    expect(scenarioProblems(`${BASE}repeats: 0\n`)).toEqual([
      's.yaml:6:10: repeats: got 0; expected an integer >= 1 and <= 1000',
    ]);
    expect(scenarioProblems(`${BASE}repeats: 2.5\n`)).toEqual([
      's.yaml:6:10: repeats: got 2.5; expected an integer >= 1 and <= 1000',
    ]);
    expect(scenarioProblems(`${BASE}repeats: "3"\n`)[0]).toMatch(
      /^s\.yaml:6:10: repeats: got "3"; expected an integer/,
    );
    expect(scenarioProblems(`${BASE}repeats: 1001\n`)).toEqual([
      's.yaml:6:10: repeats: got 1001; expected an integer >= 1 and <= 1000',
    ]);
    expect(scenarioProblems(BASE, { overrides: ['repeats=-1'] })).toEqual([
      '--set repeats=-1: repeats: got -1; expected an integer >= 1 and <= 1000',
    ]);
    expect(readRepeats({ repeats: 'x' })).toBe(1);
    expect(readRepeats({ repeats: 12 })).toBe(12);
  });

  it('refuses sweeping repeats', () => {
    expect(scenarioProblems(`${BASE}sweep: { repeats: [1, 2] }\n`)).toEqual([
      's.yaml:6:10: sweep.repeats: repeats cannot be swept; set repeats: K at the top level for every point',
    ]);
  });

  it('counts repeats against --max-runs, with and without a sweep', () => {
    expect(scenarioProblems(`${BASE}repeats: 5\n`, { maxRuns: 4 })).toEqual([
      's.yaml:6:1: repeats: repeats: 5 asks for 5 runs; at most 4 runs are allowed',
    ]);
    expect(scenarioProblems(`${BASE}repeats: 400\nsweep: { workload.batchSize: [8, 16, 32] }\n`)).toEqual([
      's.yaml:7:1: sweep: the sweep has 3 points (3) × 400 repeats = 1200 runs; at most 1000 runs are allowed (raise it with --max-runs N)',
    ]);
    expect(
      parseScenario(`${BASE}repeats: 400\nsweep: { workload.batchSize: [8, 16, 32] }\n`, 'r.yaml', { maxRuns: 1200 })
        .runs,
    ).toHaveLength(1200);
  });

  it('refuses seeds that would run past 2^53 - 1', () => {
    expect(repeatSeedProblem(Number.MAX_SAFE_INTEGER - 2, 3)).toBeUndefined();
    expect(scenarioProblems(`${BASE}repeats: 3\n`, { seed: Number.MAX_SAFE_INTEGER - 1 })).toEqual([
      `--seed ${Number.MAX_SAFE_INTEGER - 1}: seed: got ${Number.MAX_SAFE_INTEGER - 1}; with repeats: 3 the seeds run to seed + 2, so expected at most ${Number.MAX_SAFE_INTEGER - 2}`,
    ]);
  });
});
