/**
 * The files of a finished `dtsim run`, ready for the atomic writer: the tables and the trace as
 * streams (so none is ever one string, whatever the run's size), and the manifest, made last from the
 * sizes and hashes the writer measured.
 */
import { evalsLines, metricsLines, summaryLines, updatesLines, workersLines } from '../../results/csv.ts';
import { csvChunks } from '../../results/csv-cells.ts';
import { hasLinks, linksLines } from '../../results/link-rows.ts';
import { manifestJson } from '../../results/manifest.ts';
import type { SweepManifest } from '../../results/manifest.ts';
import { STORED_RUNS_DIR, storedRunName } from '../../results/run-store.ts';
import { traceChunks } from '../../results/trace.ts';
import type { RunResult } from '../../results/recorder.ts';
import type { FileContent, FileSource, WrittenFile } from '../../results/write-results.ts';
import type { Scenario } from '../../scenario/types.ts';
import { wantsPlots } from '../../results/plots/auto-plots.ts';
import { packageVersion } from '../program.ts';

/** What the result files are made from. */
export interface ResultInputs {
  readonly results: readonly RunResult[];
  readonly runs: readonly Scenario[];
  readonly file: string;
  readonly text: string;
  readonly backend: string;
  readonly started: string;
  /** `dtsim sweep`: each result's stored-run text (run-store.ts), written to `runs/`, and the manifest's sweep section. */
  readonly sweep?: { readonly stored: readonly string[]; readonly manifest: SweepManifest };
  /** The scenario text's sha256 when `text` is not the file's (`dtsim merge`). */
  readonly scenarioSha256?: string;
  /** Wall-clock seconds so far; read when the manifest is made, after the other files are written. */
  readonly wallS: () => number;
}

/** The result files and the manifest that lists them. */
export interface ResultFiles {
  /** summary.csv, evals.csv, workers.csv, updates.csv (when any run kept rows), metrics.csv (when a schedule reported measurements), links.csv (when a flow-model run recorded link bins), trace.json (when any run traces). */
  readonly files: Record<string, FileSource>;
  /** manifest.json, from the files as written. */
  readonly finalFiles: (written: readonly WrittenFile[]) => Record<string, FileContent>;
}

/** The files of a results folder, as streams, and the manifest maker. */
export function resultFiles(i: ResultInputs): ResultFiles {
  const results = [...i.results];
  const files: Record<string, FileSource> = {
    'summary.csv': () => csvChunks(summaryLines(results)),
    'evals.csv': () => csvChunks(evalsLines(results)),
    'workers.csv': () => csvChunks(workersLines(results)),
  };
  // updates.csv only when some run kept its rows, so an empty file never misleads.
  if (results.some((r) => r.updatesKept)) files['updates.csv'] = () => csvChunks(updatesLines(results));
  // metrics.csv only when some schedule reported a measurement (Hogwild!'s conflicts).
  if (results.some((r) => r.metrics.length > 0)) files['metrics.csv'] = () => csvChunks(metricsLines(results));
  // links.csv only when some run recorded link bins (flow network model, output.links).
  if (hasLinks(results)) files['links.csv'] = () => csvChunks(linksLines(results));
  if (i.runs.some((r) => r.output.trace)) files['trace.json'] = () => traceChunks(results);
  i.sweep?.stored.forEach((text, j) => {
    const r = results[j]!;
    files[`${STORED_RUNS_DIR}/${storedRunName(r.runId, r.runKey ?? '')}`] = text;
  });
  // Indexed by run id, which is the global one in a shard: the manifest looks the values up by it.
  const sweepValues: (Readonly<Record<string, unknown>> | undefined)[] = [];
  i.runs.forEach((r, j) => (sweepValues[results[j]?.runId ?? j] = r.sweepValues));
  const finalFiles = (written: readonly WrittenFile[]): Record<string, FileContent> => ({
    'manifest.json': manifestJson({
      results,
      scenarioFile: i.file,
      scenarioText: i.text,
      normalizedScenarios: i.runs,
      sweepValues,
      ...(i.sweep === undefined ? {} : { sweep: i.sweep.manifest }),
      ...(i.scenarioSha256 === undefined ? {} : { scenarioSha256: i.scenarioSha256 }),
      dtsimVersion: packageVersion(),
      backend: i.backend,
      wallS: i.wallS(),
      startedAt: i.started,
      command: process.argv.slice(2),
      files: written,
    }),
  });
  return { files, finalFiles };
}

/**
 * `output.plots`: the writer's `beforeSwap` that draws the plots into the temporary folder from the
 * files just written (so they arrive with the results in one rename, or on any failure neither does),
 * or `undefined` when the folder gets no plots. The plotting packages load only when plots are drawn.
 */
export function plotsBeforeSwap(
  runs: readonly Scenario[],
  results: readonly RunResult[],
): ((tmp: string) => Promise<void>) | undefined {
  const on = wantsPlots(
    runs.map((r) => r.output.plots),
    results.map((r) => ({ evals: r.evals.length, updateRows: r.updateRows.length, spans: r.spans.length })),
  );
  if (!on) return undefined;
  return async (tmp) => {
    const { addPlotsFolder } = await import('../../results/plots/write-plots.ts');
    await addPlotsFolder(tmp);
  };
}
