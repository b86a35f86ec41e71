import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFile } from '../../src/cli/commands/run.ts';
import { RUN_KEY_COLUMN, SUMMARY_COLUMNS } from '../../src/results/csv.ts';
import { parseCsv } from '../results/csv-parse.ts';

// Two sweep points on one task: a softmax regression (stays finite at any learning rate) and a ReLU MLP
// (overflows to NaN within a few steps at learningRate=100).
const FIXTURE = resolve(import.meta.dirname, 'fixtures/diverge.yaml');
const BIN = resolve(import.meta.dirname, '../../bin/dtsim.js');
const root = mkdtempSync(join(tmpdir(), 'dtsim-diverge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const column = (rows: string[][], name: (typeof SUMMARY_COLUMNS)[number]): string[] =>
  rows.slice(1).map((r) => r[SUMMARY_COLUMNS.indexOf(name)]!);

describe('dtsim run on a diverging scenario', () => {
  it('stops only the diverging sweep point, flags it in summary.csv and in the printed table, and exits 0', () => {
    const out = join(root, 'lr100');
    const stdout = execFileSync(
      process.execPath,
      [BIN, 'run', FIXTURE, '--set', 'training.optimizer.learningRate=100', '--out', out],
      { encoding: 'utf8' },
    );

    const summary = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(summary[0]).toEqual([...SUMMARY_COLUMNS, RUN_KEY_COLUMN]);
    expect(column(summary, 'diverged')).toEqual(['false', 'true']);
    const [kept, stopped] = column(summary, 'stop_reason');
    // The other sweep point ran to its own stop condition.
    expect(kept).toBe('updates reached 30');
    expect(stopped).toMatch(/^diverged at update (\d+) \(t = [0-9.e-]+ s\): non-finite /);
    const k = Number(/update (\d+)/.exec(stopped!)![1]);
    expect(Number(column(summary, 'updates')[1])).toBeLessThanOrEqual(k);
    expect(k).toBeLessThan(30);
    // A NaN result is written as NaN, not as the empty cell that means "missing".
    expect(column(summary, 'final_loss')[1]).toBe('NaN');
    expect(column(summary, 'time_to_target_s')).toEqual(['', '']);
    const evals = parseCsv(readFileSync(join(out, 'evals.csv'), 'utf8'));
    expect(evals.filter((r) => r[0] === '1').at(-1)![5]).toBe('NaN');

    // The printed table: the description on top, run 1's accuracy marked, and a footnote saying why.
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      'Two models on one task at the learning rate given with --set; one of them is expected to diverge.',
    );
    const row = (id: number): string =>
      lines.find((l) => new RegExp(`^\\s+${id}  (logistic-regression|mlp) `).test(l))!;
    expect(row(0)).not.toContain('!');
    expect(row(1)).toMatch(/ ! NaN /);
    expect(stdout.replace(/\s+/g, ' ')).toContain(`! run 1 ${stopped!}; the run stopped there.`);
  }, 60_000);

  it("flags nothing at the scenario's own learning rate", async () => {
    const { dir, results } = await runFile(FIXTURE, { out: join(root, 'lr01'), quiet: true }, 'wasm');
    expect(results.map((r) => r.divergence)).toEqual([undefined, undefined]);
    const summary = parseCsv(readFileSync(join(dir, 'summary.csv'), 'utf8'));
    expect(column(summary, 'diverged')).toEqual(['false', 'false']);
    expect(column(summary, 'stop_reason')).toEqual(['updates reached 30', 'updates reached 30']);
  }, 60_000);
});
