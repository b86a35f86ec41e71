/**
 * The fixed-width plain-ASCII table layout shared by the terminal tables (`dtsim run`'s run table,
 * `dtsim compare`): a header, a rule of dashes, then the rows, columns two spaces apart. Kept apart
 * from what goes in the cells so every table reads the same in a terminal, a log file and a CI
 * transcript.
 */

/** How a column is laid out. */
export interface TextColumn {
  readonly title: string;
  /** Text columns are left-aligned, numbers right-aligned so their digits line up. */
  readonly align: 'left' | 'right';
}

/** The lines of a text table. */
export interface TextTableLines {
  readonly header: string;
  readonly rule: string;
  readonly rows: readonly string[];
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/**
 * Lays out `rows` (one string per column each) under `columns`: every column as wide as its widest
 * cell or title, trailing spaces trimmed. The header is returned apart so a caller can style it.
 */
export function textTable(columns: readonly TextColumn[], rows: readonly (readonly string[])[]): TextTableLines {
  const widths = columns.map((c, j) => Math.max(c.title.length, ...rows.map((row) => (row[j] ?? '').length)));
  const line = (row: readonly string[]): string =>
    columns
      .map((c, j) => pad(row[j] ?? '', widths[j]!, c.align))
      .join('  ')
      .trimEnd();
  return {
    header: line(columns.map((c) => c.title)),
    rule: widths.map((w) => '-'.repeat(w)).join('  '),
    rows: rows.map(line),
  };
}
