import { readCsv } from '../../src/results/csv-read.ts';
/**
 * The project's CSV reader (src/results/csv-read.ts), made strict for the tests: a file dtsim wrote
 * must end with a newline.
 */
export function parseCsv(text: string): string[][] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('CSV text does not end with a newline');
  return readCsv(text);
}

/** A CSV cell read back as a number: empty is missing (undefined), `NaN` is NaN (the writers' rules). */
export function cellNumber(cell: string): number | undefined {
  return cell === '' ? undefined : Number(cell);
}
