/**
 * Cell formatting shared by the CSV writers. Numbers are written with `String(x)`: the shortest text
 * that parses back to the same double, independent of locale, so the same run gives byte-identical
 * files on every machine. Text cells are quoted by csv-stringify (RFC 4180 rules).
 */
import { stringify } from 'csv-stringify/sync';

/**
 * A number as a CSV cell: `String(x)` (shortest round-trip form; integers print without a decimal
 * point, `-0` prints as `0`), and the empty string for `undefined`, a missing value. NaN is a value
 * (a diverged loss) and prints as `NaN`, ±Infinity as `Infinity`/`-Infinity`; pandas and R read all
 * three back as floats, and `keep_default_na=False, na_values=['']` in pandas keeps `NaN` apart from
 * an empty cell.
 */
export function csvNumber(x: number | undefined): string {
  return x === undefined ? '' : String(x);
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

/** Characters per chunk of streamed CSV text: big enough to amortise a write, small enough to stay young. */
const CHUNK_CHARS = 1 << 16;

/**
 * Streams CSV lines as text chunks: each line followed by `\n`, grouped into chunks of about 64 KiB,
 * so that a table of millions of rows is written without ever existing as one string.
 */
export function* csvChunks(lines: Iterable<string>): Generator<string, void, undefined> {
  let part: string[] = [];
  let size = 0;
  for (const line of lines) {
    part.push(line);
    size += line.length + 1;
    if (size >= CHUNK_CHARS) {
      part.push('');
      yield part.join('\n');
      part = [];
      size = 0;
    }
  }
  if (part.length > 0) {
    part.push('');
    yield part.join('\n');
  }
}

/** The whole text of `csvChunks(lines)`: `\n` line ends and a final `\n` (for small tables and tests). */
export function joinCsvLines(lines: Iterable<string>): string {
  let out = '';
  for (const c of csvChunks(lines)) out += c;
  return out;
}
