/**
 * nccl-tests' format, checked against a real all_reduce_perf log (fixtures/nccl-tests/README.md): the
 * test parser reads the log, dtsim's formatter rebuilds its column header, rows and average line byte
 * for byte, and the same parser reads `dtsim collective` output unchanged.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { collectiveCommand } from '../../src/cli/commands/collective.ts';
import { cFixed, cG, columnHeader, footer, formatRow, formatTime } from '../../src/cli/commands/nccl-tests-format.ts';
import { parseNcclTests } from './nccl-tests-parser.ts';

const fixture = readFileSync(resolve(import.meta.dirname, 'fixtures/nccl-tests/all_reduce_perf-2x8-h100.log'), 'utf8');

async function dtsim(args: string[]): Promise<string> {
  let out = '';
  const cmd = collectiveCommand({ write: (t) => (out += t), warn: () => undefined });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return out;
}

describe("nccl-tests' output format", () => {
  it('parses the real all_reduce_perf log', () => {
    const log = parseNcclTests(fixture);
    expect([log.nGpus, log.minBytes, log.maxBytes]).toEqual([1, 8, 8589934592]);
    expect(log.devices).toHaveLength(16);
    expect(log.devices[15]).toEqual({ rank: 15, host: 'ztan-mig-gq73', device: 7, name: 'NVIDIA H100 80GB HBM3' });
    expect(log.rows).toHaveLength(31);
    expect(log.rows[0]!.size).toBe(8);
    expect(log.rows[30]).toMatchObject({ size: 8589934592, count: 2147483648, type: 'float', redop: 'sum', root: -1 });
    expect(log.rows[30]!.outOfPlace).toEqual({ timeUs: 47535, algbw: 180.71, busbw: 338.82, wrong: 0 });
    expect(log.rows[30]!.inPlace.busbw).toBe(337.35);
    expect([log.outOfBounds, log.avgBusBw]).toEqual([0, 70.742]);
  });

  it("rebuilds the log's column header, every row and the average line byte for byte", () => {
    const log = parseNcclTests(fixture);
    expect(columnHeader()).toBe(log.columnHeader.join('\n') + '\n');
    for (const r of log.rows) expect(formatRow(r)).toBe(r.line + '\n');
    expect(footer(0, log.avgBusBw).split('\n')[1]).toBe(log.avgLine);
  });

  it("formats numbers as C's printf does", () => {
    expect([formatTime(42.561), formatTime(135.84), formatTime(12646.4), formatTime(0)]).toEqual([
      '  42.56',
      '  135.8',
      '  12646',
      '   0.00',
    ]);
    // glibc rounds exact ties to even; toFixed would print 0.13 and 2.6.
    expect([cFixed(0.125, 2), cFixed(0.375, 2), cFixed(2.5, 0), cFixed(3.5, 0)]).toEqual(['0.12', '0.38', '2', '4']);
    expect([cG(70.742), cG(6.697200001), cG(0), cG(1234567), cG(0.00001234), cG(100)]).toEqual([
      '70.742',
      '6.6972',
      '0',
      '1.23457e+06',
      '1.234e-05',
      '100',
    ]);
  });

  it("reads dtsim collective's output with the same parser: row count, sizes, times and busbw", async () => {
    for (const collective of ['all-reduce', 'all-gather', 'reduce-scatter', 'broadcast', 'all-to-all']) {
      const out = await dtsim(['--collective', collective, '-b', '8', '-e', '1G', '-f', '2']);
      const log = parseNcclTests(out);
      expect(log.nGpus).toBe(8);
      expect(log.devices).toHaveLength(8);
      expect(log.rows).toHaveLength(28);
      expect(log.columnHeader).toEqual(parseNcclTests(fixture).columnHeader);
      const last = log.rows.at(-1)!;
      expect(last.size).toBeLessThanOrEqual(2 ** 30);
      expect(last.outOfPlace.timeUs).toBeGreaterThan(0);
      expect(last.outOfPlace.busbw).toBeGreaterThan(0);
      expect(last.inPlace).toEqual(last.outOfPlace);
      for (const r of log.rows) expect(formatRow(r)).toBe(r.line + '\n');
      // The footer's average is nccl-tests' mean over every block, to %g's 6 digits.
      const mean = log.rows.reduce((s, r) => s + r.outOfPlace.busbw, 0) / log.rows.length;
      expect(log.avgBusBw).toBeCloseTo(mean, 1);
    }
  });
  it('compares dtsim collective with the calibration measurements laid out in the same format', async () => {
    // The fixture is the three 8×A100 points the collectives are calibrated on (fixtures/nccl-tests/
    // README.md); the same parser reads both, and the errors are the calibration's (docs/validation.md).
    const measured = parseNcclTests(
      readFileSync(
        resolve(import.meta.dirname, 'fixtures/nccl-tests/all_reduce_perf-1x8-a100-calibration.log'),
        'utf8',
      ),
    );
    const sim = parseNcclTests(await dtsim(['--preset', 'dgx-a100', '-b', '1M', '-e', '1G', '-f', '4']));
    const errors = measured.rows.map((m) => {
      const r = sim.rows.find((x) => x.size === m.size)!;
      return Number(((r.outOfPlace.timeUs / m.outOfPlace.timeUs - 1) * 100).toFixed(1));
    });
    expect(errors).toEqual([-0.5, 3.3, -2.9]);
  });
});
