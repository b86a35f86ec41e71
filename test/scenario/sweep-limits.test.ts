import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RUNS, MAX_SWEEP_VALUES } from '../../src/scenario/limits.ts';
import {
  countValues,
  sweepClusterGpus,
  sweepSize,
  sweepSizeProblems,
  sweepValueBudget,
} from '../../src/scenario/sweep-limits.ts';
import type { SweepAxis } from '../../src/scenario/sweep.ts';

let groups = 0;
const axis = (key: string, values: unknown[]): SweepAxis => ({
  key,
  source: ['sweep', key],
  group: groups++,
  path: key.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
  values,
  labels: values.map(() => undefined),
  wrapped: values.map(() => false),
});
const BASE = { name: 'x', cluster: { nodes: [{ count: 2, gpusPerNode: 8, gpu: 'A100-80GB' }] } };

describe('sweep limits', () => {
  it('sizes a grid as the product of its list lengths, without listing it', () => {
    const big = Array.from({ length: 1000 }, (_, i) => i);
    expect(sweepSize([])).toBe(1);
    expect(sweepSize([axis('seed', big), axis('workload.batchSize', big), axis('training.stop.updates', big)])).toBe(
      1e9,
    );
  });

  it('counts values as the YAML check does: every scalar, list, mapping and key', () => {
    expect(countValues({ a: [1, 2], b: { c: null } })).toBe(1 + 2 + 3 + 2 + 1);
    expect(
      countValues(
        Array.from({ length: 10 }, () => [1, 2, 3]),
        5,
      ),
    ).toBeLessThanOrEqual(7);
  });

  it('counts the GPUs of distinct clusters only, and only over axes that touch the cluster', () => {
    const seeds = axis('seed', [1, 2, 3]);
    expect(sweepClusterGpus(BASE, [seeds])).toEqual({ gpus: 16, clusters: 1 });
    const counts = axis('cluster.nodes.0.count', [1, 2, 4]);
    expect(sweepClusterGpus(BASE, [seeds, counts])).toEqual({ gpus: 8 + 16 + 32, clusters: 3 });
    // A network change makes a distinct cluster too; a repeated shape does not.
    const net = axis('cluster.network', [{ model: 'flow' }, { model: 'analytical' }]);
    expect(sweepClusterGpus(BASE, [net, seeds])).toEqual({ gpus: 32, clusters: 2 });
  });

  it('raises the value budget with --max-runs above the default, never below it', () => {
    expect(sweepValueBudget(10)).toBe(MAX_SWEEP_VALUES);
    expect(sweepValueBudget(DEFAULT_MAX_RUNS * 4)).toBe(MAX_SWEEP_VALUES * 4);
  });

  it('does not count the sweep block itself as validated at every point', () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => i);
    const base = { ...BASE, sweep: { seed: seeds } };
    // The file's values are mostly the 1,000 seeds; each point validates only the rest.
    expect(sweepSizeProblems(base, [axis('seed', seeds)], countValues(base), DEFAULT_MAX_RUNS)).toEqual([]);
  });
});
