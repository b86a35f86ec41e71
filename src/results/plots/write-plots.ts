/**
 * `plotResults`: reads a results folder, draws every plot its files allow, and writes each as SVG and
 * PNG into `<results>/plots/` (or another folder). The folder is written beside its target under a
 * temporary name and renamed into place, so it is always either the previous plots or the complete
 * new ones; an existing folder is replaced only when its `.dtsim-plots` marker shows that `dtsim plot`
 * wrote it and it holds nothing else. `addPlotsFolder` draws the same plots into a results folder that
 * `dtsim run` is still writing (`output.plots`), where the run's own rename makes them atomic.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { dtsimPlotFiles, PLOTS_DIR, PLOTS_MARKER, plotsMarkerText } from './marker.ts';
import { renderPng, renderSvg } from './render.ts';
import { configGroups, describeRuns } from './runs.ts';
import type { PlotSpec, SkippedPlot } from './spec-common.ts';
import { curvesPlot, throughputPlot } from './spec-curves.ts';
import { linksPlot } from './spec-links.ts';
import { pipelinePlot } from './spec-pipeline.ts';
import { stalenessPlot } from './spec-staleness.ts';
import { timelinePlot } from './spec-timeline.ts';
import { readTable, readTraceSpans } from './tables.ts';

/** A problem that stops `dtsim plot`, told in one line. */
export class PlotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlotError';
  }
}

/** What `plotResults` did. */
export interface PlotOutcome {
  /** The folder the plots are in (absent when nothing could be drawn). */
  readonly dir: string | undefined;
  /** Files written, SVG and PNG of each plot, in plot order. */
  readonly files: readonly string[];
  readonly skipped: readonly SkippedPlot[];
}

/** Options of `plotResults`. */
export interface PlotOptions {
  /** Folder for the plots instead of `<results>/plots`. */
  readonly out?: string;
}

const isSkipped = (p: PlotSpec | SkippedPlot): p is SkippedPlot => 'reason' in p;

/** The plot specs a results folder allows, and a reason for every plot it does not. */
export function planPlots(resultsDir: string): (PlotSpec | SkippedPlot)[] {
  const file = (name: string): string => join(resultsDir, name);
  let manifestRuns: { run_id?: number; sweep_values?: Record<string, unknown> }[] | undefined;
  try {
    manifestRuns = (JSON.parse(readFileSync(file('manifest.json'), 'utf8')) as { runs?: typeof manifestRuns }).runs;
  } catch {
    manifestRuns = undefined; // configurations are then told apart by their labels (runs.ts)
  }
  const table = readTable(file('summary.csv'));
  // Aggregate rows over repeats (row_kind mean, std, ...) are not runs; the plots draw their own bands.
  const summary = { ...table, rows: table.rows.filter((r) => (r.row_kind ?? 'run') === 'run') };
  const runs = describeRuns(summary, manifestRuns);
  const absent = (plot: string, name: string, why: string): SkippedPlot => ({
    name: plot,
    reason: `no ${name} in the results folder (${why})`,
  });
  const trace = existsSync(file('trace.json')) ? readTraceSpans(file('trace.json')) : undefined;
  // The stage grid applies to pipeline runs only: without stage tracks it is not offered, not skipped.
  const pipeline = trace?.spans.some((s) => s.stage !== undefined) === true ? [pipelinePlot(trace, runs)] : [];
  return [
    existsSync(file('evals.csv'))
      ? curvesPlot(readTable(file('evals.csv')), configGroups(runs))
      : absent('accuracy-loss', 'evals.csv', 'written by an older dtsim?'),
    throughputPlot(summary, runs),
    trace !== undefined
      ? timelinePlot(trace, runs)
      : absent('timeline', 'trace.json', 'the runs had output.trace: false'),
    existsSync(file('updates.csv'))
      ? stalenessPlot(readTable(file('updates.csv')), runs)
      : absent('staleness', 'updates.csv', 'no run kept update rows: output.updates'),
    ...pipeline,
    existsSync(file('links.csv'))
      ? linksPlot(readTable(file('links.csv')), runs)
      : absent('link-utilisation', 'links.csv', 'link utilisation needs network.model: flow, and output.links'),
  ];
}

/** The plots of a results folder drawn as files (`name.svg`, `name.png`), and the plots skipped. */
export interface DrawnPlots {
  readonly rendered: readonly (readonly [string, string | Buffer])[];
  readonly skipped: readonly SkippedPlot[];
}

/** Draws every plot `resultsDir` allows, SVG and PNG of each, in plot order; writes nothing. */
export async function drawPlots(resultsDir: string): Promise<DrawnPlots> {
  const plans = planPlots(resultsDir);
  const rendered: [string, string | Buffer][] = [];
  for (const p of plans) {
    if (isSkipped(p)) continue;
    const svg = await renderSvg(p.spec);
    rendered.push([`${p.name}.svg`, svg], [`${p.name}.png`, await renderPng(svg)]);
  }
  return { rendered, skipped: plans.filter(isSkipped) };
}

/**
 * Creates the folder `dir` (it must not exist) with the drawn files and the `.dtsim-plots` marker that
 * lists them; returns the file names. Not atomic by itself: callers write into a temporary folder.
 */
export function writePlotFiles(dir: string, rendered: DrawnPlots['rendered']): string[] {
  mkdirSync(dir);
  for (const [name, data] of rendered) writeFileSync(join(dir, name), data);
  const files = rendered.map(([name]) => name);
  writeFileSync(join(dir, PLOTS_MARKER), plotsMarkerText(files));
  return files;
}

/**
 * Draws the plots of the results folder `resultsDir` into `<resultsDir>/plots`, which must not exist:
 * `dtsim run` calls it on its temporary folder before the swap (write-results.ts `beforeSwap`), so the
 * plots are the ones `dtsim plot` would draw from the same files. Writes nothing when no plot applies.
 */
export async function addPlotsFolder(resultsDir: string): Promise<string[]> {
  const { rendered } = await drawPlots(resultsDir);
  return rendered.length === 0 ? [] : writePlotFiles(join(resultsDir, PLOTS_DIR), rendered);
}

/** Why an existing `dir` may not be replaced by new plots, or `undefined` when it may. */
function replaceProblem(dir: string): string | undefined {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (!st.isDirectory()) return 'it exists and is not a folder';
  const entries = readdirSync(dir).sort();
  if (entries.length === 0) return undefined;
  const listed = dtsimPlotFiles(dir);
  if (listed === undefined) return `it is not a folder dtsim plot wrote (no ${PLOTS_MARKER} file); give another --out`;
  const foreign = entries.filter((e) => !listed.has(e));
  if (foreign.length > 0)
    return `it holds files dtsim plot did not write (${foreign.slice(0, 5).join(', ')}); move them out or give another --out`;
  return undefined;
}

/**
 * Draws the plots of `resultsDir` and writes them. Throws `PlotError` for a missing results folder, one
 * without summary.csv, or a plots folder that is not dtsim's.
 */
export async function plotResults(resultsDir: string, opts: PlotOptions = {}): Promise<PlotOutcome> {
  let st;
  try {
    st = lstatSync(resultsDir);
  } catch {
    throw new PlotError(`no results folder ${resultsDir}`);
  }
  if (!st.isDirectory()) throw new PlotError(`${resultsDir} is not a folder`);
  if (!existsSync(join(resultsDir, 'summary.csv')))
    throw new PlotError(`${resultsDir} has no summary.csv; give a folder written by dtsim run`);
  const dir = opts.out ?? join(resultsDir, PLOTS_DIR);
  const problem = replaceProblem(dir);
  if (problem !== undefined) throw new PlotError(`cannot write plots to ${dir}: ${problem}`);

  const { rendered, skipped } = await drawPlots(resultsDir);
  if (rendered.length === 0) return { dir: undefined, files: [], skipped };

  const tmp = `${dir}.tmp-${String(process.pid)}`;
  const old = `${dir}.old-${String(process.pid)}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(tmp), { recursive: true });
  try {
    const files = writePlotFiles(tmp, rendered);
    // Checked again just before the swap: the folder may have changed while the plots were drawn.
    const late = replaceProblem(dir);
    if (late !== undefined) throw new PlotError(`cannot write plots to ${dir}: ${late}`);
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
    return { dir, files, skipped };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) renameSync(old, dir);
    throw err;
  }
}
