import { describe, expect, it } from 'vitest';
import { customProfile } from '../../src/workload/custom.ts';
import { profileTotals } from '../../src/workload/totals.ts';

describe('custom profile', () => {
  it('makes one layer named custom from the given numbers', () => {
    const p = customProfile({
      forwardFlopsPerSample: 1e12,
      paramBytes: 2e9,
      activationBytesPerSample: 5e8,
      bytesPerValue: 2,
    });
    expect(p.name).toBe('custom');
    expect(p.layers).toEqual([
      // GEMM-like work of unknown shape (timed at the large-GEMM efficiency).
      { name: 'custom', kind: 'gemm', params: 1e9, forwardFlopsPerSample: 1e12, activationBytesPerSample: 5e8 },
    ]);
    expect(profileTotals(p)).toEqual({
      params: 1e9,
      forwardFlopsPerSample: 1e12,
      activationBytesPerSample: 5e8,
      paramBytes: 2e9,
    });
  });

  it('defaults activation bytes to zero', () => {
    expect(
      customProfile({ forwardFlopsPerSample: 10, paramBytes: 8, bytesPerValue: 4 }).layers[0]!.activationBytesPerSample,
    ).toBe(0);
  });

  it('rejects negative or non-finite numbers and a fractional parameter count', () => {
    expect(() => customProfile({ forwardFlopsPerSample: -1, paramBytes: 8, bytesPerValue: 4 })).toThrow(
      /forwardFlopsPerSample/,
    );
    expect(() => customProfile({ forwardFlopsPerSample: 1, paramBytes: Infinity, bytesPerValue: 4 })).toThrow(
      /paramBytes/,
    );
    expect(() =>
      customProfile({
        forwardFlopsPerSample: 1,
        paramBytes: 8,
        activationBytesPerSample: Number.NaN,
        bytesPerValue: 4,
      }),
    ).toThrow(/activationBytesPerSample/);
    expect(() => customProfile({ forwardFlopsPerSample: 1, paramBytes: 6, bytesPerValue: 4 })).toThrow(/whole number/);
    expect(() => customProfile({ forwardFlopsPerSample: 1, paramBytes: 8, bytesPerValue: 3 })).toThrow(/bytesPerValue/);
  });
});
