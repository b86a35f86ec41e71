/**
 * `output.plots`: `dtsim run` draws the plots into the results folder it writes (by default for small
 * runs, never with `false`, always with `true`), inside the same atomic write, byte-identical across
 * reruns and equal to what `dtsim plot` draws from the same files; the folder stays replaceable.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plotFolder } from '../../src/cli/commands/plot.ts';
import { runFile } from '../../src/cli/commands/run.ts';
import { checkOutputTarget } from '../../src/results/output-target.ts';
import { PLOTS_MARKER } from '../../src/results/plots/marker.ts';

const SMALL = resolve(import.meta.dirname, 'fixtures/small-run.yaml');
const root = mkdtempSync(join(tmpdir(), 'dtsim-run-plots-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PLOT_FILES = [
  PLOTS_MARKER,
  'accuracy-loss.png',
  'accuracy-loss.svg',
  'staleness.png',
  'staleness.svg',
  'throughput.png',
  'throughput.svg',
  'timeline.png',
  'timeline.svg',
];

/** Every file of `dir/plots`, by name. */
function plotsOf(dir: string): Map<string, Buffer> {
  const p = join(dir, 'plots');
  return new Map(
    readdirSync(p)
      .sort()
      .map((f) => [f, readFileSync(join(p, f))]),
  );
}

describe('output.plots', () => {
  it('draws the plots by default for a small run, byte for byte what dtsim plot draws, in a replaceable folder', async () => {
    const a = join(root, 'a');
    await runFile(SMALL, { out: a, quiet: true }, 'wasm');
    const plots = plotsOf(a);
    expect([...plots.keys()]).toEqual(PLOT_FILES);
    // The marker, not the manifest, claims the folder: the manifest lists the results only.
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8')) as { files: { name: string }[] };
    expect(manifest.files.some((f) => f.name.startsWith('plots'))).toBe(false);
    expect(() => checkOutputTarget(a, '--out', { cwd: root })).not.toThrow();
    // A second run into the same folder replaces it (it is recognised as dtsim's) with identical plots.
    await runFile(SMALL, { out: a, quiet: true }, 'wasm');
    expect(plotsOf(a)).toEqual(plots);
    // `dtsim plot` on the same files draws the same bytes.
    const again = join(root, 'a-plotted');
    await plotFolder(a, { out: again }, { out: () => undefined });
    for (const [f, data] of plots) expect(readFileSync(join(again, f)).equals(data), f).toBe(true);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  }, 120_000);

  it('draws none with output.plots: false, and draws them when forced with true', async () => {
    const off = join(root, 'off');
    await runFile(SMALL, { out: off, quiet: true, timingOnly: true, set: ['output.plots=false'] }, 'wasm');
    expect(existsSync(join(off, 'summary.csv'))).toBe(true);
    expect(existsSync(join(off, 'plots'))).toBe(false);
    const on = join(root, 'on');
    await runFile(SMALL, { out: on, quiet: true, timingOnly: true, set: ['output.plots=true'] }, 'wasm');
    expect(plotsOf(on).has('throughput.svg')).toBe(true);
    // A results folder that had plots is still replaced by one without them.
    await runFile(SMALL, { out: on, quiet: true, timingOnly: true, set: ['output.plots=false'] }, 'wasm');
    expect(existsSync(join(on, 'plots'))).toBe(false);
  }, 120_000);
});
