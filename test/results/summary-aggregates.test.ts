import { describe, expect, it } from 'vitest';
import { RUN_KEY_COLUMN, summaryCsv, SUMMARY_COLUMNS } from '../../src/results/csv.ts';
import { parseSummary } from '../../src/results/compare-load.ts';
import type { RunResult } from '../../src/results/recorder.ts';
import { formatSummaryTable } from '../../src/results/summary-table.ts';
import { AGGREGATE_ROW_KINDS } from '../../src/results/summary-aggregates.ts';
import { parseCsv } from './csv-parse.ts';
import { makeRun } from './fixtures.ts';

/** Three seeds of one configuration: sim times 9, 10, 11 s; 1000 samples each; accuracies 0.8, 0.9, 1.0. */
function threeSeeds(over: (k: number) => Partial<RunResult> = () => ({})): RunResult[] {
  return [0, 1, 2].map((k) =>
    makeRun({
      runId: k,
      seed: 1 + k,
      label: `lr=0.1, seed=${1 + k}`,
      configId: 0,
      configLabel: 'lr=0.1',
      repeats: 3,
      simTimeS: 9 + k,
      samples: 1000,
      finalAccuracy: 0.8 + 0.1 * k,
      timeToTargetS: k === 1 ? undefined : 5 + k,
      ...over(k),
    }),
  );
}

/** summary.csv's rows as records keyed by column. */
function records(csv: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(csv);
  return rows.map((r) => Object.fromEntries(header!.map((c, j) => [c, r[j]!])));
}

describe('summary.csv aggregate rows', () => {
  it('leaves a file without repeats exactly as before: no new columns, no new rows', () => {
    const runs = [makeRun({ configId: 0, configLabel: 'demo', repeats: 1 }), makeRun({ runId: 1 })];
    const rows = parseCsv(summaryCsv(runs));
    expect(rows[0]).toEqual([...SUMMARY_COLUMNS, RUN_KEY_COLUMN]);
    expect(rows).toHaveLength(3);
  });

  it('keeps the run rows and adds n, mean, std and the 95% t-interval per repeated configuration', () => {
    const recs = records(summaryCsv(threeSeeds()));
    expect(recs.map((r) => r.row_kind)).toEqual(['run', 'run', 'run', ...AGGREGATE_ROW_KINDS]);
    expect(recs.slice(0, 3).map((r) => [r.run_id, r.config_id, r.seed])).toEqual([
      ['0', '0', '1'],
      ['1', '0', '2'],
      ['2', '0', '3'],
    ]);
    const agg = Object.fromEntries(recs.slice(3).map((r) => [r.row_kind, r]));
    // Aggregate rows name the configuration, not a run.
    expect([agg.mean!.run_id, agg.mean!.seed, agg.mean!.point, agg.mean!.config_id]).toEqual(['', '', 'lr=0.1', '0']);
    // sim_time_s [9, 10, 11]: mean 10, std 1, half-width t(2)/sqrt(3) = 4.302653 / 1.732051 = 2.484138.
    expect(agg.n!.sim_time_s).toBe('3');
    expect(Number(agg.mean!.sim_time_s)).toBe(10);
    expect(Number(agg.std!.sim_time_s)).toBe(1);
    expect(Number(agg.ci95_half_width!.sim_time_s)).toBeCloseTo(2.484138, 6);
    expect(Number(agg.ci95_low!.sim_time_s)).toBeCloseTo(10 - 2.484138, 6);
    expect(Number(agg.ci95_high!.sim_time_s)).toBeCloseTo(10 + 2.484138, 6);
    // Throughput 1000/9, 1000/10, 1000/11 samples/s: its mean is the mean of the per-run rates.
    expect(Number(agg.mean!.throughput_samples_per_s)).toBeCloseTo((1000 / 9 + 100 + 1000 / 11) / 3, 9);
    // time_to_target_s: the second seed never reached it, so [5, 7] → n 2, mean 6, std sqrt(2),
    // half-width t(1) · sqrt(2) / sqrt(2) = 12.706205.
    expect(agg.n!.time_to_target_s).toBe('2');
    expect(Number(agg.mean!.time_to_target_s)).toBe(6);
    expect(Number(agg.ci95_half_width!.time_to_target_s)).toBeCloseTo(12.706205, 5);
    // Columns without a statistic stay empty.
    expect(agg.mean!.updates).toBe('');
    expect(agg.mean!.stop_reason).toBe('');
  });

  it('leaves diverged runs out of every statistic and says how many values were used', () => {
    const runs = threeSeeds((k) => (k === 2 ? { divergence: 'diverged at update 3', finalAccuracy: NaN } : {}));
    const agg = Object.fromEntries(
      records(summaryCsv(runs))
        .slice(3)
        .map((r) => [r.row_kind, r]),
    );
    expect(agg.n!.sim_time_s).toBe('2');
    expect(Number(agg.mean!.sim_time_s)).toBe(9.5);
    expect(Number(agg.mean!.final_accuracy)).toBeCloseTo(0.85, 12);
    const table = formatSummaryTable(runs);
    expect(table).toMatch(/ 0 {2}lr=0\.1 +2\/3 /);
  });

  it('aggregates each accuracy threshold column too', () => {
    const runs = threeSeeds((k) => ({ thresholds: [{ accuracy: 0.5, timeS: 2 + k }] }));
    const mean = records(summaryCsv(runs)).find((r) => r.row_kind === 'mean')!;
    expect(Number(mean['time_to_0.50_s'])).toBe(3);
  });

  it('is skipped by dtsim compare, which matches runs only', () => {
    const s = parseSummary('dir', summaryCsv(threeSeeds()));
    expect(s.runs.map((r) => r.key)).toEqual(['lr=0.1, seed=1', 'lr=0.1, seed=2', 'lr=0.1, seed=3']);
  });
});

describe('the repeats table', () => {
  it('prints mean ± half-width per repeated configuration under the run table', () => {
    const table = formatSummaryTable(threeSeeds());
    const lines = table.split('\n');
    const at = lines.findIndex((l) => l.startsWith('over seeds: mean ± half-width'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^config +point +seeds +sim time +samples\/s +final acc +to target$/);
    // 10 s ± 2.5 s; accuracy 90.0 ± 24.8% (std 0.1 · 2.484138); to target 6 s ± 12.7 s from 2 of 3 runs.
    expect(lines[at + 3]).toMatch(/^ +0 {2}lr=0\.1 +3 +10\.0 s ± 2\.5 s +.* 90\.0 ± 24\.8% +6\.0 s ± 12\.7 s \(n=2\)$/);
  });

  it('is absent without repeats', () => {
    expect(formatSummaryTable([makeRun()])).not.toContain('over seeds');
  });
});
