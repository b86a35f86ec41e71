/** A minimal RFC 4180 reader for the tests: quoted fields, doubled quotes, `\n` records. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
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
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) throw new Error('CSV text does not end with a newline');
  return rows;
}

/** A CSV cell read back as a number: empty is missing (undefined), `NaN` is NaN (the writers' rules). */
export function cellNumber(cell: string): number | undefined {
  return cell === '' ? undefined : Number(cell);
}
