import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BYTEGRAD } from '../../../../src/schedules/lib/compression/bytegrad.ts';
import { MINMAX_CHUNK, minmaxU8Bytes } from '../../../../src/schedules/lib/compression/minmax-u8.ts';
import { compressOne } from './helpers.ts';

describe('ByteGrad', () => {
  const c = BYTEGRAD.create({ errorFeedback: false });

  it('errs by at most half a level, span/510, per value', () => {
    // q = round((x − min)/step), step = span/255, so |decoded − x| ≤ step/2 = span/510, plus the
    // float32 rounding of the stored result (≤ 2^-24 of the largest magnitude in the chunk, doubled).
    fc.assert(
      fc.property(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 3000 }), (xs) => {
        const v = Float32Array.from(xs);
        const out = compressOne(c, 1, v.length, [v]).decoded[0]!;
        for (let lo = 0; lo < v.length; lo += MINMAX_CHUNK) {
          const chunk = [...v.subarray(lo, lo + MINMAX_CHUNK)];
          const span = Math.max(...chunk) - Math.min(...chunk);
          const big = Math.max(...chunk.map(Math.abs));
          chunk.forEach((x, j) => expect(Math.abs(out[lo + j]! - x)).toBeLessThanOrEqual(span / 510 + 2 ** -23 * big));
        }
      }),
      { numRuns: 60, seed: 41 },
    );
  });

  it('is an all-reduce of minmaxU8Bytes(n) per worker', () => {
    expect(c.wireBytes(10, 300, 4)).toBe(minmaxU8Bytes(3000));
    expect(c.wireBytes(10, 300, 4)).toBe(3000 + 8 * 3);
    expect(c.collective).toBe('all-reduce');
  });
});
