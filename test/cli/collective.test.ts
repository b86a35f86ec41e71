/**
 * `dtsim collective` in-process: the table follows nccl-tests' columns and conventions, the CSV
 * matches it, and bad input fails with a clear message.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { collectiveCommand } from '../../src/cli/commands/collective.ts';
import { parseSize } from '../../src/cli/commands/quantities.ts';
import { ScenarioError } from '../../src/scenario/errors.ts';

async function run(args: string[]): Promise<string> {
  let out = '';
  const cmd = collectiveCommand({ write: (t) => (out += t) });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return out;
}

const rows = (text: string): string[][] =>
  text
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));

describe('dtsim collective', () => {
  it('prints size, count, type, time, algbw and busbw = algbw·2(n−1)/n for an all-reduce sweep', async () => {
    const out = await run(['--preset', 'dgx-a100', '-b', '1M', '-e', '4M', '-f', '2']);
    const r = rows(out);
    expect(r.map((x) => x[0])).toEqual(['1048576', '2097152', '4194304']);
    for (const [size, count, type, time, algbw, busbw] of r) {
      expect(type).toBe('float');
      expect(Number(count)).toBe(Number(size) / 4);
      // algbw = size / time in GB/s; busbw = algbw × 2·7/8 for 8 ranks (printed to 2 decimals).
      expect(Number(algbw)).toBeCloseTo(Number(size) / (Number(time) * 1e-6) / 1e9, 1);
      expect(Number(busbw)).toBeCloseTo(Number(algbw) * 1.75, 1);
    }
    expect(out).toMatch(/# Avg bus bandwidth/);
  });

  it('reads a cluster file with quantity strings and writes the same numbers to CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtsim-coll-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(
      file,
      [
        'cluster:',
        '  nodes:',
        '    - { count: 4, gpusPerNode: 1, gpu: A100-80GB, intraNode: { bandwidth: "1000 GB/s", latency: "0.5 us" }, nic: { bandwidth: "80 Gbit/s", latency: "4.5 us" } }',
        '  network: { model: flow, topology: { kind: switch } }',
      ].join('\n'),
    );
    const csv = join(dir, 'out.csv');
    const out = await run(['--cluster', file, '--op', 'all-gather', '-b', '1M', '-e', '1M', '--csv', csv]);
    // Ring all-gather on 4 ranks, 80 Gbit/s = 1e10 B/s, α = 5 µs: 3·(5e-6 + 2^20/4/1e10) = 93.6432 µs.
    const [row] = rows(out);
    expect(Number(row![3])).toBeCloseTo(3 * (5e-6 + 2 ** 20 / 4 / 1e10) * 1e6, 2);
    expect(out).toMatch(/flow model/);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('size_bytes,count,type,time_us,algbw_gb_per_s,busbw_gb_per_s');
    expect(Number(lines[1]!.split(',')[3])).toBeCloseTo(93.6432, 3);
  });

  it('reads a cluster file with the scenario rules: limits, YAML checks and file:line:col errors, never a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtsim-coll-'));
    const cases: [string, string[], RegExp][] = [
      // Today's limit of 65,536 GPUs, before anything is built (this once ran out of memory).
      [
        'huge.yaml',
        ['cluster:', '  nodes:', '    - { count: 1000000000, gpusPerNode: 8, gpu: A100-80GB }'],
        /huge\.yaml:3:16: cluster\.nodes\[0\]\.count: got 1000000000; expected an integer >= 1 and <= 65536/,
      ],
      ['alias.yaml', ['cluster:', '  nodes: *nope'], /alias\.yaml:2:10: .*undefined alias \*nope/],
      ['tag.yaml', ['cluster:', '  nodes: !!python/object:os.system []'], /tag\.yaml:2:10: /],
      ['nocluster.yaml', ['name: x'], /nocluster\.yaml:1:1: cluster: expected a cluster: mapping/],
      [
        'bw.yaml',
        ['cluster:', '  nodes: [{ gpu: A100-80GB, nic: { bandwidth: 25 } }]'],
        /bw\.yaml:2:47: cluster\.nodes\[0\]\.nic\.bandwidth: got 25; write it with a unit/,
      ],
    ];
    for (const [name, lines, why] of cases) {
      const file = join(dir, name);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const err = await run(['--cluster', file, '-b', '8', '-e', '8']).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as Error).message).toMatch(why);
    }
    // A whole scenario file works too: its cluster block is read, the rest is not.
    const out = await run([
      '--cluster',
      resolve(import.meta.dirname, '../../scenarios/hetero-cluster.yaml'),
      '-b',
      '1M',
      '-e',
      '1M',
    ]);
    expect(rows(out)).toHaveLength(1);
  });

  it('fails clearly on a bad size and an algorithm that cannot do the op', async () => {
    await expect(run(['-b', '8X'])).rejects.toThrow(/cannot read size "8X"/);
    await expect(run(['--op', 'all-to-all', '--algo', 'ring'])).rejects.toThrow(/does not implement all-to-all/);
    expect(parseSize('8G', 'x')).toBe(8 * 2 ** 30);
  });
});
