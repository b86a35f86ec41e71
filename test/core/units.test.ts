import { describe, expect, it } from 'vitest';
import {
  bytes,
  bytesMoved,
  bytesPerSecond,
  computeTime,
  flops,
  flopsPerSecond,
  seconds,
  transferTime,
  GBIT_PER_S,
  GIB,
} from '../../src/core/units.ts';

describe('units', () => {
  it('computes transfer time as size over rate', () => {
    // 1 GiB over 100 Gbit/s = 2^30 B / 1.25e10 B/s = 0.08589934592 s
    expect(transferTime(bytes(GIB), bytesPerSecond(100 * GBIT_PER_S))).toBeCloseTo(0.08589934592, 15);
  });

  it('computes compute time as work over rate', () => {
    // 4.1e9 FLOPs forward of ResNet-50 per image at 312 TFLOP/s
    expect(computeTime(flops(4.1e9), flopsPerSecond(312e12))).toBeCloseTo(4.1e9 / 312e12, 20);
  });

  it('inverts transferTime with bytesMoved', () => {
    const r = bytesPerSecond(3e9);
    expect(bytesMoved(r, transferTime(bytes(12345), r))).toBeCloseTo(12345, 9);
  });

  it('rejects negative, NaN and infinite quantities and zero rates', () => {
    expect(() => seconds(-1)).toThrow(RangeError);
    expect(() => bytes(Number.NaN)).toThrow(RangeError);
    expect(() => flops(Infinity)).toThrow(RangeError);
    expect(() => bytesPerSecond(0)).toThrow(RangeError);
    expect(() => flopsPerSecond(0)).toThrow(RangeError);
    expect(seconds(0)).toBe(0);
  });
});
