/**
 * Whether `dtsim run` and `dtsim sweep` draw the plots into the results folder they write
 * (`output.plots`). `auto`, the default, draws them only for results small enough that reading them
 * back and drawing stays well under a second: plotting reads every eval, update row and span the runs
 * recorded (the charts themselves are bounded, the reading is not), so the bound is on those records.
 * This file imports nothing heavy: the schema reads its constants, and the plotting packages are
 * loaded only when plots are drawn.
 */

/** `output.plots: auto` draws plots when the runs recorded at most this many evals, update rows and spans together. */
export const AUTO_PLOTS_MAX_RECORDS = 20_000;

/** `output.plots: auto` draws plots for at most this many runs (one sweep's folder). */
export const AUTO_PLOTS_MAX_RUNS = 64;

/** The setting of one run: `true`, `false` or `auto`. */
export type PlotsSetting = boolean | 'auto';

/** What a run recorded, as far as plotting has to read it back. */
export interface RecordCounts {
  readonly evals: number;
  readonly updateRows: number;
  readonly spans: number;
}

/**
 * Whether the results folder of `settings` (one per run written) gets plots. One folder is written for
 * all runs, so one answer: `true` if any run asks for plots, `false` if every run says `false`,
 * otherwise (`auto`) when there are at most `AUTO_PLOTS_MAX_RUNS` runs and at most
 * `AUTO_PLOTS_MAX_RECORDS` records in all.
 */
export function wantsPlots(settings: readonly PlotsSetting[], counts: readonly RecordCounts[]): boolean {
  if (settings.includes(true)) return true;
  if (settings.every((s) => s === false)) return false;
  if (counts.length > AUTO_PLOTS_MAX_RUNS) return false;
  const records = counts.reduce((n, c) => n + c.evals + c.updateRows + c.spans, 0);
  return records <= AUTO_PLOTS_MAX_RECORDS;
}
