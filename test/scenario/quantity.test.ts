import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DIMENSIONS, QuantityError, parseQuantity } from '../../src/scenario/quantity.ts';
import type { QuantityDimension } from '../../src/scenario/quantity.ts';

const err = (v: unknown, d: QuantityDimension): string => {
  try {
    parseQuantity(v, d);
  } catch (e) {
    expect(e).toBeInstanceOf(QuantityError);
    return (e as Error).message;
  }
  throw new Error(`expected ${String(v)} to be rejected as ${d}`);
};

describe('parseQuantity', () => {
  it('reads sizes in bytes with decimal (GB = 1e9 B) and binary (GiB = 2^30 B) prefixes, and bits', () => {
    expect(parseQuantity('80 GB', 'size')).toBe(80e9);
    expect(parseQuantity('80 GiB', 'size')).toBe(80 * 2 ** 30);
    expect(parseQuantity('25MB', 'size')).toBe(25e6);
    expect(parseQuantity('1 kB', 'size')).toBe(1000);
    expect(parseQuantity('8 bit', 'size')).toBe(1);
    expect(parseQuantity('1 Gbit', 'size')).toBe(1.25e8);
    expect(parseQuantity('0 B', 'size')).toBe(0);
  });

  it('reads durations exactly, also with µ and minutes or hours', () => {
    // 5 × 1e-6 in floating point is 4.9999999999999996e-6; the parser divides by 1e6 instead.
    expect(parseQuantity('5 us', 'duration')).toBe(5e-6);
    expect(parseQuantity('5 µs', 'duration')).toBe(5e-6);
    expect(parseQuantity('10 ms', 'duration')).toBe(0.01);
    expect(parseQuantity('2 h', 'duration')).toBe(7200);
    expect(parseQuantity('1.5 min', 'duration')).toBe(90);
    expect(parseQuantity('100 ns', 'duration')).toBe(1e-7);
  });

  it('reads bandwidths in bytes or bits per second; "Gb/s" is gigabits', () => {
    expect(parseQuantity('25 GB/s', 'bandwidth')).toBe(25e9);
    // 100 Gbit/s = 1e11 bit/s = 1.25e10 B/s.
    expect(parseQuantity('100 Gbit/s', 'bandwidth')).toBe(1.25e10);
    expect(parseQuantity('200 Gb/s', 'bandwidth')).toBe(2.5e10);
    expect(parseQuantity('2 TB/s', 'bandwidth')).toBe(2e12);
    expect(parseQuantity('1 GiB/s', 'bandwidth')).toBe(2 ** 30);
  });

  it('reads FLOP counts and FLOP rates with SI prefixes', () => {
    expect(parseQuantity('4 GFLOP', 'flops')).toBe(4e9);
    expect(parseQuantity('312 TFLOP/s', 'flop-rate')).toBe(312e12);
    expect(parseQuantity('1.5 PFLOP/s', 'flop-rate')).toBe(1.5e15);
  });

  it('rejects bare numbers and suggests the unit', () => {
    expect(err(25, 'bandwidth')).toBe('got 25; write it with a unit, e.g. "25 GB/s"');
    expect(err('25', 'bandwidth')).toMatch(/write it with a unit, e\.g\. "25 GB\/s"/);
    expect(err(5, 'duration')).toMatch(/"5 us"/);
  });

  it('names the dimension that was written when it is the wrong one', () => {
    expect(err('25 GB', 'bandwidth')).toBe('got "25 GB" (a size); expected a bandwidth such as "25 GB/s"');
    expect(err('5 ms', 'size')).toMatch(/\(a duration\); expected a size/);
    expect(err('3 m', 'duration')).toMatch(/\(a length\); expected a duration/);
    expect(err('312 TFLOP', 'flop-rate')).toMatch(/\(a FLOP count\); expected a FLOP rate/);
  });

  it('rejects unknown units listing what the dimension accepts', () => {
    expect(err('25 Gbps', 'bandwidth')).toMatch(/unknown unit "Gbps"; a bandwidth is written in B\/s or bit\/s/);
    expect(err('10 KB', 'size')).toMatch(/unknown unit "KB"/);
    expect(err('312 TFLOPS', 'flop-rate')).toMatch(
      /ambiguous; write "312 TFLOP\/s" for a rate or "312 TFLOP" for a count/,
    );
  });

  it('rejects text that is not a number and a unit, negatives, zero rates and non-strings', () => {
    expect(err('fast', 'bandwidth')).toMatch(/got "fast"; expected a bandwidth/);
    expect(err('-5 us', 'duration')).toMatch(/expected a duration >= 0/);
    expect(err('0 GB/s', 'bandwidth')).toMatch(/expected a bandwidth > 0/);
    expect(err(true, 'size')).toMatch(/got true; expected a size/);
    expect(err('5 us extra', 'duration')).toMatch(/cannot read the unit|unknown unit/);
  });

  it('does not add its units to the global mathjs instance', async () => {
    parseQuantity('1 TFLOP', 'flops');
    const { unit } = await import('mathjs');
    expect(() => unit('1 TFLOP')).toThrow();
  });

  it('gives a formatted value back to 1e-12 relative, for every dimension and prefix', () => {
    const cases: [QuantityDimension, string, number][] = [
      ['size', 'B', 1],
      ['size', 'kB', 1e3],
      ['size', 'MB', 1e6],
      ['size', 'GB', 1e9],
      ['size', 'TB', 1e12],
      ['size', 'KiB', 2 ** 10],
      ['size', 'MiB', 2 ** 20],
      ['size', 'GiB', 2 ** 30],
      ['size', 'Gbit', 1e9 / 8],
      ['duration', 'ns', 1e-9],
      ['duration', 'us', 1e-6],
      ['duration', 'ms', 1e-3],
      ['duration', 's', 1],
      ['duration', 'min', 60],
      ['duration', 'h', 3600],
      ['bandwidth', 'B/s', 1],
      ['bandwidth', 'MB/s', 1e6],
      ['bandwidth', 'GB/s', 1e9],
      ['bandwidth', 'Gbit/s', 1e9 / 8],
      ['bandwidth', 'Gb/s', 1e9 / 8],
      ['bandwidth', 'GiB/s', 2 ** 30],
      ['bandwidth', 'Tbit/s', 1e12 / 8],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        ([dim, unit, factor], x) => {
          const want = x * factor;
          // Within the dimension's range (below 1 B/s is refused, see the next test).
          fc.pre(want >= (DIMENSIONS[dim].min?.[0] ?? 0) && want <= DIMENSIONS[dim].max[0]);
          const got = parseQuantity(`${x} ${unit}`, dim);
          return Math.abs(got - want) <= 1e-12 * want;
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('refuses values outside each dimension’s range, which would overflow task times', () => {
    expect(() => parseQuantity('2 EB', 'size')).toThrow('got "2 EB"; expected a size of at most 1e18 B (1 EB)');
    expect(() => parseQuantity('1e300 s', 'duration')).toThrow(
      'got "1e300 s"; expected a duration of at most 1e9 s (about 32 years)',
    );
    expect(() => parseQuantity('1e-300 B/s', 'bandwidth')).toThrow(
      'got "1e-300 B/s"; expected a bandwidth of at least 1 B/s',
    );
    expect(() => parseQuantity('2 PB/s', 'bandwidth')).toThrow(/at most 1e15 B\/s \(1 PB\/s\)/);
    expect(() => parseQuantity('0.5 FLOP/s', 'flop-rate')).toThrow(/at least 1 FLOP\/s/);
    expect(() => parseQuantity('2000 EFLOP', 'flops')).toThrow(/at most 1e21 FLOP/);
    // The ends themselves, and zero where zero is allowed, are fine.
    expect(parseQuantity('1 B/s', 'bandwidth')).toBe(1);
    expect(parseQuantity('1 EB', 'size')).toBe(1e18);
    expect(parseQuantity('0 s', 'duration')).toBe(0);
    expect(parseQuantity('1 ns', 'duration')).toBe(1e-9);
  });
});
