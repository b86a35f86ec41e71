import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFile } from '../../src/cli/commands/run.ts';
import { formatSummaryTable } from '../../src/results/summary-table.ts';

const dir = mkdtempSync(join(tmpdir(), 'dtsim-repeats-'));
// Full mode, three schedules, 12 updates each: small enough to run twice with three seeds.
const SMALL = resolve(import.meta.dirname, 'fixtures/small-run.yaml');

describe('dtsim run with repeats: 3', () => {
  it('runs three seeds per point, writes run and aggregate rows, and does so byte for byte again', async () => {
    const opts = { quiet: true, set: ['repeats=3'] };
    const a = await runFile(SMALL, { ...opts, out: join(dir, 'a') }, 'wasm');
    const b = await runFile(SMALL, { ...opts, out: join(dir, 'b') }, 'wasm');
    const csvA = readFileSync(join(a.dir, 'summary.csv'), 'utf8');
    expect(readFileSync(join(b.dir, 'summary.csv'), 'utf8')).toBe(csvA);
    for (const f of ['evals.csv', 'workers.csv'])
      expect(readFileSync(join(b.dir, f), 'utf8')).toBe(readFileSync(join(a.dir, f), 'utf8'));

    const [header, ...rows] = csvA.trimEnd().split('\n');
    const cols = header!.split(',');
    expect(cols.slice(-3)).toEqual(['config_id', 'row_kind', 'run_key']);
    const kind = (r: string): string => r.split(',').at(-2)!;
    // 3 points × 3 seeds run rows, then 6 aggregate rows per point.
    expect(rows.filter((r) => kind(r) === 'run')).toHaveLength(9);
    expect(rows.slice(9).map(kind)).toEqual(
      Array.from({ length: 3 }, () => ['n', 'mean', 'std', 'ci95_half_width', 'ci95_low', 'ci95_high']).flat(),
    );
    // The fixture's seed is 3: each point runs seeds 3, 4, 5.
    expect(a.results.map((r) => r.seed)).toEqual([3, 4, 5, 3, 4, 5, 3, 4, 5]);
    expect(a.results.map((r) => r.configId)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    // Different seeds give different runs: the spread is real.
    expect(new Set(a.results.slice(0, 3).map((r) => r.finalLoss)).size).toBe(3);

    const table = formatSummaryTable(a.results);
    expect(table).toContain('over seeds: mean ± half-width of the 95% confidence interval');
    expect(table.match(/±/g)!.length).toBeGreaterThanOrEqual(9);
  }, 120_000);
});
