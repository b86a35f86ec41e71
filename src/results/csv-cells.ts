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

// Rows per chunk: large enough that the final join is cheap, small enough that each chunk is
// flattened while its rows are still young. Keeping a million row strings alive until one final join
// measured 2-3x slower (old-generation GC over the row strings).
const CHUNK_ROWS = 1024;

/**
 * Collects CSV lines and joins them: `\n` line ends and a final `\n` (csv-stringify's defaults).
 * Lines must already be formatted by `csvNumber`/`csvText`; this class adds no quoting.
 */
export class CsvLines {
  private readonly chunks: string[] = [];
  private part: string[];

  /** Starts the text with the header row (plain snake_case names, which never need quoting). */
  constructor(header: readonly string[]) {
    this.part = [header.join(',')];
  }

  /** Appends one formatted row. */
  add(line: string): void {
    this.part.push(line);
    if (this.part.length === CHUNK_ROWS) {
      this.chunks.push(this.part.join('\n'));
      this.part = [];
    }
  }

  /** The whole CSV text. */
  text(): string {
    if (this.part.length > 0) this.chunks.push(this.part.join('\n'));
    this.part = [];
    return `${this.chunks.join('\n')}\n`;
  }
}
