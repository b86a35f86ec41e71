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
      'sync-allreduce, batchSize=16',
      'sync-allreduce, batchSize=32',
      'async-ps, batchSize=16',
      'async-ps, batchSize=32',
    ]);
    // 12 workers: 0.05 · 12 / 8.
    expect(runs[0]!.training.lr.options['lr']).toBeCloseTo(0.075, 15);
  });
});
