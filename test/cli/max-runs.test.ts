import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMaxRuns } from '../../src/cli/commands/max-runs.ts';
import { runFile } from '../../src/cli/commands/run.ts';
import { validateCommand } from '../../src/cli/commands/validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'dtsim-max-runs-'));
const SMALL = resolve(import.meta.dirname, 'fixtures/small-run.yaml');

async function validate(args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  let out = '';
  let err = '';
  const cmd = validateCommand({ out: (t) => (out += t), err: (t) => (err += t) });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  const code = process.exitCode === undefined ? undefined : Number(process.exitCode);
  process.exitCode = undefined;
  return { out, err, code };
}

afterEach(() => {
  process.exitCode = undefined;
});

// 1,200 points: over the default limit of 1,000 runs.
const seeds = Array.from({ length: 1200 }, (_, i) => i).join(', ');
const BIG = `name: big\nmode: timing-only\ncluster: { nodes: [{ count: 1, gpusPerNode: 2, gpu: A100-80GB }] }\ntraining: { stop: { updates: 1 } }\nsweep: { seed: [${seeds}] }\n`;

describe('--max-runs', () => {
  it('reads a whole number and refuses anything else', () => {
    expect(parseMaxRuns(undefined)).toBeUndefined();
    expect(parseMaxRuns('5000')).toBe(5000);
    expect(() => parseMaxRuns('5e3')).toThrow('--max-runs must be a whole number such as 5000, got "5e3"');
    expect(() => parseMaxRuns('-1')).toThrow(/must be a whole number/);
  });

  it('lets dtsim validate accept a sweep above the default limit, and states the limit otherwise', async () => {
    const f = join(dir, 'big.yaml');
    writeFileSync(f, BIG);
    const refused = await validate([f]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      `${f}:5:1: sweep: the sweep has 1200 points (1200); at most 1000 runs are allowed (raise it with --max-runs N)`,
    );
    const ok = await validate([f, '--max-runs', '1200']);
    expect(ok.out).toBe(`ok ${f}: 1200 runs, 2 workers\n`);
    const silly = await validate([f, '--max-runs', '0']);
    expect(silly.err).toContain('--max-runs 0: expected an integer >= 1 and <= 100000');
  });

  it('is passed through by dtsim run, which then writes nothing for a sweep over it', async () => {
    const out = join(dir, 'run');
    await expect(runFile(SMALL, { out, quiet: true, maxRuns: '2' }, 'wasm')).rejects.toThrow(
      /the sweep has 3 points \(3\); at most 2 runs are allowed/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('counts random samples in a sweep as points', async () => {
    const f = join(dir, 'random.yaml');
    const random = BIG.replace(
      /sweep: .*\n/,
      'sweep: { seed: [1, 2], random: { samples: 600, seed: 3, space: { workload.batchSize: { int: [1, 100000] } } } }\n',
    );
    writeFileSync(f, random);
    expect((await validate([f])).err).toContain(
      'sweep: the sweep has 1200 points (2 × 600); at most 1000 runs are allowed (raise it with --max-runs N)',
    );
    expect((await validate([f, '--max-runs', '1200'])).out).toBe(`ok ${f}: 1200 runs, 2 workers\n`);
  });
});
