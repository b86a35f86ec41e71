/**
 * `dtsim plot`: runs the small CLI fixture in-process, plots it, and checks the files, their content,
 * byte-identical reruns, the skipped plots of a timing-only folder without trace or update rows, seed
 * bands, and the one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plotFolder } from '../../src/cli/commands/plot.ts';
import { runFile } from '../../src/cli/commands/run.ts';
import { checkOutputTarget } from '../../src/results/output-target.ts';

const SMALL = resolve(import.meta.dirname, 'fixtures/small-run.yaml');
const BIN = resolve(import.meta.dirname, '../../bin/dtsim.js');
const root = mkdtempSync(join(tmpdir(), 'dtsim-plot-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PLOTS = ['accuracy-loss', 'throughput', 'timeline', 'staleness'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Runs `plotFolder` and returns its report lines. */
async function plot(dir: string, out?: string): Promise<string[]> {
  const lines: string[] = [];
  await plotFolder(dir, out === undefined ? {} : { out }, { out: (t) => lines.push(t) });
  return lines.join('').trim().split('\n');
}

describe('dtsim plot', () => {
  const results = join(root, 'small');
  beforeAll(async () => {
    await runFile(SMALL, { out: results, quiet: true }, 'wasm');
  }, 60_000);

  it('writes every plot as SVG and PNG into <results>/plots, with series names and axis titles', async () => {
    const lines = await plot(results);
    // Four plots, and the link plot skipped: the runs used the analytical network model.
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^skipped link-utilisation: no links\.csv .*needs network\.model: flow/);
    const dir = join(results, 'plots');
    expect(readdirSync(dir).sort()).toEqual(['.dtsim-plots', ...PLOTS.flatMap((p) => [`${p}.png`, `${p}.svg`])].sort());
    const svg = (p: string): string => readFileSync(join(dir, `${p}.svg`), 'utf8');
    for (const p of PLOTS) {
      expect(svg(p)).toMatch(/^<svg /);
      const png = readFileSync(join(dir, `${p}.png`));
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(png.length).toBeGreaterThan(5_000);
    }
    const curves = svg('accuracy-loss');
    for (const s of ['run 0: sync-allreduce', 'run 1: async-ps', 'run 2: local-sgd', 'test accuracy', 'test loss'])
      expect(curves).toContain(s);
    expect(curves).toContain('simulated time (s)');
    expect(curves).toContain('no bands');
    expect(svg('throughput')).toContain('throughput (samples/s)');
    for (const s of ['worker 3', 'compute', 'comm', 'idle']) expect(svg('timeline')).toContain(s);
    expect(svg('staleness')).toContain('staleness τ (versions)');
  }, 60_000);

  it('gives byte-identical files on a second run, and replaces its own folder', async () => {
    const dir = join(results, 'plots');
    const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
    await plot(results);
    for (const [f, data] of Object.entries(before)) expect(readFileSync(join(dir, f)).equals(data)).toBe(true);
    // A results folder with dtsim's plots inside is still dtsim's: `dtsim run` may replace it.
    expect(() => checkOutputTarget(results, '--out', { cwd: root })).not.toThrow();
  }, 60_000);

  it('refuses a plots folder it did not write, or one holding a file of yours', async () => {
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep');
    await expect(plot(results, mine)).rejects.toThrow(
      /cannot write plots to .*mine: it is not a folder dtsim plot wrote/,
    );
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('keep');
    const own = join(results, 'plots');
    writeFileSync(join(own, 'edited.svg'), '<svg/>');
    await expect(plot(results)).rejects.toThrow(/holds files dtsim plot did not write \(edited\.svg\)/);
    rmSync(join(own, 'edited.svg'));
  }, 60_000);

  it('skips, with one line each, the plots whose input is absent', async () => {
    const timing = join(root, 'timing');
    await runFile(
      SMALL,
      {
        out: timing,
        quiet: true,
        timingOnly: true,
        // No plots drawn by the run itself: the test is that `dtsim plot --out` leaves the folder alone.
        set: ['output.trace=false', 'output.updates=false', 'output.plots=false'],
      },
      'wasm',
    );
    const out = join(root, 'timing-plots');
    const lines = await plot(timing, out);
    expect(lines[0]).toBe(`wrote ${out}/throughput.svg (and .png)`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^skipped accuracy-loss: evals\.csv has no finite accuracy/),
      expect.stringMatching(/^skipped timeline: no trace\.json/),
      expect.stringMatching(/^skipped staleness: no updates\.csv/),
      expect.stringMatching(/^skipped link-utilisation: no links\.csv .*needs network\.model: flow/),
    ]);
    expect(existsSync(join(timing, 'plots'))).toBe(false);
  }, 60_000);

  it('draws link utilisation for runs on the flow network model, with the links named', async () => {
    const flow = join(root, 'flow');
    const set = [
      'cluster.network.model=flow',
      'output.plots=false',
      'sweep={training.schedule: [{kind: sync-allreduce}]}',
    ];
    await runFile(SMALL, { out: flow, quiet: true, set }, 'wasm');
    expect(existsSync(join(flow, 'links.csv'))).toBe(true);
    const lines = await plot(flow);
    expect(lines).toContain(`wrote ${flow}/plots/link-utilisation.svg (and .png)`);
    const svg = readFileSync(join(flow, 'plots', 'link-utilisation.svg'), 'utf8');
    expect(svg).toContain('Link utilisation over simulated time');
    expect(svg).toMatch(/node\d\.(gpu\d|nic|nvswitch)-&gt;/);
    const png = readFileSync(join(flow, 'plots', 'link-utilisation.png'));
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  }, 60_000);

  it('draws a mean line with a band for runs that differ only in their seed', async () => {
    const seeds = join(root, 'seeds');
    const set = ['sweep={seed: [1, 2], training.schedule: [{kind: async-ps, shards: 2}]}'];
    await runFile(SMALL, { out: seeds, quiet: true, set }, 'wasm');
    await plot(seeds);
    const svg = readFileSync(join(seeds, 'plots', 'accuracy-loss.svg'), 'utf8');
    expect(svg).toContain('async-ps (2 seeds)');
    expect(svg).toContain('±1 standard deviation');
  }, 60_000);

  it('stops with one line for a missing folder or one without summary.csv', () => {
    const r1 = spawnSync(process.execPath, [BIN, 'plot', join(root, 'nope')], { encoding: 'utf8' });
    expect(r1.status).toBe(1);
    expect(r1.stderr).toBe(`dtsim: no results folder ${join(root, 'nope')}\n`);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const r2 = spawnSync(process.execPath, [BIN, 'plot', empty], { encoding: 'utf8' });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toBe(`dtsim: ${empty} has no summary.csv; give a folder written by dtsim run\n`);
  }, 60_000);
});
