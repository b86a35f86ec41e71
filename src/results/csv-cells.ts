/**
 * Cell formatting shared by the CSV writers. Numbers are written with `String(x)`: the shortest text
 * that parses back to the same double, independent of locale, so the same run gives byte-identical
 * files on every machine. Text cells are quoted by csv-stringify (RFC 4180 rules).
 */
import { stringify } from 'csv-stringify/sync';

/**
 * A number as a CSV cell: `String(x)` (shortest round-trip form; integers print without a decimal
 * point, `-0` prints as `0`), and the empty string for NaN, which CSV readers take as missing.
 * ±Infinity prints as `Infinity`/`-Infinity`, which pandas and R read back as infinities.
 */
export function csvNumber(x: number): string {
  return x === x ? String(x) : '';
}

// Labels, GPU names and timings repeat on every row of a run; quoting each distinct text once keeps
// csv-stringify off the per-row path. Bounded so a pathological input cannot grow it without limit.
const quoted = new Map<string, string>();
const QUOTE_CACHE_LIMIT = 10_000;

/**
 * A text as a CSV cell, quoted by csv-stringify exactly when needed (a comma, quote, CR or LF inside;
 * quotes doubled). Plain text comes back unchanged.
 */
export function csvText(s: string): string {
  const hit = quoted.get(s);
  if (hit !== undefined) return hit;
  // One record of one field; csv-stringify ends every record with '\n', which is not part of the cell.
  const cell = stringify([[s]], { eof: false });
  if (quoted.size < QUOTE_CACHE_LIMIT) quoted.set(s, cell);
  return cell;
}

/**
 * Joins a header and pre-formatted rows into CSV text: `\n` line ends and a final `\n` (csv-stringify's
 * defaults, so files written by either path are alike). Cells must already be formatted by
 * `csvNumber`/`csvText`; this function adds no quoting.
 */
export function joinCsv(header: readonly string[], rows: readonly string[]): string {
  if (rows.length === 0) return `${header.join(',')}\n`;
  return `${header.join(',')}\n${rows.join('\n')}\n`;
}
