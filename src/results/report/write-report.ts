/**
 * `writeReport`: builds the report of a results folder and writes it to `<results>/report.html` or
 * another file, under a temporary name renamed into place, so a reader never sees half a page and a
 * failed build leaves the previous report as it was.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildReport, checkResultsDir, type BuiltReport } from './build-report.ts';
import { REPORT_FILE } from './marker.ts';

/** Options of `writeReport`. */
export interface ReportOptions {
  /** File to write instead of `<results>/report.html`. */
  readonly out?: string;
}

/** Where the report went, and the plots it could not draw. */
export interface ReportOutcome extends BuiltReport {
  readonly path: string;
}

/** Builds and writes the report of `resultsDir`; throws `ReportError` for a folder that is not one. */
export async function writeReport(resultsDir: string, opts: ReportOptions = {}): Promise<ReportOutcome> {
  checkResultsDir(resultsDir);
  const path = opts.out ?? join(resultsDir, REPORT_FILE);
  const built = await buildReport(resultsDir, path);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${String(process.pid)}`;
  try {
    writeFileSync(tmp, built.html);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { ...built, path };
}
