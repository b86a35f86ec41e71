import { describe, expect, it } from 'vitest';
import { optimizerBytesPerParam, zeroModelStateBytes } from '../../src/workload/zero-memory.ts';

describe('zeroModelStateBytes', () => {
  // F14 (spec §23, ZeRO paper Fig. 1): Ψ = 7.5B, N_d = 64, fp16 weights and gradients, K = 12.
  // DP (2+2+12)Ψ = 120 GB; P_os 4Ψ + 12Ψ/64 = 31.40625 GB; P_os+g 2Ψ + 14Ψ/64 = 16.640625 GB; P_os+g+p 16Ψ/64 = 1.875 GB.
  const base = { params: 7.5e9, dp: 64, weightBytes: 2, gradBytes: 2, optimizerBytes: 12 } as const;
  it.each([
    [0, 120e9],
    [1, 31.40625e9],
    [2, 16.640625e9],
    [3, 1.875e9],
  ] as const)('stage %i gives F14 exactly', (stage, total) => {
    expect(zeroModelStateBytes({ ...base, stage }).total).toBeCloseTo(total, 0);
  });
  it('K = 12 for mixed-precision Adam, 8 for fp32 Adam', () => {
    expect(optimizerBytesPerParam(2, 2)).toBe(12);
    expect(optimizerBytesPerParam(2, 4)).toBe(8);
    expect(optimizerBytesPerParam(0, 4)).toBe(0);
  });
  it('rejects a bad stage or degree', () => {
    expect(() => zeroModelStateBytes({ ...base, dp: 0, stage: 1 })).toThrow(RangeError);
    expect(() => zeroModelStateBytes({ ...base, stage: 4 as 1 })).toThrow(RangeError);
  });
});
