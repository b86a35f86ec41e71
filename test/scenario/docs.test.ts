import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseScenario } from '../../src/scenario/load.ts';
import * as L from '../../src/scenario/limits.ts';
import { MAX_LEAF_SPINE_PAIRS } from '../../src/network/leaf-spine-topology.ts';
import { MAX_DATASET_VALUES } from '../../src/training/datasets/registry.ts';
import { MAX_FORMULA_LENGTH } from '../../src/scenario/formula.ts';
import { DIRICHLET_REPLAY_DRAWS, MAX_TRAINED_PARAMS } from '../../src/scenario/setup-check.ts';
import { MAX_SLOWDOWN_FACTOR } from '../../src/hardware/slowdown-registry.ts';
import {
  DEFAULT_TRACE_LIMIT,
  DEFAULT_UPDATES_LIMIT,
  MAX_TRACE_LIMIT,
  MAX_UPDATES_LIMIT,
} from '../../src/results/output-defaults.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/scenarios.md'), 'utf8');

describe('docs/scenarios.md', () => {
  it('shows a complete example that validates, with its sweep of 2 × 2 points', () => {
    const example = /```yaml\n(name: [\s\S]*?)```/.exec(DOC)?.[1];
    expect(example).toBeDefined();
    const { runs } = parseScenario(example!, 'example.yaml');
    expect(runs.map((r) => r.point)).toEqual([
      'sync-allreduce, batchSize=16',
      'sync-allreduce, batchSize=32',
      'async-ps, batchSize=16',
      'async-ps, batchSize=32',
    ]);
    // 12 workers: 0.05 · 12 / 8.
    expect(runs[0]!.training.lr.options['lr']).toBeCloseTo(0.075, 15);
  });

  it('states every limit with the value the code enforces', () => {
    const section = DOC.slice(DOC.indexOf('## Limits'));
    const n = (x: number): string => x.toLocaleString('en-US');
    for (const v of [
      L.MAX_SCENARIO_BYTES,
      L.MAX_TRACE_BYTES,
      L.MAX_VALUES,
      L.MAX_CLUSTER_GPUS,
      MAX_LEAF_SPINE_PAIRS,
      L.DEFAULT_MAX_RUNS,
      L.MAX_RUNS_CEILING,
      L.MAX_SWEEP_VALUES,
      L.MAX_SWEEP_GPUS,
      L.MAX_BATCH_SIZE,
      MAX_DATASET_VALUES,
      MAX_TRAINED_PARAMS,
      DIRICHLET_REPLAY_DRAWS,
      MAX_SLOWDOWN_FACTOR,
    ]) {
      expect(section).toContain(n(v));
    }
    expect(section).toContain(`${L.MAX_DEPTH} levels`);
    expect(section).toContain(`${MAX_FORMULA_LENGTH} characters`);
    expect(section).toContain('--max-runs');
    for (const v of [MAX_TRACE_LIMIT, DEFAULT_TRACE_LIMIT, MAX_UPDATES_LIMIT, DEFAULT_UPDATES_LIMIT])
      expect(section).toContain(n(v));
  });
});
