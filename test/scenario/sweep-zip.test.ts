import { describe, expect, it } from 'vitest';
import { runKey } from '../../src/results/run-key.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { scenarioProblems } from './helpers.ts';

const BASE = `name: z
mode: timing-only
seed: 7
cluster: { nodes: [{ count: 1, gpusPerNode: 2, gpu: A100-80GB }] }
training: { stop: { updates: 1 } }
`;

describe('sweep zip', () => {
  it('pairs item i of every zipped list: one point per index', () => {
    const { runs } = parseScenario(
      `${BASE}sweep:\n  zip:\n    workload.batchSize: [8, 16, 32]\n    training.stop.updates: [1, 2, 3]\n`,
      'z.yaml',
    );
    expect(runs.map((r) => [r.workload.batchSize, r.training.stop.updates])).toEqual([
      [8, 1],
      [16, 2],
      [32, 3],
    ]);
  });

  it('is one dimension of the grid, at the place of its key, and counts against --max-runs as such', () => {
    const text = `${BASE}sweep:\n  seed: [1, 2]\n  zip: { workload.batchSize: [8, 16], training.stop.updates: [1, 2] }\n`;
    const { runs } = parseScenario(text, 'z.yaml');
    expect(runs.map((r) => [r.seed, r.workload.batchSize, r.training.stop.updates])).toEqual([
      [1, 8, 1],
      [1, 16, 2],
      [2, 8, 1],
      [2, 16, 2],
    ]);
    expect(new Set(runs.map((r) => r.point)).size).toBe(4);
    expect(scenarioProblems(text, { maxRuns: 3 })).toEqual([
      expect.stringContaining('the sweep has 4 points (2 × 2); at most 3 runs are allowed'),
    ]);
  });

  it('allows equal items within one zipped list, but not two equal pairs', () => {
    const ok = `${BASE}sweep: { zip: { workload.batchSize: [8, 8], training.stop.updates: [1, 2] } }\n`;
    expect(parseScenario(ok, 'z.yaml').runs).toHaveLength(2);
    const twice = `${BASE}sweep: { zip: { workload.batchSize: [8, 8], training.stop.updates: [1, 1] } }\n`;
    expect(scenarioProblems(twice)).toEqual([expect.stringContaining('item 1 of the zipped lists repeats item 0')]);
  });

  it('reports lists of different lengths, and a zip that is not a mapping of lists', () => {
    expect(
      scenarioProblems(`${BASE}sweep: { zip: { workload.batchSize: [8, 16, 32], training.stop.updates: [1, 2] } }\n`),
    ).toEqual([
      expect.stringMatching(
        /sweep\.zip: the zipped lists have different lengths \(workload\.batchSize: 3, training\.stop\.updates: 2\); zip pairs item i of every list/,
      ),
    ]);
    expect(scenarioProblems(`${BASE}sweep: { zip: [1, 2] }\n`)).toEqual([
      expect.stringContaining('expected a mapping from paths to lists of equal length'),
    ]);
    expect(
      scenarioProblems(`${BASE}sweep: { workload: [{ batchSize: 8 }], zip: { workload.batchSize: [8] } }\n`),
    ).toEqual([expect.stringContaining('overlaps sweep key "workload"')]);
  });
});

describe('run keys', () => {
  it('are 12 hex digits, equal for equal scenarios whatever their names, and distinct across a sweep', () => {
    const text = `${BASE}repeats: 2\nsweep: { workload.batchSize: [8, 16], training.stop.updates: [1, 2] }\n`;
    const a = parseScenario(text, 'a.yaml').runs;
    const b = parseScenario(text, '/elsewhere/b.yaml').runs;
    const keys = a.map(runKey);
    expect(keys.every((k) => /^[0-9a-f]{12}$/.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(8);
    expect(b.map(runKey)).toEqual(keys);
    // The seed is part of the run: repeats differ; the point's label and config id are not.
    expect(runKey({ ...a[0]!, point: 'other', configId: 9 })).toBe(keys[0]);
    expect(runKey({ ...a[0]!, seed: 1000 })).not.toBe(keys[0]);
    // Canonical JSON: the order keys were built in does not matter.
    expect(runKey({ b: 1, a: [Number.NaN, 2] })).toBe(runKey({ a: [Number.NaN, 2], b: 1 }));
  });
});
