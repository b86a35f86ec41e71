import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseScenario } from '../../src/scenario/load.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/scenarios.md'), 'utf8');

describe('docs/scenarios.md', () => {
  it('shows a complete example that validates, with its sweep of 2 × 2 points', () => {
    const example = /```yaml\n(name: [\s\S]*?)```/.exec(DOC)?.[1];
    expect(example).toBeDefined();
    const { runs } = parseScenario(example!, 'example.yaml');
    expect(runs.map((r) => r.point)).toEqual([
      'training.schedule=sync-allreduce, workload.batchSize=16',
      'training.schedule=sync-allreduce, workload.batchSize=32',
      'training.schedule=async-ps(shards=2), workload.batchSize=16',
      'training.schedule=async-ps(shards=2), workload.batchSize=32',
    ]);
    // 12 workers: 0.05 · 12 / 8.
    expect(runs[0]!.training.lr.options['lr']).toBeCloseTo(0.075, 15);
  });
});
