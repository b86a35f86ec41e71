/**
 * A small RFC 4180 reader for the CSV files dtsim writes (summary.csv for `dtsim compare`): quoted
 * fields, doubled quotes, commas and line breaks inside quotes, `\n` or `\r\n` record ends. The
 * writer quotes through csv-stringify; reading needs no dependency for tables this small.
 */

/** Thrown when the text is not well-formed CSV (an unterminated quote). */
export class CsvReadError extends Error {}

/**
 * The records of `text`, each a list of cells. A final line end is optional (a hand-edited file may
 * lack one); empty lines are skipped so a trailing blank line does not read as a run.
 */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endRecord = (): void => {
    row.push(cell);
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') endRecord();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endRecord();
      i++;
    } else cell += ch;
  }
  if (quoted) throw new CsvReadError('a quoted field is not closed before the end of the file');
  if (cell !== '' || row.length > 0) endRecord();
  return rows;
}
