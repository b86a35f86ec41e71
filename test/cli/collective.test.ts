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

let warnings = '';

async function run(args: string[]): Promise<string> {
  let out = '';
  const cmd = collectiveCommand({ write: (t) => (out += t), warn: (t) => (warnings += t) });
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
    for (const [size, count, type, redop, root, time, algbw, busbw, wrong, ...inPlace] of r) {
      expect([type, redop, root, wrong]).toEqual(['float', 'sum', '-1', '0']);
      // Simulated out-of-place and in-place take the same time.
      expect(inPlace).toEqual([time, algbw, busbw, wrong]);
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
    const out = await run([
      '--cluster',
      file,
      '--collective',
      'all-gather',
      '--algo',
      'ring',
      '--protocol',
      'none',
      '-b',
      '1M',
      '-e',
      '1M',
      '--csv',
      csv,
    ]);
    // Ring all-gather on 4 ranks on the plain α-β model (--protocol none), 80 Gbit/s = 1e10 B/s,
    // α = 5 µs: 3·(5e-6 + 2^20/4/1e10) = 93.6432 µs.
    const [row] = rows(out);
    expect(Number(row![5])).toBeCloseTo(3 * (5e-6 + 2 ** 20 / 4 / 1e10) * 1e6, 2);
    // all_gather_perf prints the per-rank count (2^20 / 4 B / 4 ranks) and no reduction.
    expect(row!.slice(1, 5)).toEqual(['65536', 'float', 'none', '-1']);
    expect(out).toMatch(/flow model/);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('size_bytes,count,type,time_us,algbw_gb_per_s,busbw_gb_per_s,redop,root');
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

  it("prints nccl-tests' header, device block, column header and footer", async () => {
    const out = await run(['--preset', 'dgx-a100', '-g', '4', '-b', '8', '-e', '64', '-f', '2']);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      '# nThread 1 nGpus 4 minBytes 8 maxBytes 64 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0',
    );
    expect(out).toContain('#  Rank  3 Group  0 Pid   1000 on      node0 device  3 [0x03] A100-80GB\n');
    expect(out).not.toContain('Rank  4 ');
    expect(out).toMatch(/# dtsim: simulated run; .*same simulated time\n/);
    expect(out).toMatch(/# Out of bounds values : 0 OK\n# Avg bus bandwidth {4}: [0-9.e+-]+ \n#\n$/);
    expect(rows(out).map((r) => r[0])).toEqual(['8', '16', '32', '64']);
  });

  it('takes nccl-tests flags: -d sets the element size, -o the redop, -i steps by bytes, -n/-w/-c are noted once', async () => {
    const out = await run(['-d', 'double', '-o', 'max', '-b', '1K', '-e', '3K', '-i', '1K', '-n', '50', '-w', '1']);
    expect(rows(out).map((r) => r.slice(0, 5))).toEqual([
      ['1024', '128', 'double', 'max', '-1'],
      ['2048', '256', 'double', 'max', '-1'],
      ['3072', '384', 'double', 'max', '-1'],
    ]);
    expect(out).toMatch(/step: 1024\(bytes\) warmup iters: 1 iters: 50 /);
    expect(out.match(/have no effect/g)).toHaveLength(1);
    // -c 0: nccl-tests prints N/A in #wrong and validation: 0 in the header.
    const unchecked = await run(['-b', '1M', '-e', '1M', '-c', '0']);
    expect(rows(unchecked)[0]![8]).toBe('N/A');
    expect(unchecked).toMatch(/validation: 0 graph: 0/);
    // -d all and -o all loop types (outer) and reductions (inner), as AllReduceRunTest does.
    const all = rows(await run(['-b', '1M', '-e', '1M', '-d', 'all', '-o', 'all']));
    expect(all).toHaveLength(10 * 6);
    expect(all[0]!.slice(2, 4)).toEqual(['int8', 'sum']);
  });

  it('prints a 0-byte size once with time 0, as NCCL returns at once on count 0', async () => {
    const r = rows(await run(['-b', '0', '-e', '8', '-f', '2']));
    expect(r.map((x) => x[0])).toEqual(['0', '0', '0', '4', '8']);
    expect(r[0]!.slice(5, 8)).toEqual(['0.00', '0.00', '0.00']);
    expect(Number(r[3]![5])).toBeGreaterThan(0);
  });

  it("follows each *_perf test's size and count convention, redop none and root -1 where they do not apply", async () => {
    const one = async (collective: string, extra: string[] = []) =>
      rows(await run(['--collective', collective, '-g', '8', '-b', '1000', '-e', '1000', ...extra]))[0]!.slice(0, 5);
    // all_gather / reduce_scatter: per-rank count rounded down to a multiple of 4 (ALIGN), size = count × ranks.
    expect(await one('all_gather_perf')).toEqual(['896', '28', 'float', 'none', '-1']);
    expect(await one('reduce-scatter')).toEqual(['896', '28', 'float', 'sum', '-1']);
    // alltoall: the count to each peer, size = count × ranks.
    expect(await one('alltoall')).toEqual(['992', '31', 'float', 'none', '-1']);
    expect(await one('broadcast', ['-r', '3'])).toEqual(['1000', '250', 'float', 'none', '3']);
    const roots = rows(await run(['--collective', 'broadcast', '-g', '4', '-b', '1M', '-e', '1M', '-r', '-1']));
    expect(roots.map((x) => x[4])).toEqual(['0', '1', '2', '3']);
  });

  it('keeps --op <collective> working with a deprecation note, and rejects contradictions', async () => {
    warnings = '';
    const out = await run(['--op', 'all-gather', '-b', '1M', '-e', '1M']);
    expect(rows(out)[0]![3]).toBe('none');
    expect(warnings).toMatch(/--op all-gather is deprecated; use --collective all-gather/);
    expect(warnings.trim().split('\n')).toHaveLength(1);
    await expect(run(['--op', 'all-gather', '--collective', 'broadcast'])).rejects.toThrow(/contradicts/);
    await expect(run(['--collective', 'gossip'])).rejects.toThrow(/unknown collective "gossip"/);
    await expect(run(['-o', 'xor'])).rejects.toThrow(/unknown reduction "xor"/);
    await expect(run(['-d', 'fp4'])).rejects.toThrow(/unknown type "fp4"/);
    await expect(run(['--algo', 'no-such'])).rejects.toThrow(/unknown collective algorithm 'no-such'/);
  });

  it('puts dedicated parameter-server shards on the ranks after the group, and says when they do not fit', async () => {
    const args = ['--algo', 'parameter-server', '--shards', '2', '-b', '1M', '-e', '1M'];
    const colocated = rows(await run([...args, '-g', '4']));
    const dedicated = await run([...args, '-g', '4', '--servers', 'dedicated']);
    expect(dedicated).toMatch(/dedicated ranks 4, 5/);
    expect(rows(dedicated)[0]![5]).not.toBe(colocated[0]![5]);
    await expect(run([...args, '-g', '7', '--servers', 'dedicated'])).rejects.toThrow(
      /needs 7 GPUs \+ 2 server ranks, but the cluster has 8 GPUs/,
    );
    await expect(run(['--servers', 'dedicated'])).rejects.toThrow(/applies to --algo parameter-server/);
  });
  it("runs NCCL's tuner by default and names its switch points; --protocol and --launch-overhead override", async () => {
    const auto = await run(['-b', '8', '-e', '1G', '-f', '64']);
    expect(auto).toMatch(/algorithm auto, protocol auto, launch overhead 39\.43 us/);
    // Small messages on LL (a tree on this one NVLink node), large ones on Simple rings.
    expect(auto).toMatch(/# dtsim: chose double-binary-tree\/ll from 8 B, .*ring\/simple from \d+ B/);
    const [small] = rows(auto);
    const simple = rows(await run(['-b', '8', '-e', '8', '--algo', 'ring', '--protocol', 'simple']));
    // Simple on a ring costs more than LL for 8 bytes: 14 steps of 3.4 µs instead of a tree's few 0.6 µs.
    expect(Number(simple[0]![5])).toBeGreaterThan(Number(small![5]));
    const later = rows(await run(['-b', '8', '-e', '8', '--launch-overhead', '100 us']));
    expect(Number(later[0]![5]) - Number(small![5])).toBeCloseTo(100 - 39.43, 1);
    await expect(run(['--protocol', 'fast'])).rejects.toThrow(
      /unknown protocol 'fast'; known: auto, ll, ll128, simple/,
    );
    await expect(run(['--launch-overhead', '5'])).rejects.toThrow(/--launch-overhead: .*unit/);
  });
});
