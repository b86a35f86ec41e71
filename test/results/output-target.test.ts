import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkOutputTarget,
  dtsimManifestFiles,
  OutputDirError,
  protectedProblems,
  replaceProblems,
  writableProblems,
} from '../../src/results/output-target.ts';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dtsim-target-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const manifest = (files: string[]): string =>
  JSON.stringify({ generator: 'dtsim', files: files.map((name) => ({ name, bytes: 1, sha256: 'x' })) });

describe('protectedProblems', () => {
  it('names the root, the home and current folders and those above them, and a folder holding the scenario', () => {
    const cwd = join(root, 'a', 'b');
    mkdirSync(cwd, { recursive: true });
    const home = join(root, 'home', 'me');
    mkdirSync(home, { recursive: true });
    const ctx = { cwd, home, scenarioFile: join(root, 'scen', 'deep', 's.yaml') };
    expect(protectedProblems('/', ctx)).toEqual(['it is the filesystem root']);
    expect(protectedProblems(cwd, ctx)).toEqual(['it is the current folder']);
    expect(protectedProblems(join(root, 'a'), ctx)[0]).toMatch(/^it contains the current folder/);
    expect(protectedProblems(home, ctx)).toEqual(['it is your home folder']);
    expect(protectedProblems(join(root, 'home'), ctx)[0]).toMatch(/^it contains your home folder/);
    expect(protectedProblems(join(root, 'scen'), ctx)).toEqual([`it contains the scenario file ${ctx.scenarioFile}`]);
    expect(protectedProblems(join(cwd, 'results', 'x'), ctx)).toEqual([]);
    expect(protectedProblems(join(root, 'a', 'bb'), ctx)).toEqual([]);
    // A folder whose name starts with two dots is still inside.
    expect(protectedProblems(join(root, 'x'), { cwd: join(root, 'x', '..work') })).toEqual([
      'it contains the current folder (' + join(root, 'x', '..work') + ')',
    ]);
  });

  it('sees through symbolic links: a link to the current folder is the current folder', () => {
    const cwd = join(root, 'work');
    mkdirSync(cwd);
    symlinkSync(cwd, join(root, 'alias'));
    expect(protectedProblems(join(root, 'alias'), { cwd })).toEqual(['it is the current folder']);
    expect(protectedProblems(join(root, 'alias', '..'), { cwd })[0]).toMatch(/contains the current folder/);
  });
});

describe('replaceProblems', () => {
  it('allows a missing folder, an empty one, and a dtsim folder holding only what its manifest lists', () => {
    expect(replaceProblems(join(root, 'missing'))).toEqual([]);
    mkdirSync(join(root, 'empty'));
    expect(replaceProblems(join(root, 'empty'))).toEqual([]);
    const d = join(root, 'ours');
    mkdirSync(join(d, 'plots'), { recursive: true });
    writeFileSync(join(d, 'summary.csv'), 'x');
    writeFileSync(join(d, 'plots', 'a.svg'), 'x');
    writeFileSync(join(d, 'manifest.json'), manifest(['summary.csv', 'plots/a.svg']));
    expect(dtsimManifestFiles(d)).toEqual(new Set(['manifest.json', 'summary.csv', 'plots/a.svg']));
    expect(replaceProblems(d)).toEqual([]);
  });

  it("refuses a file, a link, a folder without a dtsim manifest, and extra files next to dtsim's", () => {
    writeFileSync(join(root, 'f'), 'x');
    expect(replaceProblems(join(root, 'f'))).toEqual(['it exists and is not a folder']);
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(replaceProblems(join(root, 'link'))[0]).toMatch(/symbolic link/);
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'manifest.json'), JSON.stringify({ generator: 'someone-else', files: [] }));
    expect(replaceProblems(other)[0]).toMatch(/did not write \(no dtsim manifest\.json\).*\(manifest\.json\)/);
    const d = join(root, 'ours');
    mkdirSync(join(d, 'mine'), { recursive: true });
    writeFileSync(join(d, 'manifest.json'), manifest([]));
    writeFileSync(join(d, 'mine', 'x.txt'), 'x');
    expect(replaceProblems(d)).toEqual([
      'it holds files dtsim did not write (mine/, mine/x.txt); move them out or give another folder',
    ]);
  });
});

describe('writableProblems and checkOutputTarget', () => {
  it('probes the nearest existing folder for real and names what is in the way', () => {
    expect(writableProblems(join(root, 'new', 'deeper', 'out'))).toEqual([]);
    writeFileSync(join(root, 'file'), 'x');
    expect(writableProblems(join(root, 'file', 'out'))).toEqual([`${join(root, 'file')} is not a folder`]);
    expect(writableProblems('/proc/dtsim-test/out')[0]).toMatch(/^cannot create a folder in \/proc \(E[A-Z]+\)$/);
    // Names the file system would refuse, found before the run rather than when the results are written.
    expect(writableProblems(join(root, 'x'.repeat(224)))).toEqual([
      `the name "${'x'.repeat(40)}..." is 224 bytes long; a folder name may have at most 223`,
    ]);
    expect(writableProblems(join(root, 'x'.repeat(223)))).toEqual([]);
    expect(writableProblems(join(root, ...Array.from({ length: 30 }, () => 'y'.repeat(200))))[0]).toMatch(
      /^its path is \d+ bytes long; at most 4064$/,
    );
  });

  it('throws one OutputDirError naming the folder, its origin and every problem', () => {
    const cwd = join(root, 'w');
    mkdirSync(cwd);
    writeFileSync(join(cwd, 'keep.txt'), 'x');
    expect(() => checkOutputTarget('.', '--out', { cwd })).toThrow(
      new OutputDirError(cwd, '--out', ['it is the current folder']),
    );
    expect(() => checkOutputTarget('results/x', '--out', { cwd })).not.toThrow();
    const err = (() => {
      try {
        checkOutputTarget(join(root, 'w'), 'output.dir in s.yaml', { cwd: root });
        return undefined;
      } catch (e) {
        return e as OutputDirError;
      }
    })();
    expect(err?.message).toBe(
      `cannot write results to ${cwd} (from output.dir in s.yaml): it is a folder dtsim did not write (no dtsim manifest.json) and it is not empty (keep.txt); dtsim replaces only folders it wrote itself: give a new folder`,
    );
  });
});
