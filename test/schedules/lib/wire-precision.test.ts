import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundBf16, roundFp16, roundThrough } from '../../../src/schedules/lib/wire-precision.ts';

describe('roundFp16', () => {
  it('gives the IEEE half-precision neighbours', () => {
    // 1/3 = 0.0101…₂: 10 mantissa bits after the leading 1 at 2⁻² give 0x3555 = 0.333251953125.
    expect(roundFp16(1 / 3)).toBe(0.333251953125);
    // 1 + 2⁻¹¹ is halfway between 1 and 1 + 2⁻¹⁰: ties go to the even mantissa, 1.
    expect(roundFp16(1 + 2 ** -11)).toBe(1);
    // 1 + 3·2⁻¹¹ is halfway between 1 + 2⁻¹⁰ (odd) and 1 + 2⁻⁹ (even).
    expect(roundFp16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundFp16(65504)).toBe(65504);
    expect(roundFp16(65519)).toBe(65504);
    expect(roundFp16(65520)).toBe(Infinity);
    expect(roundFp16(-1e6)).toBe(-Infinity);
    // The smallest subnormal is 2⁻²⁴; half of it is a tie with 0 and goes to 0 (even).
    expect(roundFp16(2 ** -24)).toBe(2 ** -24);
    expect(roundFp16(2 ** -25)).toBe(0);
    expect(roundFp16(1.5 * 2 ** -25)).toBe(2 ** -24);
    expect(Number.isNaN(roundFp16(NaN))).toBe(true);
  });
  it('is idempotent, keeps the sign and stays within half an ulp (2⁻¹¹ relative) in the normal range', () => {
    fc.assert(
      fc.property(fc.float({ min: Math.fround(2 ** -14), max: 65000, noNaN: true }), fc.boolean(), (a, neg) => {
        const x = neg ? -a : a;
        const r = roundFp16(x);
        expect(roundFp16(r)).toBe(r);
        expect(Math.sign(r)).toBe(Math.sign(x));
        expect(Math.abs(r - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11);
      }),
    );
  });
});

describe('roundBf16', () => {
  it('keeps 8 significant bits, ties to even', () => {
    // 1/3 ≈ 0x3EAAAAAB in fp32; the low 16 bits 0xAAAB exceed half (0x8000): up to 0x3EAB = 0.333984375.
    expect(roundBf16(1 / 3)).toBe(0.333984375);
    // 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷: to 1 (even).
    expect(roundBf16(1 + 2 ** -8)).toBe(1);
    // bf16 keeps fp32's exponent range: 3e38 stays finite.
    expect(Number.isFinite(roundBf16(3e38))).toBe(true);
    expect(roundBf16(Infinity)).toBe(Infinity);
  });
  it('stays within half an ulp (2⁻⁸ relative)', () => {
    fc.assert(
      fc.property(fc.float({ min: Math.fround(1e-30), max: Math.fround(1e30), noNaN: true }), (x) => {
        expect(Math.abs(roundBf16(x) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -8);
      }),
    );
  });
});

describe('roundThrough', () => {
  it('rounds every value and leaves the input alone', () => {
    const v = Float32Array.from([1 / 3, -2 / 3, 0]);
    const r = roundThrough(v, 'fp16');
    expect(Array.from(r)).toEqual([roundFp16(1 / 3), roundFp16(-2 / 3), 0]);
    expect(v[0]).toBe(Math.fround(1 / 3));
    expect(Array.from(roundThrough(v, 'fp32'))).toEqual(Array.from(v));
  });
});
