import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LABEL_MAX, autoLabels, axisNames, compactValue, elide, pointLabels } from '../../src/scenario/sweep-labels.ts';
import type { LabelAxis } from '../../src/scenario/sweep-labels.ts';
import { STRAGGLER_MODELS } from '../../src/hardware/slowdown-registry.ts';
import { TOPOLOGIES } from '../../src/network/topologies.ts';
import { TOP_LEVEL_KEYS } from '../../src/scenario/schema.ts';
import { SCHEDULES } from '../../src/schedules/index.ts';
import { DATASETS } from '../../src/training/datasets/registry.ts';
import { LR_SCHEDULES, OPTIMIZERS } from '../../src/training/optimizers/registry.ts';

const axis = (
  path: readonly (string | number)[],
  values: unknown[],
  labels: (string | undefined)[] = values.map(() => undefined),
): LabelAxis => ({ path, values, labels });

/** Every point of the grid, first axis slowest (as sweep.ts enumerates them). */
function grid(sizes: readonly number[]): number[][] {
  return sizes.reduce<number[][]>((acc, n) => acc.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i])), [[]]);
}
const labelsOf = (axes: LabelAxis[]): string[] => pointLabels(axes, grid(axes.map((a) => a.values.length)));

describe('explicit sweep labels', () => {
  it('may reserve `label` in sweep values because no registry option or top-level key is called label', () => {
    const registries: readonly Readonly<Record<string, { readonly options: object }>>[] = [
      SCHEDULES,
      STRAGGLER_MODELS,
      DATASETS,
      OPTIMIZERS,
      LR_SCHEDULES,
      TOPOLOGIES,
    ];
    const keys = [
      ...TOP_LEVEL_KEYS,
      ...registries.flatMap((r) => Object.values(r).flatMap((e) => Object.keys(e.options))),
    ];
    expect(keys.length).toBeGreaterThan(20);
    expect(keys).not.toContain('label');
  });
});

describe('automatic sweep labels', () => {
  it('names an axis by its last path segment, longer only where two axes would read the same', () => {
    expect(
      axisNames([
        ['training', 'schedule'],
        ['workload', 'batchSize'],
      ]),
    ).toEqual(['schedule', 'batchSize']);
    expect(
      axisNames([
        ['cluster', 'nodes', 0, 'count'],
        ['cluster', 'nodes', 1, 'count'],
      ]),
    ).toEqual(['nodes[0].count', 'nodes[1].count']);
    expect(axisNames([['cluster', 'nodes', 0, 'count'], ['seed']])).toEqual(['count', 'seed']);
  });

  it('shows only the fields that differ among values of one kind, and the kind only when kinds differ', () => {
    // ddp-buckets.yaml: one kind, so the kind is dropped wherever a field tells the value apart.
    const ddp = [
      { kind: 'sync-allreduce' },
      { kind: 'sync-allreduce', bucketSize: '25 MB' },
      { kind: 'sync-allreduce', bucketSize: '25 MB', algorithm: 'hierarchical' },
    ];
    expect(autoLabels('schedule', ['training', 'schedule'], ddp)).toEqual([
      'sync-allreduce',
      'bucketSize=25 MB',
      'bucketSize=25 MB,algorithm=hierarchical',
    ]);
    // quickstart.yaml: shards: 3 is common to both async-ps values, so it is left out.
    const quick = [
      { kind: 'sync-allreduce' },
      { kind: 'async-ps', shards: 3 },
      { kind: 'async-ps', shards: 3, lrScaling: 'staleness' },
      { kind: 'local-sgd', localSteps: 4 },
    ];
    expect(autoLabels('schedule', ['training', 'schedule'], quick)).toEqual([
      'sync-allreduce',
      'async-ps',
      'async-ps(lrScaling=staleness)',
      'local-sgd',
    ]);
    expect(autoLabels('stop', ['training', 'stop'], [{ epochs: 1 }, { updates: 10 }])).toEqual([
      'epochs=1',
      'updates=10',
    ]);
  });

  it('writes scalars as name=value, a kind alone, and integer runs as ranges', () => {
    expect(autoLabels('batchSize', ['workload', 'batchSize'], [16, '512 / workers'])).toEqual([
      'batchSize=16',
      'batchSize=512 / workers',
    ]);
    expect(autoLabels('kind', ['training', 'schedule', 'kind'], ['async-ps', 'local-sgd'])).toEqual([
      'async-ps',
      'local-sgd',
    ]);
    expect(compactValue([{ kind: 'constant', factor: 2, workers: [24, 25, 26, 27, 30, 31] }])).toBe(
      '[constant(factor=2,workers=[24-27,30,31])]',
    );
    expect(compactValue({ a: 1 })).toBe('{a=1}');
  });

  it('leaves out axes with a single value, and uses labels given in the file', () => {
    expect(labelsOf([axis(['seed'], [1]), axis(['workload', 'batchSize'], [16, 32], ['small', undefined])])).toEqual([
      'small',
      'batchSize=32',
    ]);
    expect(labelsOf([axis(['seed'], [7])])).toEqual(['seed=7']);
  });

  it('shows only the kinds inside long list values when the kinds tell them apart', () => {
    const slowNode = [[], [{ kind: 'constant', factor: 1.4286, workers: [24, 25, 26, 27, 28, 29, 30, 31] }]];
    expect(labelsOf([axis(['cluster', 'stragglers'], slowNode)])).toEqual(['stragglers=[]', 'stragglers=[constant]']);
    const short = [[], [{ kind: 'constant', factor: 2 }]];
    expect(labelsOf([axis(['cluster', 'stragglers'], short)])).toEqual([
      'stragglers=[]',
      'stragglers=[constant(factor=2)]',
    ]);
  });

  it('cuts long labels to the cap, keeping cut labels distinct by index', () => {
    const long = (n: number): number[] => Array.from({ length: 12 }, (_, i) => 2 * i + n); // no runs: stays long
    const labels = labelsOf([
      axis(
        ['cluster', 'stragglers'],
        [
          [],
          [{ kind: 'constant', factor: 1.5, workers: long(0) }],
          [{ kind: 'constant', factor: 1.5, workers: long(1) }],
        ],
      ),
    ]);
    expect(labels).toEqual([
      'stragglers=[]',
      'stragglers=[constant(factor=1.5,wor...#1',
      'stragglers=[constant(factor=1.5,wor...#2',
    ]);
    expect(elide('abcdef', 5)).toBe('ab...');
  });

  it('keeps every label within the cap and distinct, whatever the axes', () => {
    const scalar = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.constantFrom('a', 'b', '1', 'x'.repeat(60)),
      fc.boolean(),
    );
    const value = fc.oneof(
      scalar,
      fc.record({ kind: fc.constantFrom('p', 'q'), o: scalar }),
      fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }),
    );
    const axisArb = fc.record({
      // Up to eight axes: more than fit in the cap at the narrowest cut, so the last resort is exercised too.
      path: fc.constantFrom(['a', 'kind'], ['a', 'b'], ['c', 0, 'b'], ['d'], ['e'], ['f', 'g'], ['h', 1], ['i']),
      values: fc.uniqueArray(value, { minLength: 1, maxLength: 4, selector: (v) => JSON.stringify(v) }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(axisArb, { minLength: 1, maxLength: 8, selector: (a) => JSON.stringify(a.path) }),
        (raw) => {
          const axes = raw.map((a) => axis(a.path, a.values));
          const labels = labelsOf(axes);
          for (const l of labels) expect(l.length).toBeLessThanOrEqual(LABEL_MAX);
          expect(new Set(labels).size).toBe(labels.length);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
