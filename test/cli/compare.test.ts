import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCommand } from '../../src/cli/commands/compare.ts';
import { SUMMARY_COLUMNS, summaryCsv } from '../../src/results/csv.ts';
import { readCsv } from '../../src/results/csv-read.ts';
import { makeRun } from '../results/fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'dtsim-compare-'));

/** A results folder holding only `summary.csv` (all that compare reads). */
function folder(name: string, csv: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'summary.csv'), csv);
  return dir;
}

const HEADER =
  'run_id,point,schedule,workers,sim_time_s,throughput_samples_per_s,final_accuracy,bytes_sent,mean_staleness,stop_reason\n';
// Baseline: three runs; "local" has no accuracy (an empty cell).
const A = folder(
  'a',
  HEADER +
    '0,sync,sync-allreduce,8,10,1000,0.9,2000000000,0,updates reached 100\n' +
    '1,async,async-ps,8,8,1250,0.85,1000000000,3.5,updates reached 100\n' +
    '2,local,local-sgd,8,5,2000,,500000000,0,updates reached 100\n',
);
// What-if: 16 workers; "local" dropped, "new" added, rows in another order and with other run ids.
const B = folder(
  'b',
  HEADER +
    '0,async,async-ps,16,6,1500,0.8,1000000000,7,updates reached 100\n' +
    '1,sync,sync-allreduce,16,12.5,800,0.92,3000000000,0,updates reached 100\n' +
    '2,new,local-sgd,16,4,2500,0.7,250000000,0,updates reached 100\n',
);

async function run(args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  let out = '';
  let err = '';
  const before = process.exitCode;
  const cmd = compareCommand({ out: (t) => (out += t), err: (t) => (err += t) });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  const code = process.exitCode === undefined ? undefined : Number(process.exitCode);
  process.exitCode = before;
  return { out, err, code };
}

/** The table's cells per line (columns are two or more spaces apart; no cell holds two spaces). */
function cells(out: string): string[][] {
  return out.split('\n').map((l) => l.trim().split(/\s{2,}/));
}

const METRICS = new Set<string>(SUMMARY_COLUMNS);

/**
 * The cells after `run` and `metric` of the line for `metric` in `run`'s block. The run's name is on
 * its first line only; a line that starts with a metric name continues the run above.
 */
function row(out: string, runName: string, metric: string): string[] {
  let current = '';
  for (const l of cells(out).slice(3)) {
    const continued = METRICS.has(l[0]!);
    if (!continued) current = l[0]!;
    const [m, ...rest] = continued ? l : l.slice(1);
    if (current === runName && m === metric) return rest;
  }
  throw new Error(`no line for ${runName} ${metric} in\n${out}`);
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('dtsim compare', () => {
  it('prints a legend, the default metrics present and each value with its delta from the baseline', async () => {
    const r = await run([A, B]);
    expect(r.code).toBeUndefined();
    expect(r.err).toBe('');
    expect(r.out.startsWith(`A (baseline): ${A}\nB: ${B}\n\n`)).toBe(true);
    expect(cells(r.out)[3]).toEqual(['run', 'metric', 'A', 'B', 'Δ B', 'Δ% B']);
    // Default metrics in their fixed order, only those the folders have (no utilization, no mfu).
    const metrics = cells(r.out)
      .slice(5)
      .map((l) => (METRICS.has(l[0]!) ? l[0] : l[1]))
      .filter((m) => m !== undefined && METRICS.has(m));
    expect([...new Set(metrics)]).toEqual([
      'sim_time_s',
      'throughput_samples_per_s',
      'final_accuracy',
      'mean_staleness',
      'bytes_sent',
    ]);
    // sync: 12.5 − 10 = +2.5 s, 2.5/10 = +25%; 800 − 1000 = −200, −20%; 0.92 − 0.90 = +2 points,
    // 0.02/0.9 = +2.2%; 3 − 2 GB = +1 GB, +50%; staleness 0 → 0: no relative change from zero.
    expect(row(r.out, 'sync', 'sim_time_s')).toEqual(['10.0 s', '12.5 s', '+2.5 s', '+25.0%']);
    expect(row(r.out, 'sync', 'throughput_samples_per_s')).toEqual(['1.0k', '800.0', '-200.0', '-20.0%']);
    expect(row(r.out, 'sync', 'final_accuracy')).toEqual(['90.0%', '92.0%', '+2.0 pp', '+2.2%']);
    expect(row(r.out, 'sync', 'mean_staleness')).toEqual(['0', '0', '0', '-']);
    expect(row(r.out, 'sync', 'bytes_sent')).toEqual(['2.00 GB', '3.00 GB', '+1.00 GB', '+50.0%']);
    // async: 6 − 8 = −2 s, −25%; 0.80 − 0.85 = −5 points, −0.05/0.85 = −5.9%; 7 − 3.5 = +3.5, +100%.
    expect(row(r.out, 'async', 'sim_time_s')).toEqual(['8.0 s', '6.0 s', '-2.0 s', '-25.0%']);
    expect(row(r.out, 'async', 'final_accuracy')).toEqual(['85.0%', '80.0%', '-5.0 pp', '-5.9%']);
    expect(row(r.out, 'async', 'mean_staleness')).toEqual(['3.50', '7', '+3.50', '+100.0%']);
  });

  it('matches runs by name, shows a run a folder lacks as — and says so under the table', async () => {
    const r = await run([A, B]);
    // Baseline order first, then runs only B has.
    const runs = cells(r.out)
      .filter((l) => l[1] === 'sim_time_s')
      .map((l) => l[0]);
    expect(runs).toEqual(['sync', 'async', 'local', 'new']);
    expect(row(r.out, 'local', 'sim_time_s')).toEqual(['5.0 s', '—', '—', '—']);
    // An empty cell is a missing value (-), not a missing run.
    expect(row(r.out, 'local', 'final_accuracy')).toEqual(['-', '—', '—', '—']);
    expect(row(r.out, 'new', 'sim_time_s')).toEqual(['—', '4.0 s', '—', '—']);
    expect(r.out).toContain('run "local": not in B\n');
    expect(r.out).toContain('run "new": not in A\n');
    // Settings that differ are shown both ways.
    expect(r.out).toContain('run "sync": workers 8 (A) vs 16 (B)\n');
  });

  it('compares three folders, each against the baseline', async () => {
    const C = folder('c', HEADER + '0,sync,sync-allreduce,8,5,2000,0.9,2000000000,0,updates reached 100\n');
    const r = await run([A, B, C]);
    expect(cells(r.out)[4]).toEqual(['run', 'metric', 'A', 'B', 'Δ B', 'Δ% B', 'C', 'Δ C', 'Δ% C']);
    // C: 5 − 10 = −5 s, −50%; B's columns unchanged.
    expect(row(r.out, 'sync', 'sim_time_s')).toEqual([
      '10.0 s',
      '12.5 s',
      '+2.5 s',
      '+25.0%',
      '5.0 s',
      '-5.0 s',
      '-50.0%',
    ]);
    expect(row(r.out, 'async', 'sim_time_s')).toEqual(['8.0 s', '6.0 s', '-2.0 s', '-25.0%', '—', '—', '—']);
  });

  it('writes the long-format CSV with full-precision values and --metrics chooses the metrics', async () => {
    const file = join(root, 'cmp.csv');
    const r = await run([A, B, '--metrics', 'sim_time_s,schedule', '--csv', file]);
    expect(r.out).toContain(`comparison written to ${file}\n`);
    const rows = readCsv(readFileSync(file, 'utf8'));
    expect(rows[0]).toEqual(['run', 'metric', 'folder', 'value', 'delta', 'delta_pct']);
    // 4 runs × 2 metrics × 2 folders.
    expect(rows).toHaveLength(1 + 4 * 2 * 2);
    expect(rows.slice(1, 5)).toEqual([
      ['sync', 'sim_time_s', A, '10', '', ''],
      ['sync', 'sim_time_s', B, '12.5', '2.5', '25'],
      ['sync', 'schedule', A, 'sync-allreduce', '', ''],
      ['sync', 'schedule', B, 'sync-allreduce', '', ''],
    ]);
    expect(rows).toContainEqual(['local', 'sim_time_s', B, '', '', '']);
    expect(rows).toContainEqual(['new', 'sim_time_s', A, '', '', '']);
    // Only the chosen metrics in the table; a text column has no arithmetic.
    expect(r.out).not.toContain('throughput_samples_per_s');
    expect(row(r.out, 'sync', 'schedule')).toEqual(['sync-allreduce', 'sync-allreduce', '-', '-']);
  });

  it('shows both texts when a non-numeric metric differs', async () => {
    const C = folder('d', HEADER + '0,sync,async-ps,8,10,1000,0.9,2000000000,0,updates reached 100\n');
    const r = await run([A, C, '--metrics', 'schedule']);
    expect(row(r.out, 'sync', 'schedule')).toEqual(['sync-allreduce', 'async-ps', 'differs']);
    expect(r.out).toContain('run "sync": schedule sync-allreduce (A) vs async-ps (B)\n');
  });

  it('reads the summary.csv that dtsim run writes, mfu included', async () => {
    const base = makeRun({ label: 'p', simTimeS: 2, samples: 200, mfu: 0.25 });
    const faster = makeRun({ label: 'p', simTimeS: 1, samples: 200, mfu: 0.5 });
    const r = await run([folder('real-a', summaryCsv([base])), folder('real-b', summaryCsv([faster]))]);
    expect(r.code).toBeUndefined();
    // 200 samples in 2 s → 1 s: 100 → 200 samples/s, +100%; time −1 s, −50%.
    expect(row(r.out, 'p', 'sim_time_s')).toEqual(['2.0 s', '1.0 s', '-1.0 s', '-50.0%']);
    expect(row(r.out, 'p', 'throughput_samples_per_s')).toEqual(['100.0', '200.0', '+100.0', '+100.0%']);
    // mfu 25% → 50%: +25 percentage points, +100% relative.
    expect(row(r.out, 'p', 'mfu')).toEqual(['25.0%', '50.0%', '+25.0 pp', '+100.0%']);
  });

  it('names a folder that is not a results folder in one line and exits non-zero', async () => {
    const missing = join(root, 'nope');
    let r = await run([A, missing]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      new RegExp(`^dtsim compare: ${missing}: no such folder; a results folder is what .*summary\\.csv`),
    );
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    r = await run([empty, A]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^dtsim compare: ${empty}: no summary\\.csv in this folder; `));
    r = await run([A, join(A, 'summary.csv')]);
    expect(r.err).toContain(': not a folder; ');
    r = await run([A]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('dtsim compare: needs two or more results folders (the first is the baseline), got 1\n');
    r = await run([A, B, '--metrics', 'sim_time_s,speed']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^dtsim compare: unknown metric "speed"; summary\.csv columns: run_id, point, /);
  });
});
