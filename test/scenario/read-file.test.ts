import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLimitError, describeBytes, readTextFile } from '../../src/scenario/read-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'dtsim-read-'));

describe('readTextFile', () => {
  it('reads a file within the limit as UTF-8', () => {
    const p = join(dir, 'small.txt');
    writeFileSync(p, 'µs and GB/s\n');
    expect(readTextFile(p, 64)).toBe('µs and GB/s\n');
  });

  it('reads a file of exactly the limit', () => {
    const p = join(dir, 'exact.txt');
    writeFileSync(p, 'x'.repeat(100));
    expect(readTextFile(p, 100)).toHaveLength(100);
  });

  it('refuses a file one byte over the limit, stating its size and the limit', () => {
    const p = join(dir, 'over.txt');
    writeFileSync(p, 'x'.repeat(101));
    expect(() => readTextFile(p, 100)).toThrow(new FileLimitError('the file is 101 bytes; at most 100 bytes are read'));
  });

  it('refuses a 50 MB file by its size (a sparse file: nothing is written or read)', () => {
    const p = join(dir, 'huge.yaml');
    writeFileSync(p, '');
    truncateSync(p, 50 * 1024 * 1024);
    expect(() => readTextFile(p, 128 * 1024)).toThrow(
      /^the file is 52428800 bytes; at most 131072 bytes \(128 KiB\) are read$/,
    );
  });

  it('refuses what is not a regular file (a folder here; FIFOs and devices the same way)', () => {
    expect(() => readTextFile(dir, 100)).toThrow(new FileLimitError('not a regular file'));
  });

  it('passes fs errors through for a missing file', () => {
    expect(() => readTextFile(join(dir, 'missing.yaml'), 100)).toThrow(/ENOENT/);
  });

  it('names sizes in KiB and MiB when they are whole', () => {
    expect(describeBytes(131072)).toBe('131072 bytes (128 KiB)');
    expect(describeBytes(16 * 1024 * 1024)).toBe('16777216 bytes (16 MiB)');
    expect(describeBytes(1000)).toBe('1000 bytes');
  });
});
