/**
 * summary.csv's aggregate rows (`repeats` ≥ 2). The file keeps one row per run and gains, after all of
 * them, six rows per repeated configuration, told apart by the `row_kind` column: `n` (values used per
 * metric), `mean`, `std`, `ci95_half_width`, `ci95_low`, `ci95_high`. They use the same columns as the
 * run rows, so each statistic sits under the metric it summarizes and keeps its unit (`sim_time_s`
 * holds a mean time in seconds); columns no statistic is computed for are empty. Readers that want
 * only runs keep `row_kind == "run"`; a file without repeats has neither column.
 */
import { csvNumber as num, csvText as text } from './csv-cells.ts';
import type { RunResult } from './recorder.ts';
import { repeatedConfigs } from './repeat-stats.ts';
import type { SampleStats } from './stats.ts';

/** The columns appended to summary.csv when some configuration has repeats. */
export const REPEAT_COLUMNS: readonly string[] = ['config_id', 'row_kind'];

/** The aggregate rows' kinds, in the order each configuration's rows are written. */
export const AGGREGATE_ROW_KINDS = ['n', 'mean', 'std', 'ci95_half_width', 'ci95_low', 'ci95_high'] as const;

/** One aggregate row kind. */
export type AggregateRowKind = (typeof AGGREGATE_ROW_KINDS)[number];

const PICK: Readonly<Record<AggregateRowKind, (s: SampleStats) => number | undefined>> = {
  n: (s) => s.n,
  mean: (s) => s.mean,
  std: (s) => s.std,
  ci95_half_width: (s) => s.halfWidth,
  ci95_low: (s) => s.low,
  ci95_high: (s) => s.high,
};

/** Whether summary.csv gets the repeat columns and aggregate rows. */
export { hasRepeats } from './repeat-stats.ts';

/**
 * The aggregate lines of summary.csv for `header` (the file's columns, repeat columns included): per
 * repeated configuration, in order of its first run, one line per `AGGREGATE_ROW_KINDS`.
 */
export function* aggregateLines(
  results: readonly RunResult[],
  header: readonly string[],
): Generator<string, void, undefined> {
  for (const c of repeatedConfigs(results)) {
    const first = c.runs[0]!;
    // What all repeats share names the row; run_id and seed stay empty: no single run is meant.
    const fixed: Record<string, string> = {
      scenario: text(first.scenario),
      point: text(c.label),
      schedule: text(first.schedule),
      mode: text(first.mode),
      workers: num(first.workers),
      timing: text(first.timing),
      config_id: num(c.configId),
    };
    for (const kind of AGGREGATE_ROW_KINDS) {
      yield header
        .map((col) => {
          if (col === 'row_kind') return kind;
          const s = c.stats.get(col);
          return s !== undefined ? num(PICK[kind](s)) : (fixed[col] ?? '');
        })
        .join(',');
    }
  }
}
