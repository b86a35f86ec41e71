import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  abortPendingWrites, cleanupStaleTemps, pendingWrites, writeResultsAtomic, writeResultsAtomicSync,
} from '../../src/results/write-results.ts';
import type { FileContent } from '../../src/results/write-results.ts';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dtsim-write-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const read = (dir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => {
      const p = join(d.parentPath, d.name);
      return [p.slice(dir.length + 1), readFileSync(p, 'utf8')];
    }));

/** Only the results folder itself may remain in `root`: no `.tmp-` or `.old-` sibling. */
const siblings = (): string[] => readdirSync(root).sort();

describe('writeResultsAtomic', () => {
  it('writes every file, subfolders included, into a new folder', async () => {
    const dir = join(root, 'nested', 'out');
    await writeResultsAtomic(dir, { 'summary.csv': 'a\n', 'plots/loss.svg': '<svg/>', 'b.bin': new Uint8Array([104, 105]) });
    expect(read(dir)).toEqual({ 'summary.csv': 'a\n', 'plots/loss.svg': '<svg/>', 'b.bin': 'hi' });
    expect(readdirSync(join(root, 'nested'))).toEqual(['out']);
    expect(pendingWrites()).toEqual([]);
  });

  it('replaces an existing folder whole: old files do not survive', async () => {
    const dir = join(root, 'out');
    await writeResultsAtomic(dir, { 'old.csv': 'old\n', 'summary.csv': 'v1\n' });
    await writeResultsAtomic(dir, { 'summary.csv': 'v2\n' });
    expect(read(dir)).toEqual({ 'summary.csv': 'v2\n' });
    expect(siblings()).toEqual(['out']);
  });

  it('leaves no folder and no temporary folder when a write fails mid-way', async () => {
    const dir = join(root, 'out');
    let n = 0;
    const failing = async (p: string, d: FileContent): Promise<void> => {
      if (++n === 2) throw new Error('disk full');
      await writeFile(p, d);
    };
    await expect(writeResultsAtomic(dir, { 'a.csv': '1', 'b.csv': '2', 'c.csv': '3' }, { writeFile: failing })).rejects.toThrow('disk full');
    expect(siblings()).toEqual([]);
    expect(pendingWrites()).toEqual([]);
  });

  it('leaves the previous folder untouched when a real filesystem write fails', async () => {
    const dir = join(root, 'out');
    await writeResultsAtomic(dir, { 'summary.csv': 'good\n' });
    // 'x' is written as a file first (names are sorted), so 'x/y.csv' cannot be created: ENOTDIR/EEXIST.
    await expect(writeResultsAtomic(dir, { 'summary.csv': 'bad\n', x: 'file', 'x/y.csv': 'nested' })).rejects.toThrow();
    expect(read(dir)).toEqual({ 'summary.csv': 'good\n' });
    expect(siblings()).toEqual(['out']);
  });

  it('rejects names that would escape the folder before touching the disk', async () => {
    for (const bad of ['../evil.csv', '/abs.csv', '', 'a/../../b']) {
      await expect(writeResultsAtomic(join(root, 'out'), { [bad]: 'x' })).rejects.toThrow(RangeError);
    }
    expect(siblings()).toEqual([]);
  });

  it('lets abortPendingWrites delete the temporary folder of an interrupted write', async () => {
    const dir = join(root, 'out');
    await writeResultsAtomic(dir, { 'summary.csv': 'previous\n' });
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
    expect(read(dir)).toEqual({ 'summary.csv': 'previous\n' });
    expect(siblings()).toEqual(['out']);
    expect(pendingWrites()).toEqual([]);
  });
});

describe('writeResultsAtomicSync', () => {
  it('writes, replaces, and cleans up after a failure like the async version', () => {
    const dir = join(root, 'out');
    writeResultsAtomicSync(dir, { 'summary.csv': 'v1\n', 'old.csv': 'x' });
    writeResultsAtomicSync(dir, { 'summary.csv': 'v2\n' });
    expect(read(dir)).toEqual({ 'summary.csv': 'v2\n' });
    let n = 0;
    const failing = (p: string, d: FileContent): void => {
      if (++n === 2) throw new Error('disk full');
      writeFileSync(p, d);
    };
    expect(() => writeResultsAtomicSync(dir, { 'a.csv': '1', 'b.csv': '2' }, { writeFile: failing })).toThrow('disk full');
    expect(read(dir)).toEqual({ 'summary.csv': 'v2\n' });
    expect(siblings()).toEqual(['out']);
    expect(pendingWrites()).toEqual([]);
  });
});

describe('cleanupStaleTemps', () => {
  it('removes leftovers of dead processes and keeps those of live ones', () => {
    // A pid that certainly belonged to a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const dir = join(root, 'out');
    for (const name of [`out.tmp-${dead}-1`, `out.old-${dead}-2`, `out.tmp-${process.pid}-99`, 'out.tmp-x', 'other.tmp-1-1']) {
      mkdirSync(join(root, name));
    }
    const removed = cleanupStaleTemps(dir).map((p) => p.slice(root.length + 1));
    expect(removed).toEqual([`out.old-${dead}-2`, `out.tmp-${dead}-1`]);
    expect(siblings()).toEqual(['other.tmp-1-1', `out.tmp-${process.pid}-99`, 'out.tmp-x']);
    expect(existsSync(dir)).toBe(false);
    expect(cleanupStaleTemps(join(root, 'missing', 'out'))).toEqual([]);
  });
});
