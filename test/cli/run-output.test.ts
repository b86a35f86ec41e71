/**
 * End-to-end tests of where `dtsim run` writes: folders it must refuse before anything runs, Ctrl-C
 * and SIGTERM while it writes, and a run at 16,384 GPUs with the default outputs.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFile } from '../../src/cli/commands/run.ts';
import { OutputDirError } from '../../src/results/output-target.ts';
import { parseCsv } from '../results/csv-parse.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const SMALL = join(FIXTURES, 'small-run.yaml');
// 4,096 GPUs for a million steps: minutes of simulation, so a check made after the run would time out.
const LONG = join(FIXTURES, 'long-timing.yaml');
const BIG = join(FIXTURES, 'big-output.yaml');
const SCALE = resolve(import.meta.dirname, '../../scenarios/scale-4096.yaml');
const BIN = resolve(import.meta.dirname, '../../bin/dtsim.js');
const root = mkdtempSync(join(tmpdir(), 'dtsim-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file below `dir` with its content, for before/after comparisons. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length + 1)] = e.isFile() ? readFileSync(p, 'utf8') : '<dir>';
  }
  return out;
}

function dtsim(args: readonly string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dtsim run: folders it refuses', () => {
  it('refuses --out . and output.dir "." and leaves the current folder untouched', () => {
    const work = join(root, 'work');
    mkdirSync(work);
    copyFileSync(SMALL, join(work, 's.yaml'));
    writeFileSync(join(work, 'analysis.ipynb'), '{"cells": []}');
    mkdirSync(join(work, 'data'));
    writeFileSync(join(work, 'data', 'raw.csv'), '1,2\n');
    const before = snapshot(work);
    for (const args of [
      ['run', 's.yaml', '--out', '.'],
      ['run', 's.yaml', '--set', 'output.dir=.'],
      ['run', 's.yaml', '--out', './'],
    ]) {
      const r = dtsim(args, work);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^dtsim: cannot write results to .*work .*it is the current folder/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
      expect(snapshot(work)).toEqual(before);
    }
  });

  it('refuses, before the simulation starts, every folder whose loss would hurt', async () => {
    const user = join(root, 'user-folder');
    mkdirSync(user);
    writeFileSync(join(user, 'thesis.tex'), 'years of work');
    const scenarioHome = join(root, 'scenario-home');
    mkdirSync(join(scenarioHome, 'sub'), { recursive: true });
    copyFileSync(LONG, join(scenarioHome, 'sub', 'long.yaml'));
    const cases: [string, string, RegExp][] = [
      [LONG, '/', /it is the filesystem root/],
      // (Only where the home folder is a folder of its own, not the root of a container.)
      ...(dirname(homedir()) === homedir()
        ? []
        : [[LONG, homedir(), /it is your home folder/] as [string, string, RegExp]]),
      [LONG, user, /did not write .*thesis\.tex/],
      [LONG, '/proc/dtsim/x', /cannot create a folder in \/proc/],
      [LONG, '/dev/null', /exists and is not a folder/],
      [LONG, '/dev/null/x', /\/dev\/null is not a folder/],
      [join(scenarioHome, 'sub', 'long.yaml'), scenarioHome, /contains the scenario file/],
    ];
    for (const [file, out, why] of cases) {
      const err = await runFile(file, { out, quiet: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OutputDirError);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).toContain(resolve(out));
    }
    expect(snapshot(user)).toEqual({ 'thesis.tex': 'years of work' });
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 30_000);

  it('replaces a folder it wrote, but not once a user has put a file in it', async () => {
    const out = join(root, 'replaced');
    await runFile(SMALL, { out, quiet: true, set: ['training.stop.updates=5'] }, 'wasm');
    const first = readFileSync(join(out, 'summary.csv'), 'utf8');
    await runFile(SMALL, { out, quiet: true, set: ['training.stop.updates=5'] }, 'wasm');
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toBe(first);
    writeFileSync(join(out, 'my-plot.png'), 'png');
    await expect(runFile(SMALL, { out, quiet: true, set: ['training.stop.updates=5'] }, 'wasm')).rejects.toThrow(
      /files dtsim did not write \(my-plot\.png\)/,
    );
    expect(readFileSync(join(out, 'my-plot.png'), 'utf8')).toBe('png');
  }, 60_000);
});

/** Starts a big run and sends `signal` as soon as its temporary results folder appears. */
async function interruptWhileWriting(
  out: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stderr: string; sawTemp: boolean }> {
  const child = spawn(process.execPath, [BIN, 'run', BIG, '--out', out, '--quiet'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  let done = false;
  void closed.then(() => (done = true));
  const parent = resolve(out, '..');
  const name = out.slice(parent.length + 1);
  let sawTemp = false;
  while (!done && !sawTemp) {
    await new Promise((r) => setTimeout(r, 5));
    sawTemp = readdirSync(parent).some((f) => f.startsWith(`${name}.tmp-`));
  }
  if (sawTemp) child.kill(signal);
  return { code: await closed, stderr, sawTemp };
}

describe('dtsim run: interrupted while writing', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`removes the temporary folder on ${signal}, keeps the previous results and exits ${code} with one line`, async () => {
      const out = join(root, `sig-${signal}`);
      // Previous results of the same scenario, which must survive the interrupted run untouched.
      await runFile(SMALL, { out, quiet: true, set: ['training.stop.updates=3'] }, 'wasm');
      const before = snapshot(out);
      const r = await interruptWhileWriting(out, signal);
      expect(r.sawTemp).toBe(true);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(
        new RegExp(
          `^dtsim: interrupted by ${signal} while writing results; removed the unfinished folder .*\\.tmp-\\d+-\\d+; .* is as it was before the run\\n$`,
        ),
      );
      expect(readdirSync(root).filter((f) => f.startsWith(`sig-${signal}.`))).toEqual([]);
      expect(snapshot(out)).toEqual(before);
    }, 60_000);
  }
});

describe('dtsim run at 16,384 GPUs with the default outputs', () => {
  it('completes 1,000 steps, writes bounded files and says what it left out', () => {
    const out = join(root, 'scale-16k');
    // scale-4096.yaml sets trace and updates off; the defaults are what this test is about.
    const r = dtsim(['run', SCALE, '--out', out, '--set', 'cluster.nodes[0].count=2048', '--set', 'output=null'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /note run 0: no updates\.csv rows: output\.updates is off by default above 1,024 workers \(this run has 16,384\)/,
    );
    expect(r.stdout).toMatch(/note run 0: trace\.json keeps the first 200,000 spans of /);
    const summary = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(summary[1]![summary[0]!.indexOf('workers')]).toBe('16384');
    expect(summary[1]![summary[0]!.indexOf('updates')]).toBe('1000');
    expect(existsSync(join(out, 'updates.csv'))).toBe(false);
    expect(parseCsv(readFileSync(join(out, 'workers.csv'), 'utf8'))).toHaveLength(1 + 16_384);
    // 200,000 spans plus two metadata events per worker, at most a few hundred bytes each.
    expect(statSync(join(out, 'trace.json')).size).toBeLessThan(100e6);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { runs: { notes: string[] }[] };
    expect(manifest.runs[0]!.notes).toHaveLength(2);
  }, 120_000);
});
