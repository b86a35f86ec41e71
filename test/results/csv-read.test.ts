import { describe, expect, it } from 'vitest';
import { CsvReadError, readCsv } from '../../src/results/csv-read.ts';

describe('readCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and a missing final line end', () => {
    expect(readCsv('a,b\r\n"x, ""y""",\n\n1,"two\nlines"')).toEqual([
      ['a', 'b'],
      ['x, "y"', ''],
      ['1', 'two\nlines'],
    ]);
  });

  it('refuses an unterminated quote', () => {
    expect(() => readCsv('a,"b\n')).toThrow(CsvReadError);
  });
});
