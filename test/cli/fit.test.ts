/**
 * `dtsim fit` in-process: it answers for every named profile on every preset (a fitting configuration
 * with a `fastest:` line, or "nothing fits" with the shortfall), says nothing fits for llama2-70b at
 * 512 sequences on one 16 GB T4 (which validate also rejects), simulates the best candidates, and
 * writes a CSV of every configuration.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTHING_FITS_EXIT, runFit, type FitCliOptions } from '../../src/cli/commands/fit.ts';
import { validateFiles } from '../../src/cli/commands/validate.ts';
import { PRESETS } from '../../src/collectives/presets.ts';
import { PROFILE_NAMES } from '../../src/workload/registry.ts';

const T4_SCENARIO = resolve(import.meta.dirname, 'fixtures/fit-t4-70b.yaml');

async function fit(target: string, opts: FitCliOptions): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runFit(target, opts, { out: (t) => (out += t), err: (t) => (out += t) });
  return { code, out };
}

describe('dtsim fit', () => {
  it('answers for every named profile on every preset (estimates only, global batch 16; about 20 s on a busy 2-core machine)', async () => {
    for (const preset of Object.keys(PRESETS))
      for (const profile of PROFILE_NAMES) {
        const { code, out } = await fit(profile, { preset, simulate: '0', globalBatch: '16' });
        const where = `${profile} on ${preset}`;
        if (code === 0) {
          expect(out, where).toMatch(/^fastest: \S.* s per step, [\d.]+ (tokens|samples)\/s/m);
          // The fastest row's memory is within its GPU's capacity.
          const m = /^ *1 {2}.*? ([\d.]+) \/ ([\d.]+) /m.exec(out);
          expect(m, where).not.toBeNull();
          expect(Number(m![1]), where).toBeLessThanOrEqual(Number(m![2]));
        } else {
          expect(code, where).toBe(NOTHING_FITS_EXIT);
          expect(out, where).toMatch(/^nothing fits: .*\nclosest: .* needs [\d.]+ GiB per GPU, [\d.]+ GiB over\./m);
        }
      }
  }, 600_000);

  it('says nothing fits for llama2-70b at 512 sequences on one 16 GB T4, with the shortfall and what would help', async () => {
    const { code, out } = await fit('llama2-70b', {
      preset: 'commodity-25gbe',
      nodes: '1',
      gpusPerNode: '1',
      globalBatch: '512',
    });
    expect(code).toBe(NOTHING_FITS_EXIT);
    expect(out).toMatch(/nothing fits: none of \d+ configurations of .* fits 1 × T4 \(16\.0 GiB each\)/);
    // The least demanding: ZeRO-Offload on the one GPU, micro-batch 1, full recompute, which keeps only
    // the bf16 weights on the GPU: 2 bytes × 68.98e9 parameters = 137.96 GB = 128.5 GiB, far over 16 GiB
    // (one GPU: every stage holds the same, and the label order picks stage 1).
    const m = /closest: (.*) needs ([\d.]+) GiB per GPU, ([\d.]+) GiB over/.exec(out)!;
    expect(m[1]).toBe('zero1+cpu dp1 mb1 full');
    expect(Number(m[2])).toBeGreaterThan(128.5);
    expect(Number(m[3])).toBeCloseTo(Number(m[2]) - 16, 0);
    expect(out).toMatch(
      /would help: GPUs with at least [\d.]+ GiB, or more GPUs: ZeRO-3 needs at least \d+ of these GPUs/,
    );
  });

  it('takes the scenario file of that case and says nothing fits; validate rejects the scenario', async () => {
    const { code, out } = await fit(T4_SCENARIO, {});
    expect(code).toBe(NOTHING_FITS_EXIT);
    expect(out).toMatch(/llama2-70b on scenario .*fit-t4-70b\.yaml: 1 GPU, global batch 512/);
    let err = '';
    const failed = await validateFiles([T4_SCENARIO], {}, { out: () => undefined, err: (t) => (err += t) });
    expect(failed).toBe(1);
    expect(err).toMatch(/out of GPU memory \(T4, capacity 16\.00 GiB\)/);
    // ... and points at the search that says what would fit.
    expect(err).toMatch(/`dtsim fit` on this file lists the layouts .* that fit/);
  });

  it('times the best candidates with the simulator and writes every configuration to CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtsim-fit-'));
    const csv = join(dir, 'fit.csv');
    const { code, out } = await fit('gpt2-small', { globalBatch: '64', simulate: '2', top: '3', csv, all: true });
    expect(code).toBe(0);
    // Up to 2 of each kind (3-D, and ZeRO stages 1–3 without accumulation or recomputation).
    const simulated = Number(/(\d+) fitting timed by the simulator/.exec(out)![1]);
    expect(simulated).toBeGreaterThanOrEqual(2);
    expect(simulated).toBeLessThanOrEqual(4);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(
      /^config,kind,tensor_parallel,.*,memory_bytes,capacity_bytes,shortfall_bytes,estimate_s,step_s,/,
    );
    const tried = Number(/# (\d+) configurations/.exec(out)![1]);
    const skipped = Number(/(\d+) cannot be planned/.exec(out)![1]);
    expect(lines.length - 1).toBe(tried - skipped);
    expect(lines.filter((l) => l.includes(',simulated,')).length).toBe(simulated);
  });

  it('rejects cluster flags with a scenario file and bad numbers', async () => {
    await expect(fit(T4_SCENARIO, { preset: 'dgx-a100' })).rejects.toThrow(/--preset applies to a profile name/);
    await expect(fit('gpt2-small', { nodes: '0' })).rejects.toThrow(/--nodes must be an integer >= 1, got 0/);
    await expect(fit('gpt2-smal', {})).rejects.toThrow(/unknown timing profile "gpt2-smal"; did you mean/);
  });
});
