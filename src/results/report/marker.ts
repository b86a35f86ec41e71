/**
 * How a report.html is known to be dtsim's: its head carries `<meta name="generator" content="dtsim
 * report">`. `dtsim run` replaces a results folder only when it holds nothing a user made, and a
 * report is part of the results it was built from. Kept apart from the page code so that the run's
 * folder check loads nothing else.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** File name of the report inside a results folder. */
export const REPORT_FILE = 'report.html';

/** The generator tag every report's head carries. */
export const REPORT_GENERATOR_META = '<meta name="generator" content="dtsim report">';

/** Whether the file at `path` starts like a page `dtsim report` wrote (only its first 1 KB is read). */
export function isDtsimReport(path: string): boolean {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').includes(REPORT_GENERATOR_META);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}
