/**
 * Reading a results folder's summary.csv for `dtsim compare`. Every way a folder can fail to be one
 * (missing, a file, no summary.csv, no header) becomes a `CompareError` whose message is one line that
 * names the folder, says what is missing and what a results folder holds, so the CLI prints it as is.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv, CsvReadError } from './csv-read.ts';

/** A problem with the command's input: printed as one line, never with a stack trace. */
export class CompareError extends Error {}

/** What a results folder is, appended to every "not a results folder" message. */
export const RESULTS_FOLDER_HINT =
  'a results folder is what `dtsim run` writes (--out DIR, default results/<scenario>/): ' +
  'summary.csv (one row per run) with manifest.json, evals.csv, updates.csv, workers.csv and trace.json';

/** One run of a summary.csv: its name for matching across folders and its cells by column. */
export interface SummaryRun {
  /** The `point` label, or `run N` when the label is empty; made unique within its folder. */
  readonly key: string;
  readonly cells: Readonly<Record<string, string>>;
}

/** A results folder's summary as `dtsim compare` uses it. */
export interface ResultsSummary {
  /** The folder as the user named it (shown in the legend and the CSV's `folder` column). */
  readonly folder: string;
  /** summary.csv's header, in file order. */
  readonly columns: readonly string[];
  readonly runs: readonly SummaryRun[];
}

/**
 * Names the runs: by `point`, the label the run table shows, because that is what stays the same when a
 * what-if changes a setting, while run ids shift when a sweep gains or loses points. A label used twice
 * in one folder (possible with hand-made sweeps) gets its run id appended, so no run is hidden.
 */
function runKeys(rows: readonly Record<string, string>[]): string[] {
  const base = rows.map((r) => ((r.point ?? '') === '' ? `run ${r.run_id ?? '?'}` : r.point!));
  const count = new Map<string, number>();
  for (const k of base) count.set(k, (count.get(k) ?? 0) + 1);
  return base.map((k, i) => (count.get(k)! > 1 ? `${k} (run ${rows[i]!.run_id ?? i})` : k));
}

/** Parses summary.csv text; `folder` only names the source in error messages. */
export function parseSummary(folder: string, text: string): ResultsSummary {
  const file = join(folder, 'summary.csv');
  let records: string[][];
  try {
    records = readCsv(text);
  } catch (err) {
    if (err instanceof CsvReadError) throw new CompareError(`${file}: not valid CSV (${err.message})`);
    throw err;
  }
  const columns = records[0];
  if (columns === undefined || !columns.includes('run_id'))
    throw new CompareError(`${file}: no header row with a run_id column; ${RESULTS_FOLDER_HINT}`);
  // Aggregate rows over repeats (row_kind mean, std, ...) summarize runs; only runs are compared.
  const rows = records
    .slice(1)
    .map((cells) => Object.fromEntries(columns.map((c, j) => [c, cells[j] ?? ''])))
    .filter((r) => (r.row_kind ?? 'run') === 'run');
  const keys = runKeys(rows);
  return { folder, columns, runs: rows.map((cells, i) => ({ key: keys[i]!, cells })) };
}

/** Reads `folder`/summary.csv; throws `CompareError` when the folder is not a results folder. */
export function loadSummary(folder: string): ResultsSummary {
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (stat === undefined) throw new CompareError(`${folder}: no such folder; ${RESULTS_FOLDER_HINT}`);
  if (!stat.isDirectory()) throw new CompareError(`${folder}: not a folder; ${RESULTS_FOLDER_HINT}`);
  const file = join(folder, 'summary.csv');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CompareError(`${folder}: no summary.csv in this folder; ${RESULTS_FOLDER_HINT}`);
    throw new CompareError(`${file}: cannot be read (${code ?? String(err)})`);
  }
  return parseSummary(folder, text);
}
