import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectSameFolder } from './same-folder.ts';
import { parseJobs } from '../../src/cli/commands/jobs.ts';
import { runFile } from '../../src/cli/commands/run.ts';
import { stagingDir } from '../../src/cli/commands/sweep-store.ts';

const root = mkdtempSync(join(tmpdir(), 'dtsim-jobs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fixture = (name: string): string => resolve(import.meta.dirname, 'fixtures', name);
const quiet = { quiet: true };

describe('--jobs N', () => {
  it('reads a whole number >= 1, defaulting to the core count, and refuses anything else', () => {
    expect(parseJobs('3')).toBe(3);
    expect(parseJobs(undefined, 6)).toBe(6);
    expect(parseJobs(undefined, 0)).toBe(1);
    for (const bad of ['0', '-1', '1.5', 'two', ''])
      expect(() => parseJobs(bad)).toThrow(/--jobs must be a whole number >= 1/);
  });

  // Each case: the serial sweep and the same sweep in two worker processes write the same folder.
  it.each([
    ['a timing-only sweep (8 runs, with a trace)', 'shard-sweep.yaml'],
    ['a full-mode sweep (4 runs, real gradients)', 'jobs-full.yaml'],
  ])('writes %s byte for byte as the serial sweep does', async (_what, name) => {
    const serial = join(root, `${name}-1`);
    const parallel = join(root, `${name}-2`);
    const s = await runFile(fixture(name), { ...quiet, out: serial }, undefined, { jobs: 1 });
    const p = await runFile(fixture(name), { ...quiet, out: parallel }, undefined, { jobs: 2 });
    expect(p.executed).toBe(s.results.length);
    expectSameFolder(serial, parallel);
    expect(existsSync(stagingDir(parallel))).toBe(false);
    // Each run's wall-clock time comes from its worker.
    const m = JSON.parse(readFileSync(join(parallel, 'manifest.json'), 'utf8')) as { runs: { wall_s: number }[] };
    for (const r of m.runs) expect(r.wall_s).toBeGreaterThan(0);
  });

  it("gives a failed run's error as the serial sweep does, writes no folder, and keeps the finished runs staged", async () => {
    const file = fixture('jobs-fail.yaml');
    const messages: string[] = [];
    for (const jobs of [1, 2]) {
      const out = join(root, `fail-${String(jobs)}`);
      const err = await runFile(file, { ...quiet, out }, undefined, { jobs }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(Error);
      messages.push(err!.message);
      expect(existsSync(out)).toBe(false);
      // Run 0 finished: staged for the next attempt (with workers, run 2 may have finished too). Run 1 did not.
      const staged = readdirSync(stagingDir(out)).filter((f) => f.endsWith('.done'));
      expect(staged.some((f) => f.startsWith('0-'))).toBe(true);
      expect(staged.some((f) => f.startsWith('1-'))).toBe(false);
    }
    expect(messages[0]).toMatch(/hogwild applies plain SGD/);
    expect(messages[1]).toBe(messages[0]);
  });
});

describe('dtsim run --jobs N', () => {
  // `dtsim run` with workers stages its runs as `dtsim sweep` does, but writes the folder that the
  // serial `dtsim run` writes: no stored runs (runs/) and no sweep section in the manifest.
  it("writes the serial run's folder byte for byte, and leaves no staging folder", async () => {
    const serial = join(root, 'run-1');
    const parallel = join(root, 'run-2');
    await runFile(fixture('jobs-full.yaml'), { ...quiet, out: serial });
    const p = await runFile(fixture('jobs-full.yaml'), { ...quiet, out: parallel }, undefined, {
      jobs: 2,
      storeInFolder: false,
    });
    expect(p.executed).toBe(p.results.length);
    expectSameFolder(serial, parallel);
    expect(existsSync(join(parallel, 'runs'))).toBe(false);
    expect(existsSync(stagingDir(parallel))).toBe(false);
  });

  it('removes the staging folder it made when a run fails, so nothing is left beside the folder', async () => {
    const out = join(root, 'run-fail');
    const err = await runFile(fixture('jobs-fail.yaml'), { ...quiet, out }, undefined, {
      jobs: 2,
      storeInFolder: false,
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/hogwild applies plain SGD/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(stagingDir(out))).toBe(false);
  });
});
