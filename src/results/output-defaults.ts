/**
 * The output defaults and limits that keep a run's results bounded at any scale (results/README.md,
 * "Defaults and limits"). The recorder holds at most `traceLimit` spans and `updatesLimit` update rows,
 * so its memory, and the size of every file written from it, has a ceiling whatever the cluster size.
 * Above `AUTO_ROWS_MAX_WORKERS` workers, per-update rows are off unless the scenario asks for them: a
 * 16,384-GPU run applies 16 million updates per thousand steps, and a table of them is rarely what a
 * capacity study wants.
 */

/** `output.updates: auto` (the default) keeps per-update rows up to this many workers. */
export const AUTO_ROWS_MAX_WORKERS = 1024;

/**
 * `output.links: auto` (the default) records links.csv for flow-model runs up to this many workers:
 * about 4 directed links a GPU on a leaf-spine cluster, 8 kB of bins each while recording, and up to
 * 200 rows each in links.csv (about 64 × 4 × 200 ≈ 51,000 rows, 4 MB).
 */
export const AUTO_LINKS_MAX_WORKERS = 64;

/**
 * Whether a run records links.csv: only the flow network model has link state over time; `auto` (or
 * no setting) means up to `AUTO_LINKS_MAX_WORKERS` workers.
 */
export function recordsLinks(setting: boolean | 'auto' | undefined, model: string, workers: number): boolean {
  if (model !== 'flow') return false;
  return setting === undefined || setting === 'auto' ? workers <= AUTO_LINKS_MAX_WORKERS : setting;
}

/** Default `output.updatesLimit`: update rows kept per run (about 40 MB of columns). */
export const DEFAULT_UPDATES_LIMIT = 1_000_000;

/** Largest `output.updatesLimit` a scenario may ask for (about 400 MB of columns per run). */
export const MAX_UPDATES_LIMIT = 10_000_000;

/** Default `output.traceLimit`: spans kept per run. */
export const DEFAULT_TRACE_LIMIT = 200_000;

/** Largest `output.traceLimit` a scenario may ask for (a trace.json of roughly 250 MB). */
export const MAX_TRACE_LIMIT = 2_000_000;

/** Whether a run keeps per-update rows: `auto` means up to `AUTO_ROWS_MAX_WORKERS` workers. */
export function keepsUpdateRows(setting: boolean | 'auto', workers: number): boolean {
  return setting === 'auto' ? workers <= AUTO_ROWS_MAX_WORKERS : setting;
}

/** Thousands separators for notes (`16,384`), independent of the machine's locale. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The notes a run's results carry about what they leave out: rows turned off by the `auto` default,
 * update rows and spans beyond their limits. Empty when nothing is left out.
 */
export function outputNotes(o: {
  readonly updatesSetting: boolean | 'auto';
  readonly workers: number;
  readonly updatesLimit: number;
  readonly updatesKept: number;
  readonly updatesDropped: number;
  readonly traceLimit: number;
  readonly spansKept: number;
  readonly spansDropped: number;
}): string[] {
  const notes: string[] = [];
  if (o.updatesSetting === 'auto' && !keepsUpdateRows('auto', o.workers)) {
    notes.push(
      `no updates.csv rows: output.updates is off by default above ${grouped(AUTO_ROWS_MAX_WORKERS)} workers (this run has ${grouped(o.workers)}); set output.updates: true to keep up to output.updatesLimit rows`,
    );
  }
  if (o.updatesDropped > 0) {
    notes.push(
      `updates.csv keeps the first ${grouped(o.updatesKept)} updates of ${grouped(o.updatesKept + o.updatesDropped)} (output.updatesLimit ${grouped(o.updatesLimit)}); staleness statistics count them all`,
    );
  }
  if (o.spansDropped > 0) {
    notes.push(
      `trace.json keeps the first ${grouped(o.spansKept)} spans of ${grouped(o.spansKept + o.spansDropped)} (output.traceLimit ${grouped(o.traceLimit)})`,
    );
  }
  return notes;
}
