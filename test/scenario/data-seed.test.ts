/**
 * `workload.dataset.seed`: the data (split, synthetic samples, evaluation subset) comes from its own
 * seed, so runs with different run seeds train and are tested on the same data.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { loadDataset } from '../../src/scenario/run-trainer.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { tinyScenario } from '../schedules/fixtures.ts';
import { scenarioProblems } from './helpers.ts';

const withData = (s: Scenario, seed?: number): Scenario => ({
  ...s,
  workload: { ...s.workload, dataset: { ...s.workload.dataset, ...(seed === undefined ? {} : { seed }) } },
});

describe('workload.dataset.seed', () => {
  it('gives the same split and samples for every run seed, and another split for another data seed', () => {
    const a = loadDataset(tinyScenario({ seed: 1 }));
    const b = loadDataset(tinyScenario({ seed: 2 }));
    expect(b.train.x).toEqual(a.train.x);
    expect(b.test.x).toEqual(a.test.x);
    expect(loadDataset(withData(tinyScenario({ seed: 1 }), 1)).train.x).toEqual(a.train.x);
    expect(loadDataset(withData(tinyScenario({ seed: 1 }), 5)).train.x).not.toEqual(a.train.x);
  });

  it('is an integer >= 0, absent from the normalized scenario unless given', () => {
    const base = 'name: s\ncluster: { nodes: [{ gpu: A100-80GB }] }\n';
    expect(parseScenario(base, 's.yaml').runs[0]!.workload.dataset).toEqual({
      kind: 'mnist',
      options: { testFraction: 0.15 },
    });
    expect(
      parseScenario(`${base}workload: { dataset: { kind: mnist, seed: 3 } }\n`, 's.yaml').runs[0]!.workload.dataset,
    ).toEqual({ kind: 'mnist', options: { testFraction: 0.15 }, seed: 3 });
    expect(scenarioProblems(`${base}workload: { dataset: { kind: mnist, seed: -1 } }\n`)).toEqual([
      's.yaml:3:43: workload.dataset.seed: got -1; expected an integer >= 0 and <= 9007199254740991',
    ]);
  });
});
