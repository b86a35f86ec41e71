/**
 * Gathers a results folder into the report page: the run table from summary.csv, the plots drawn by
 * `dtsim plot`'s own specs and renderer (inline SVG, nothing written to plots/), the scenario and
 * manifest, and the Perfetto section. Reads the folder only; writing is write-report.ts's job.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { renderSvg } from '../plots/render.ts';
import type { PlotSpec, SkippedPlot } from '../plots/spec-common.ts';
import { readTable } from '../plots/tables.ts';
import { planPlots } from '../plots/write-plots.ts';
import { esc, inlineSvg } from './html.ts';
import { pageHtml, type PageSection } from './page.ts';
import { manifestHtml, scenarioHtml, traceHtml, type ScenarioSource } from './sections.ts';
import { summaryTableHtml } from './summary-html.ts';

/** A problem that stops `dtsim report`, told in one line. */
export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

/** The heading each plot gets in the report (and its SVG's `<title>`), by plot name. */
export const PLOT_TITLES: Readonly<Record<string, string>> = {
  'accuracy-loss': 'Test accuracy and loss over simulated time',
  throughput: 'Throughput',
  timeline: 'Worker timeline',
  staleness: 'Staleness',
  'link-utilisation': 'Link utilisation (flow network model)',
};

/** The built page and what it had to leave out. */
export interface BuiltReport {
  readonly html: string;
  /** Plots the folder's files do not allow, with the reason (also shown in the page). */
  readonly skipped: readonly SkippedPlot[];
}

/** Throws `ReportError` unless `resultsDir` is a folder with a summary.csv. */
export function checkResultsDir(resultsDir: string): void {
  let st;
  try {
    st = lstatSync(resultsDir);
  } catch {
    throw new ReportError(`no results folder ${resultsDir}`);
  }
  if (!st.isDirectory()) throw new ReportError(`${resultsDir} is not a folder`);
  if (!existsSync(join(resultsDir, 'summary.csv')))
    throw new ReportError(`${resultsDir} has no summary.csv; give a folder written by dtsim run`);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The scenario file the manifest names, looked up as `dtsim run` was given it: relative paths from the
 * current folder (where `npm start` and most runs are made), then from the results folder's parent.
 */
function scenarioSource(manifest: Record<string, unknown> | undefined, resultsDir: string): ScenarioSource | undefined {
  const sc = manifest?.scenario as { file?: unknown; sha256?: unknown } | undefined;
  if (typeof sc?.file !== 'string' || sc.file === '') return undefined;
  const candidates = isAbsolute(sc.file) ? [sc.file] : [resolve(sc.file), resolve(dirname(resultsDir), sc.file)];
  for (const path of candidates) {
    const text = readText(path);
    if (text === undefined) continue;
    const sha = createHash('sha256').update(text).digest('hex');
    return { file: sc.file, text, ...(typeof sc.sha256 === 'string' ? { matches: sha === sc.sha256 } : {}) };
  }
  return { file: sc.file };
}

async function plotsHtml(plans: readonly (PlotSpec | SkippedPlot)[]): Promise<string> {
  const parts: string[] = [];
  for (const p of plans) {
    const title = PLOT_TITLES[p.name] ?? p.name;
    if ('reason' in p) {
      parts.push(`<p class="note">${esc(title)}: not drawn, ${esc(p.reason)}.</p>`);
      continue;
    }
    const svg = inlineSvg(await renderSvg(p.spec), p.name, title);
    parts.push(`<figure data-plot="${esc(p.name)}">${svg}</figure>`);
  }
  return parts.join('\n');
}

/**
 * The report of `resultsDir` as one HTML document meant to be saved at `reportPath` (links to
 * trace.json are made relative to it). Throws `ReportError` for a missing folder or summary.csv.
 */
export async function buildReport(resultsDir: string, reportPath: string): Promise<BuiltReport> {
  checkResultsDir(resultsDir);
  const summary = readTable(join(resultsDir, 'summary.csv'));
  const manifestText = readText(join(resultsDir, 'manifest.json'));
  let manifest: Record<string, unknown> | undefined;
  try {
    manifest = manifestText === undefined ? undefined : (JSON.parse(manifestText) as Record<string, unknown>);
  } catch {
    manifest = undefined;
  }
  const plans = planPlots(resultsDir);
  const tracePath = join(resultsDir, 'trace.json');
  const traceRel = existsSync(tracePath) ? relative(dirname(resolve(reportPath)), resolve(tracePath)) : undefined;
  const name = summary.rows[0]?.scenario ?? String((manifest?.scenario as { name?: unknown } | undefined)?.name ?? '');
  const finished = typeof manifest?.finished_at === 'string' ? `, finished ${manifest.finished_at}` : '';
  const version = typeof manifest?.dtsim_version === 'string' ? `dtsim ${manifest.dtsim_version}` : 'dtsim';
  const sections: PageSection[] = [
    { id: 'runs', title: 'Runs', html: summaryTableHtml(summary) },
    { id: 'plots', title: 'Plots', html: await plotsHtml(plans) },
    { id: 'trace', title: 'Trace', html: traceHtml(traceRel) },
    { id: 'scenario', title: 'Scenario', html: scenarioHtml(manifest, scenarioSource(manifest, resultsDir)) },
    { id: 'manifest', title: 'Manifest', html: manifestHtml(manifestText) },
  ];
  const html = pageHtml(
    `dtsim report: ${name === '' ? resultsDir : name}`,
    `${String(summary.rows.length)} run(s) from ${resultsDir}; ${version}${finished}. Simulated times, real gradients.`,
    sections,
  );
  return { html, skipped: plans.filter((p): p is SkippedPlot => 'reason' in p) };
}
