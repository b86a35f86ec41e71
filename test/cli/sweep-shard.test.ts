import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSameFolder } from './same-folder.ts';
import { mergeFolders } from '../../src/cli/commands/merge.ts';
import { runFile } from '../../src/cli/commands/run.ts';
import { parseShard, shardRunIds } from '../../src/cli/commands/shard.ts';
import { stagingDir } from '../../src/cli/commands/sweep-store.ts';

const root = mkdtempSync(join(tmpdir(), 'dtsim-shard-'));
// Timing-only, 2 × 2 points × repeats: 2 = 8 runs, with a trace.
const SWEEP = resolve(import.meta.dirname, 'fixtures/shard-sweep.yaml');
const quiet = { quiet: true };

describe('--shard K/N', () => {
  it('reads K/N and refuses anything else', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0', '-1/3'])
      expect(() => parseShard(bad)).toThrow(/--shard must be K\/N with 1 <= K <= N/);
  });

  it('partitions the runs: every run in exactly one shard, shard sizes within one of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 40 }), (total, count) => {
        const shards = Array.from({ length: count }, (_, k) => shardRunIds(total, { index: k + 1, count }));
        const all = shards.flat().sort((x, y) => x - y);
        expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        shards.forEach((s, k) => s.forEach((i) => expect(i % count).toBe(k)));
      }),
    );
  });
});

describe('dtsim sweep --shard and dtsim merge', () => {
  const whole = join(root, 'whole');
  const shards = [1, 2, 3].map((k) => join(root, `s${String(k)}`));

  it('merges three shards into the folder the unsharded sweep writes, byte for byte', async () => {
    const w = await runFile(SWEEP, { ...quiet, out: whole }, undefined, {});
    expect(w.results).toHaveLength(8);
    expect(w.executed).toBe(8);
    for (const [k, out] of shards.entries()) {
      const s = await runFile(SWEEP, { ...quiet, out }, undefined, { shard: { index: k + 1, count: 3 } });
      // Global run ids: shard 2 of 3 holds runs 1, 4 and 7.
      expect(s.results.map((r) => r.runId)).toEqual(shardRunIds(8, { index: k + 1, count: 3 }));
      const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
        sweep: { shard: unknown; runs: number };
      };
      expect(m.sweep).toMatchObject({ runs: 8, shard: { index: k + 1, count: 3 } });
    }
    // Shards given in any order.
    await mergeFolders(join(root, 'merged'), [shards[2]!, shards[0]!, shards[1]!]);
    expectSameFolder(whole, join(root, 'merged'));
    // The aggregate rows were recomputed over all shards: 4 configurations × 6 rows.
    const summary = readFileSync(join(root, 'merged', 'summary.csv'), 'utf8');
    expect(summary.split('\n').filter((l) => l.includes(',mean,'))).toHaveLength(4);
  }, 120_000);

  it('refuses a missing shard, a shard given twice, and a shard of another sweep, writing nothing', async () => {
    const out = join(root, 'bad');
    await expect(mergeFolders(out, [shards[0]!, shards[1]!])).rejects.toThrow(/missing shard 3\/3/);
    await expect(mergeFolders(out, [shards[0]!, shards[1]!, shards[1]!])).rejects.toThrow(/are both shard 2\/3/);
    const other = join(root, 'other');
    await runFile(SWEEP, { ...quiet, out: other, seed: '99' }, undefined, { shard: { index: 3, count: 3 } });
    await expect(mergeFolders(out, [shards[0]!, shards[1]!, other])).rejects.toThrow(/comes from a different sweep/);
    await expect(mergeFolders(out, [shards[0]!, whole])).rejects.toThrow(/not a shard folder/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});

describe('dtsim sweep resumes', () => {
  it('keeps the folder untouched when a run fails, then reruns only the unfinished runs', async () => {
    const out = join(root, 'resume');
    await expect(
      runFile(SWEEP, { ...quiet, out }, undefined, {
        beforeRun: (i) => {
          if (i === 5) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(existsSync(out)).toBe(false);
    const staged = readdirSync(stagingDir(out));
    expect(staged.filter((n) => n.endsWith('.done'))).toHaveLength(5);
    // A run whose completion marker is missing (killed between its file and its marker) counts as unfinished.
    unlinkSync(
      join(
        stagingDir(out),
        staged.find((n) => n.startsWith('2-') && n.endsWith('.done'))!,
      ),
    );
    const again = await runFile(SWEEP, { ...quiet, out }, undefined, {});
    expect(again.executed).toBe(4); // runs 2, 5, 6 and 7
    expect(existsSync(stagingDir(out))).toBe(false);
    expectSameFolder(join(root, 'whole'), out);
    // Into the finished folder, nothing runs again.
    const third = await runFile(SWEEP, { ...quiet, out }, undefined, {});
    expect(third.executed).toBe(0);
    expectSameFolder(join(root, 'whole'), out);
    rmSync(out, { recursive: true });
  }, 120_000);
});
