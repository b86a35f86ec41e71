import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  abortPendingWrites,
  cleanupStaleTemps,
  pendingWrites,
  writeResultsAtomic,
} from '../../src/results/write-results.ts';
import type { FileContent, WrittenFile } from '../../src/results/write-results.ts';
import { OutputDirError } from '../../src/results/output-target.ts';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dtsim-write-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const read = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => {
        const p = join(d.parentPath, d.name);
        return [p.slice(dir.length + 1), readFileSync(p, 'utf8')];
      }),
  );

/** Only the results folder itself may remain in `root`: no `.tmp-` or `.old-` sibling. */
const siblings = (): string[] => readdirSync(root).sort();

/** A minimal dtsim manifest listing what was written, as the CLI's is. */
const manifest = {
  finalFiles: (w: readonly WrittenFile[]) => ({ 'manifest.json': JSON.stringify({ generator: 'dtsim', files: w }) }),
};
const withoutManifest = (r: Record<string, string>): Record<string, string> => {
  const { 'manifest.json': _m, ...rest } = r;
  return rest;
};
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('writeResultsAtomic', () => {
  it('writes every file, subfolders included, into a new folder, and measures each', async () => {
    const dir = join(root, 'nested', 'out');
    const written = await writeResultsAtomic(dir, {
      'summary.csv': 'a\n',
      'plots/loss.svg': '<svg/>',
      'b.bin': new Uint8Array([104, 105]),
    });
    expect(read(dir)).toEqual({ 'summary.csv': 'a\n', 'plots/loss.svg': '<svg/>', 'b.bin': 'hi' });
    expect(readdirSync(join(root, 'nested'))).toEqual(['out']);
    expect(written).toEqual([
      { name: 'b.bin', bytes: 2, sha256: sha('hi') },
      { name: 'plots/loss.svg', bytes: 6, sha256: sha('<svg/>') },
      { name: 'summary.csv', bytes: 2, sha256: sha('a\n') },
    ]);
    expect(pendingWrites()).toEqual([]);
  });

  it('streams a source given as pieces over several blocks, byte for byte, and hands the sizes to the final files', async () => {
    const dir = join(root, 'out');
    // 3,000 pieces of 1,000 characters (some multi-byte) make about 3 MB: three 1 MiB blocks and a rest.
    const piece = (i: number): string => `${String(i).padStart(6, '0')} é ${'x'.repeat(990)}\n`;
    const expected = Array.from({ length: 3000 }, (_, i) => piece(i)).join('');
    let seen: readonly WrittenFile[] = [];
    await writeResultsAtomic(
      dir,
      {
        'big.csv': function* () {
          for (let i = 0; i < 3000; i++) yield piece(i);
        },
      },
      {
        finalFiles: (w) => {
          seen = w;
          return { 'manifest.json': JSON.stringify({ generator: 'dtsim', files: w }) };
        },
      },
    );
    expect(readFileSync(join(dir, 'big.csv'), 'utf8')).toBe(expected);
    expect(seen).toEqual([{ name: 'big.csv', bytes: Buffer.byteLength(expected), sha256: sha(expected) }]);
    expect(readdirSync(dir).sort()).toEqual(['big.csv', 'manifest.json']);
  });

  it('replaces a folder it wrote whole: old files do not survive', async () => {
    const dir = join(root, 'out');
    await writeResultsAtomic(dir, { 'old.csv': 'old\n', 'summary.csv': 'v1\n' }, manifest);
    await writeResultsAtomic(dir, { 'summary.csv': 'v2\n' }, manifest);
    expect(withoutManifest(read(dir))).toEqual({ 'summary.csv': 'v2\n' });
    expect(siblings()).toEqual(['out']);
  });

  it('replaces an empty folder', async () => {
    const dir = join(root, 'out');
    mkdirSync(dir);
    await writeResultsAtomic(dir, { 'summary.csv': 'v1\n' }, manifest);
    expect(withoutManifest(read(dir))).toEqual({ 'summary.csv': 'v1\n' });
  });

  it('never replaces a folder dtsim did not write, or one that holds files dtsim did not write', async () => {
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'years of work');
    await expect(writeResultsAtomic(mine, { 'summary.csv': 'x' }, { ...manifest, origin: '--out' })).rejects.toThrow(
      OutputDirError,
    );
    await expect(writeResultsAtomic(mine, { 'summary.csv': 'x' }, { origin: '--out' })).rejects.toThrow(
      /from --out.*did not write.*thesis\.tex/,
    );
    expect(read(mine)).toEqual({ 'thesis.tex': 'years of work' });

    const out = join(root, 'out');
    await writeResultsAtomic(out, { 'summary.csv': 'v1\n' }, manifest);
    writeFileSync(join(out, 'notes.ipynb'), '{}');
    await expect(writeResultsAtomic(out, { 'summary.csv': 'v2\n' }, manifest)).rejects.toThrow(
      /files dtsim did not write \(notes\.ipynb\)/,
    );
    expect(read(out)['summary.csv']).toBe('v1\n');
    expect(read(out)['notes.ipynb']).toBe('{}');

    const file = join(root, 'file');
    writeFileSync(file, 'data');
    await expect(writeResultsAtomic(file, { 'summary.csv': 'x' })).rejects.toThrow(/not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('data');
    expect(siblings()).toEqual(['file', 'mine', 'out']);
    expect(pendingWrites()).toEqual([]);
  });

  it('leaves no folder and no temporary folder when a write fails mid-way', async () => {
    const dir = join(root, 'out');
    let n = 0;
    const failing = async (p: string, d: FileContent): Promise<void> => {
      if (++n === 2) throw new Error('disk full');
      await writeFile(p, d);
    };
    await expect(
      writeResultsAtomic(dir, { 'a.csv': '1', 'b.csv': '2', 'c.csv': '3' }, { writeFile: failing }),
    ).rejects.toThrow('disk full');
    expect(siblings()).toEqual([]);
    expect(pendingWrites()).toEqual([]);
  });

  it('leaves the previous folder untouched when a real filesystem write fails', async () => {
    const dir = join(root, 'out');
    await writeResultsAtomic(dir, { 'summary.csv': 'good\n' }, manifest);
    // 'x' is written as a file first (names are sorted), so 'x/y.csv' cannot be created: ENOTDIR/EEXIST.
    await expect(
      writeResultsAtomic(dir, { 'summary.csv': 'bad\n', x: 'file', 'x/y.csv': 'nested' }, manifest),
    ).rejects.toThrow();
    expect(withoutManifest(read(dir))).toEqual({ 'summary.csv': 'good\n' });
    expect(siblings()).toEqual(['out']);
  });

  it('rejects names that would escape the folder before touching the disk', async () => {
    for (const bad of ['../evil.csv', '/abs.csv', '', 'a/../../b', '.dtsim-writing']) {
      await expect(writeResultsAtomic(join(root, 'out'), { [bad]: 'x' })).rejects.toThrow(RangeError);
    }
    expect(siblings()).toEqual([]);
  });

  it('lets abortPendingWrites delete the temporary folder of an interrupted write', async () => {
    const dir = join(root, 'out');
    await writeResultsAtomic(dir, { 'summary.csv': 'previous\n' }, manifest);
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const blocked = new Promise<void>((r) => (release = r));
    const reached = new Promise<void>((r) => (started = r));
    const slow = async (p: string, d: FileContent): Promise<void> => {
      await writeFile(p, d);
      started();
      await blocked; // stands for a long write, during which Ctrl-C arrives
    };
    const writing = writeResultsAtomic(dir, { 'a.csv': '1', 'b.csv': '2' }, { writeFile: slow });
    await reached;
    const removed = abortPendingWrites();
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatch(/out\.tmp-\d+-\d+$/);
    expect(siblings()).toEqual(['out']);
    release();
    await expect(writing).rejects.toThrow();
    expect(withoutManifest(read(dir))).toEqual({ 'summary.csv': 'previous\n' });
    expect(siblings()).toEqual(['out']);
    expect(pendingWrites()).toEqual([]);
  });
});

describe('cleanupStaleTemps', () => {
  it("removes provable leftovers of dead processes, and keeps those of live ones and anything not provably dtsim's", () => {
    // A pid that certainly belonged to a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const dir = join(root, 'out');
    for (const name of [
      `out.tmp-${dead}-1`,
      `out.old-${dead}-2`,
      `out.tmp-${process.pid}-99`,
      'out.tmp-x',
      'other.tmp-1-1',
      `out.tmp-${dead}-3`,
      `out.old-${dead}-4`,
    ]) {
      mkdirSync(join(root, name));
    }
    writeFileSync(join(root, `out.tmp-${dead}-1`, '.dtsim-writing'), '');
    writeFileSync(join(root, `out.tmp-${dead}-1`, 'summary.csv'), 'partial');
    writeFileSync(join(root, `out.old-${dead}-2`, 'manifest.json'), JSON.stringify({ generator: 'dtsim', files: [] }));
    // Same names, but a user's folders: no writing marker, no dtsim manifest.
    writeFileSync(join(root, `out.tmp-${dead}-3`, 'mine.txt'), 'keep');
    writeFileSync(join(root, `out.old-${dead}-4`, 'mine.txt'), 'keep');
    const removed = cleanupStaleTemps(dir).map((p) => p.slice(root.length + 1));
    expect(removed).toEqual([`out.old-${dead}-2`, `out.tmp-${dead}-1`]);
    expect(siblings()).toEqual(
      ['other.tmp-1-1', `out.old-${dead}-4`, `out.tmp-${dead}-3`, `out.tmp-${process.pid}-99`, 'out.tmp-x'].sort(),
    );
    expect(existsSync(dir)).toBe(false);
    expect(cleanupStaleTemps(join(root, 'missing', 'out'))).toEqual([]);
  });
});
