/**
 * The `.dtsim-plots` file that marks a plots folder as written by `dtsim plot`. It lists the files
 * written, so that `dtsim plot` replaces (and `dtsim run` accepts inside a results folder) only a
 * folder that holds nothing else: a chart a user saved there is theirs, and stops the replacement.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the marker file inside a plots folder. */
export const PLOTS_MARKER = '.dtsim-plots';

/** Name of the plots folder `dtsim plot` writes inside a results folder by default. */
export const PLOTS_DIR = 'plots';

/** The marker's text for the given file names: a header line, then one name per line. */
export function plotsMarkerText(files: readonly string[]): string {
  return ['dtsim plot output; this folder is replaced whole by the next `dtsim plot`', ...files, ''].join('\n');
}

/**
 * The file names (marker included) that `dir`'s marker lists, or `undefined` when `dir` holds no
 * readable `.dtsim-plots`.
 */
export function dtsimPlotFiles(dir: string): Set<string> | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, PLOTS_MARKER), 'utf8');
  } catch {
    return undefined;
  }
  const [head, ...names] = text.split('\n');
  if (head === undefined || !head.startsWith('dtsim plot output')) return undefined;
  return new Set([PLOTS_MARKER, ...names.filter((n) => n !== '' && !n.includes('/'))]);
}
