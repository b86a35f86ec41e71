/**
 * `dtsim compare`'s model: the runs of several results folders matched by name, and per run and metric
 * each folder's value with its difference from the first folder (the baseline). Pure: formatting is
 * compare-format.ts's, reading compare-load.ts's.
 */
import { CompareError, type ResultsSummary } from './compare-load.ts';

/**
 * The metrics shown by default, in this order, each only where some run of some folder has a value: a
 * timing-only study has no accuracy, a data-parallel CNN no tokens/s, and empty rows would only hide
 * the ones that moved. Threshold columns (`time_to_0.90_s`) follow `time_to_target_s`.
 */
export const DEFAULT_METRICS = [
  'sim_time_s',
  'throughput_samples_per_s',
  'tokens_per_s',
  'final_accuracy',
  'best_accuracy',
  'time_to_target_s',
  'mean_staleness',
  'mean_utilization',
  'bytes_sent',
  'peak_memory_bytes',
  'mfu',
] as const;

/** Columns that say what was run rather than how it went: a difference is noted under the table. */
export const CONTEXT_COLUMNS = ['schedule', 'mode', 'workers', 'seed', 'timing', 'stop_reason'] as const;

/** One folder's entry in a comparison row. */
export interface CompareValue {
  /** False when the folder has no run of this name (shown as `—`). */
  readonly present: boolean;
  /** The cell as summary.csv wrote it (full precision); empty when missing. */
  readonly text: string;
  /** The cell as a number, when it is one (`NaN` included); undefined for text and empty cells. */
  readonly value?: number;
  /** value − baseline value, when both are finite numbers; undefined on the baseline itself. */
  readonly delta?: number;
  /** 100 · delta / |baseline|, when the baseline is finite and non-zero. */
  readonly deltaPct?: number;
  /** For text cells: whether this folder's text differs from the baseline's (both present). */
  readonly differs?: boolean;
  /** True when the baseline has no run of this name, so there is nothing to differ from. */
  readonly noBaseline?: boolean;
}

/** One run × metric line: the baseline's value first, then every other folder's. */
export interface CompareRow {
  readonly run: string;
  readonly metric: string;
  readonly values: readonly CompareValue[];
}

/** The whole comparison. */
export interface Comparison {
  readonly folders: readonly string[];
  readonly metrics: readonly string[];
  /** Run names: the baseline's in its order, then runs only other folders have, as they appear. */
  readonly runs: readonly string[];
  readonly rows: readonly CompareRow[];
  /** One line per run whose settings or stop reason differ from the baseline's, or that a folder lacks. */
  readonly notes: readonly string[];
}

/** A summary.csv cell as a number; undefined when empty or text (`true`, a schedule name). */
export function cellNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t === 'NaN') return NaN;
  const x = Number(t);
  return Number.isNaN(x) ? undefined : x;
}

/** The default metrics present in any of `summaries`, thresholds after `time_to_target_s`. */
export function defaultMetrics(summaries: readonly ResultsSummary[]): string[] {
  const hasValue = (m: string): boolean => summaries.some((s) => s.runs.some((r) => (r.cells[m] ?? '') !== ''));
  const thresholds = [...new Set(summaries.flatMap((s) => s.columns.filter((c) => /^time_to_[0-9.]+_s$/.test(c))))];
  thresholds.sort((a, b) => Number(a.slice(8, -2)) - Number(b.slice(8, -2)));
  const order = DEFAULT_METRICS.flatMap((m) => (m === 'time_to_target_s' ? [m, ...thresholds] : [m]));
  return order.filter(hasValue);
}

/** Checks `--metrics` names against the folders' columns; throws one line listing what exists. */
export function checkMetrics(metrics: readonly string[], summaries: readonly ResultsSummary[]): void {
  const known = [...new Set(summaries.flatMap((s) => s.columns))];
  const unknown = metrics.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    throw new CompareError(
      `unknown metric${unknown.length === 1 ? '' : 's'} ${unknown.map((m) => `"${m}"`).join(', ')}; summary.csv columns: ${known.join(', ')}`,
    );
  if (metrics.length === 0) throw new CompareError('--metrics names no metric');
}

/**
 * Differences smaller than this share of the values are float noise from summing in another order
 * (a throughput of 6978.363701369781 against 6978.36370136978), shown as zero, not as `+0.0`.
 */
const NOISE = 1e-12;

function entry(baseline: string | undefined, text: string | undefined, isBaseline: boolean): CompareValue {
  if (text === undefined) return { present: false, text: '' };
  const value = cellNumber(text);
  const number = value === undefined ? {} : { value };
  if (isBaseline) return { present: true, text, ...number };
  if (baseline === undefined) return { present: true, text, ...number, noBaseline: true };
  const base = cellNumber(baseline);
  if (value === undefined || base === undefined) {
    // Text (or empty) on either side: no arithmetic, only whether the two say the same.
    const differs = text !== '' && baseline !== '' && text !== baseline;
    return { present: true, text, ...(value === undefined ? {} : { value }), differs };
  }
  if (!Number.isFinite(value) || !Number.isFinite(base)) return { present: true, text, value };
  let delta = value - base;
  if (Math.abs(delta) <= NOISE * Math.max(Math.abs(value), Math.abs(base))) delta = 0;
  return { present: true, text, value, delta, ...(base === 0 ? {} : { deltaPct: (100 * delta) / Math.abs(base) }) };
}

/** Letters naming the folders in the table and its notes: A (the baseline), B, C, … */
export function folderLetter(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `#${i + 1}`;
}

/** Matches the runs of `summaries` by name and computes each metric's deltas against the first folder. */
export function compareSummaries(summaries: readonly ResultsSummary[], metrics: readonly string[]): Comparison {
  const byName = summaries.map((s) => new Map(s.runs.map((r) => [r.key, r.cells])));
  const runs = [...new Set(summaries.flatMap((s) => s.runs.map((r) => r.key)))];
  const rows: CompareRow[] = [];
  const notes: string[] = [];
  for (const run of runs) {
    const cells = byName.map((m) => m.get(run));
    const base = cells[0];
    for (const metric of metrics)
      rows.push({
        run,
        metric,
        values: cells.map((c, i) =>
          c === undefined
            ? entry(undefined, undefined, i === 0)
            : entry(base === undefined ? undefined : (base[metric] ?? ''), c[metric] ?? '', i === 0),
        ),
      });
    const missing = cells.flatMap((c, i) => (c === undefined ? [folderLetter(i)] : []));
    if (missing.length > 0) notes.push(`run "${run}": not in ${missing.join(', ')}`);
    if (base === undefined) continue;
    for (const col of CONTEXT_COLUMNS) {
      const others = cells.flatMap((c, i) =>
        i > 0 && c !== undefined && (c[col] ?? '') !== (base[col] ?? '')
          ? [`${c[col] ?? ''} (${folderLetter(i)})`]
          : [],
      );
      if (others.length > 0) notes.push(`run "${run}": ${col} ${base[col] ?? ''} (A) vs ${others.join(', ')}`);
    }
  }
  return { folders: summaries.map((s) => s.folder), metrics, runs, rows, notes };
}
