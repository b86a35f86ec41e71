import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { sampleTexts } from '../../src/scenario/sweep-random.ts';
import { scenarioProblems } from './helpers.ts';

const BASE = `name: r
mode: timing-only
seed: 7
cluster: { nodes: [{ count: 1, gpusPerNode: 2, gpu: A100-80GB }] }
training:
  schedule: { kind: local-sgd }
  optimizer: { kind: sgd, learningRate: 0.1 }
  stop: { updates: 1 }
`;

/** A scenario sweeping `random` (flow YAML) after `before` (grid keys, or nothing). */
const withRandom = (random: string, before = ''): string => `${BASE}sweep:\n${before}  random: ${random}\n`;

const SPACE =
  '{ training.optimizer.learningRate: { loguniform: [0.001, 0.1] }, training.schedule.localSteps: { choice: [1, 4, 16] }, workload.batchSize: { int: [8, 64] } }';
const LR = 'training.optimizer.learningRate';

/** The swept values of each run (the manifest's `sweep_values`): the resolved scenario moves them around. */
const sweptValues = (text: string): Record<string, unknown>[] =>
  parseScenario(text, 'r.yaml').runs.map((r) => r.sweepValues ?? {});

const samples = (text: string): unknown[][] =>
  sweptValues(text).map((v) => [v[LR], v['training.schedule.localSteps'], v['workload.batchSize']]);

describe('sweep random', () => {
  it('draws the same samples for a seed, other samples for another seed', () => {
    const a = samples(withRandom(`{ samples: 6, seed: 7, space: ${SPACE} }`));
    const again = samples(withRandom(`{ samples: 6, seed: 7, space: ${SPACE} }`));
    const other = samples(withRandom(`{ samples: 6, seed: 8, space: ${SPACE} }`));
    expect(a).toHaveLength(6);
    expect(again).toEqual(a);
    expect(other).not.toEqual(a);
    // Samples are distinct points.
    expect(new Set(a.map((s) => JSON.stringify(s))).size).toBe(6);
  });

  it('keeps every value inside its range, for any seed and sample count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 12 }), (seed, n) => {
        const got = samples(withRandom(`{ samples: ${n}, seed: ${seed}, space: ${SPACE} }`));
        expect(got).toHaveLength(n);
        for (const [lr, h, b] of got) {
          expect(lr as number).toBeGreaterThanOrEqual(0.001);
          expect(lr as number).toBeLessThanOrEqual(0.1);
          expect([1, 4, 16]).toContain(h);
          expect(Number.isInteger(b)).toBe(true);
          expect(b as number).toBeGreaterThanOrEqual(8);
          expect(b as number).toBeLessThanOrEqual(64);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('is one dimension at the place of its key: crossed with a grid axis', () => {
    const text = withRandom(
      '{ samples: 3, seed: 1, space: { training.optimizer.learningRate: { uniform: [0.01, 0.2] } } }',
      '  seed: [1, 2]\n',
    );
    const { runs } = parseScenario(text, 'r.yaml');
    expect(runs).toHaveLength(6);
    const lrs = runs.map((r) => r.sweepValues![LR] as number);
    // The grid key comes first, so it varies slowest; the same three samples go with each seed.
    expect(runs.map((r) => r.seed)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(lrs.slice(3)).toEqual(lrs.slice(0, 3));
    expect(new Set(lrs).size).toBe(3);
    // Labels show the rounded samples (3 significant digits) and the grid value.
    runs.forEach((r, i) => {
      expect(r.point).toBe(`seed=${r.seed}, learningRate=${Number(lrs[i]!.toPrecision(3))}`);
      expect(lrs[i]).toBeGreaterThanOrEqual(0.01);
      expect(lrs[i]).toBeLessThan(0.2);
    });
    expect(scenarioProblems(text, { maxRuns: 5 })).toEqual([
      expect.stringContaining('sweep: the sweep has 6 points (2 × 3); at most 5 runs are allowed'),
    ]);
  });

  it('labels recurring choices without #index, and records the exact values', () => {
    const { runs } = parseScenario(
      withRandom('{ samples: 3, seed: 3, space: { training.schedule.localSteps: { choice: [1, 4, 16] } } }'),
      'r.yaml',
    );
    expect(runs.map((r) => r.point).sort()).toEqual(['localSteps=1', 'localSteps=16', 'localSteps=4']);
    // The exact values, for the manifest; the resolved scenario holds them as options.
    expect(
      runs.map((r) => r.sweepValues!['training.schedule.localSteps']).sort((x, y) => Number(x) - Number(y)),
    ).toEqual([1, 4, 16]);
    expect(runs.map((r) => r.training.schedule.options['localSteps'])).toEqual(
      runs.map((r) => r.sweepValues!['training.schedule.localSteps']),
    );
  });

  it('stands beside a zip, and takes labelled choices', () => {
    const text = `${BASE}sweep:\n  zip: { seed: [1, 2], training.stop.updates: [1, 2] }\n  random: { samples: 2, seed: 5, space: { training.schedule.localSteps: { choice: [{ value: 1, label: sync }, 8] } } }\n`;
    const { runs } = parseScenario(text, 'r.yaml');
    expect(runs).toHaveLength(4);
    expect(runs.map((r) => r.seed)).toEqual([1, 1, 2, 2]);
    const points = runs.map((r) => r.point);
    expect(points.some((p) => p.endsWith(', sync'))).toBe(true);
    expect(points.some((p) => p.endsWith(', localSteps=8'))).toBe(true);
  });

  it('rounds labels to 3 significant digits, more only where 3 would make samples read alike', () => {
    expect(sampleTexts([0.0031622776, 0.0123456])).toEqual(['0.00316', '0.0123']);
    expect(sampleTexts([0.12341, 0.12349])).toEqual(['0.1234', '0.1235']);
    expect(sampleTexts([1234567])).toEqual(['1230000']);
  });

  it('reports bad blocks with file:line:col, the path, the value and what is allowed', () => {
    const p = (random: string): string[] => scenarioProblems(withRandom(random));
    expect(p('{ samples: 0, seed: 1, space: { seed: { int: [1, 9] } } }')).toEqual([
      's.yaml:10:22: sweep.random.samples: got 0; expected an integer >= 1 and <= 100000',
    ]);
    expect(p('{ samples: 2, space: { seed: { int: [1, 9] } } }')).toEqual([
      expect.stringMatching(
        /^s\.yaml:10:3: sweep\.random: missing seed: random needs a seed, so that the samples are the same/,
      ),
    ]);
    expect(p('{ samples: 2, seed: 1, space: { seed: { logunifrom: [1, 9] } } }')).toEqual([
      's.yaml:10:49: sweep.random.space.seed: unknown distribution "logunifrom" (did you mean "loguniform"?); known: uniform, loguniform, int, choice',
    ]);
    expect(p('{ samples: 2, seed: 1, space: { seed: [1, 9] } }')).toEqual([
      expect.stringContaining('sweep.random.space.seed: got [1,9]; expected one distribution: { uniform: [lo, hi] }'),
    ]);
    expect(p('{ samples: 2, seed: 1, space: { training.optimizer.learningRate: { uniform: [0.5, 0.1] } } }')).toEqual([
      expect.stringMatching(
        /^s\.yaml:10:\d+: sweep\.random\.space\["training\.optimizer\.learningRate"\]\.uniform: got \[0\.5, 0\.1\]; expected lo <= hi$/,
      ),
    ]);
    expect(p('{ samples: 2, seed: 1, space: { training.optimizer.learningRate: { loguniform: [0, 0.1] } } }')).toEqual([
      expect.stringContaining('.loguniform: got [0, 0.1]; expected 0 < lo <= hi (a log-uniform range)'),
    ]);
    expect(p('{ samples: 2, seed: 1, space: { workload.batchSize: { int: [8.5, 64] } } }')).toEqual([
      expect.stringContaining('.int: got [8.5, 64]; expected two integers'),
    ]);
    expect(p('{ samples: 4, seed: 1, space: { training.schedule.localSteps: { choice: [1, 4, 16] } } }')).toEqual([
      expect.stringContaining(
        'sweep.random.samples: got 4; the space holds only 3 distinct points, so at most 3 samples can differ',
      ),
    ]);
    expect(p('{ samples: 1, seed: 1, extra: 2, space: { seed: { int: [1, 2] } } }')).toEqual([
      expect.stringContaining('sweep.random.extra: unknown key "extra"; allowed: samples, seed, space'),
    ]);
  });

  it('validates paths as grid keys do: unknown keys at the space key, overlaps and --set', () => {
    const text = withRandom(
      '{ samples: 2, seed: 1, space: { training.optimizer.learningRat: { uniform: [0.1, 0.2] } } }',
    );
    expect(scenarioProblems(text)).toEqual([
      expect.stringMatching(
        /^s\.yaml:10:\d+: training\.optimizer\.learningRat: unknown key "learningRat".*learningRate/,
      ),
    ]);
    expect(
      scenarioProblems(
        withRandom(
          '{ samples: 2, seed: 1, space: { workload.batchSize: { int: [8, 64] } } }',
          '  workload: [{ batchSize: 8 }]\n',
        ),
      ),
    ).toEqual([expect.stringContaining('overlaps sweep key "workload"')]);
    expect(
      scenarioProblems(withRandom('{ samples: 2, seed: 1, space: { seed: { int: [1, 9] } } }'), {
        overrides: ['seed=3'],
      }),
    ).toEqual([expect.stringContaining('--set seed also sets this path')]);
  });
});

describe('docs/scenarios.md "Random samples"', () => {
  it('shows a sweep that validates, with 2 × 20 distinct points', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/scenarios.md'), 'utf8');
    const block = /### Random samples[\s\S]*?```\n(sweep:[\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const base = BASE.replace(
      '{ kind: sgd, learningRate: 0.1 }',
      '{ kind: momentum, momentum: 0.9, learningRate: 0.1 }',
    );
    const { runs } = parseScenario(`${base}${block!}`, 'doc.yaml');
    expect(runs).toHaveLength(40);
    expect(new Set(runs.map((r) => r.point)).size).toBe(40);
    for (const r of runs) expect(r.point.length).toBeLessThanOrEqual(40);
    // Five swept paths do not fit as name=value in 40 characters: the samples show their bare values.
    expect(runs[0]!.point).toMatch(/^batchSize=32, [0-9.e-]+, [0-9.]+, (1|4|16), [1-4]$/);
  });
});
