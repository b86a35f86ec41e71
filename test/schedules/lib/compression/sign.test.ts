import { describe, expect, it } from 'vitest';
import { SIGN, signCompressor } from '../../../../src/schedules/lib/compression/sign.ts';
import { compressOne } from './helpers.ts';

describe('EF-signSGD', () => {
  it('decodes to (‖acc‖₁/n)·sign(acc), sign(0) = +1', () => {
    const out = compressOne(signCompressor(), 1, 4, [Float32Array.from([1, -2, 0, 5])]);
    expect([...out.decoded[0]!]).toEqual([2, -2, 2, 2]);
  });

  it('averages the workers’ scaled signs', () => {
    const out = compressOne(signCompressor(), 2, 1, [Float32Array.from([1, -1]), Float32Array.from([-3, -3])]);
    expect([...out.mean]).toEqual([-1, -2]);
  });

  it('sends one bit per value and one float32 scale per tensor, all-gathered', () => {
    const c = SIGN.create({ errorFeedback: true });
    expect(c.wireBytes(1, 1000, 4)).toBe(125 + 4);
    expect(c.wireBytes(3, 3, 2)).toBe(2 + 4);
    expect([c.collective, c.errorFeedback, c.label]).toEqual(['all-gather', true, 'ef-sign']);
  });
});
