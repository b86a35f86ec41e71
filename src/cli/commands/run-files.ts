/** The files of a finished `dtsim run`, as name → text, ready for the atomic writer. */
import { evalsCsv, summaryCsv, updatesCsv, workersCsv } from '../../results/csv.ts';
import { manifestJson } from '../../results/manifest.ts';
import { traceJson } from '../../results/trace.ts';
import type { RunResult } from '../../results/recorder.ts';
import type { Scenario } from '../../scenario/types.ts';
import { packageVersion } from '../program.ts';

/** What the result files are made from. */
export interface ResultInputs {
  readonly results: readonly RunResult[];
  readonly runs: readonly Scenario[];
  readonly file: string;
  readonly text: string;
  readonly backend: string;
  readonly started: string;
  readonly wallS: number;
}

/** summary.csv, evals.csv, updates.csv, workers.csv, trace.json (when any run traces) and manifest.json. */
export function resultFiles(i: ResultInputs): Record<string, string> {
  const results = [...i.results];
  const files: Record<string, string> = {
    'summary.csv': summaryCsv(results),
    'evals.csv': evalsCsv(results),
    'workers.csv': workersCsv(results),
  };
  // updates.csv only when some run kept its rows (output.updates), so an empty file never misleads.
  if (i.runs.some((r) => r.output.updates)) files['updates.csv'] = updatesCsv(results);
  if (i.runs.some((r) => r.output.trace)) files['trace.json'] = traceJson(results);
  files['manifest.json'] = manifestJson({
    results,
    scenarioFile: i.file,
    scenarioText: i.text,
    normalizedScenarios: i.runs,
    sweepValues: i.runs.map((r) => r.sweepValues),
    dtsimVersion: packageVersion(),
    backend: i.backend,
    wallS: i.wallS,
    startedAt: i.started,
    command: process.argv.slice(2),
    files: { ...files },
  });
  return files;
}
