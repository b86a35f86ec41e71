import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFile } from '../../src/cli/commands/run.ts';
import { parseCsv } from '../results/csv-parse.ts';

const SMALL = resolve(import.meta.dirname, 'fixtures/small-run.yaml');
const LONG = resolve(import.meta.dirname, 'fixtures/long-timing.yaml');
const BIN = resolve(import.meta.dirname, '../../bin/dtsim.js');
const root = mkdtempSync(join(tmpdir(), 'dtsim-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CSVS = ['summary.csv', 'evals.csv', 'updates.csv', 'workers.csv'];
const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');

describe('dtsim run', () => {
  it('writes every result file for a three-schedule sweep, with one summary row per run', async () => {
    const { dir, results } = await runFile(SMALL, { out: join(root, 'a'), quiet: true }, 'wasm');
    expect(results.map((r) => r.schedule)).toEqual(['sync-allreduce', 'async-ps', 'local-sgd']);
    for (const f of [...CSVS, 'trace.json', 'manifest.json']) expect(existsSync(join(dir, f))).toBe(true);
    const summary = parseCsv(read(dir, 'summary.csv'));
    expect(summary.length).toBe(1 + 3);
    const trace = JSON.parse(read(dir, 'trace.json')) as { traceEvents: { ph: string }[] };
    expect(trace.traceEvents.some((e) => e.ph === 'X')).toBe(true);
    const manifest = JSON.parse(read(dir, 'manifest.json')) as Record<string, unknown>;
    expect(JSON.stringify(manifest)).toContain('wasm');
  });

  it('gives byte-identical CSVs for the same seed and different ones for another seed', async () => {
    const a = join(root, 'a'); // written by the previous test with the scenario's seed 3
    if (!existsSync(a)) await runFile(SMALL, { out: a, quiet: true }, 'wasm');
    const b = (await runFile(SMALL, { out: join(root, 'b'), quiet: true }, 'wasm')).dir;
    for (const f of CSVS) expect(read(b, f)).toBe(read(a, f));
    const c = (await runFile(SMALL, { out: join(root, 'c'), quiet: true, seed: '4' }, 'wasm')).dir;
    for (const f of ['summary.csv', 'updates.csv', 'evals.csv']) expect(read(c, f)).not.toBe(read(a, f));
  });

  it('writes nothing when the scenario is invalid, and names every problem', async () => {
    const out = join(root, 'bad');
    await expect(
      runFile(SMALL, { out, quiet: true, set: ['training.stop.updates=-1', 'workload.batchSize=zero'] }, 'wasm'),
    ).rejects.toThrow(/stop\.updates[\s\S]*batchSize|batchSize[\s\S]*stop\.updates/);
    expect(existsSync(out)).toBe(false);
  });

  it("writes nothing when a schedule's own check fails, and names the option", async () => {
    const out = join(root, 'shards');
    // One GPU: the sweep's async-ps point asks for 2 parameter-server shards.
    const set = ['cluster.nodes=[{count: 1, gpusPerNode: 1, gpu: A100-80GB}]'];
    await expect(runFile(SMALL, { out, quiet: true, set }, 'wasm')).rejects.toThrow(
      /small-run\.yaml:21:\d+: training\.schedule\.shards: shards must be an integer in \[1, 1\].*got 2/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('leaves no results folder (and no temporary one) when interrupted', async () => {
    const out = join(root, 'interrupted');
    const child = spawn(process.execPath, [BIN, 'run', LONG, '--out', out, '--quiet'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Long enough for start-up and to be well inside the simulation.
    await new Promise((r) => setTimeout(r, 4000));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) =>
      child.on('close', (c, sig) => r(c ?? (sig === null ? null : 130))),
    );
    expect(code).not.toBe(0);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.startsWith('interrupted'))).toEqual([]);
    expect(stderr).not.toContain('results written');
  }, 30_000);
});
