import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, nearestNames, normalizeName } from '../../src/core/names.ts';

describe('names', () => {
  it('ignores case, spaces, dashes, underscores and dots', () => {
    expect(normalizeName('H100_SXM')).toBe(normalizeName('h100 sxm'));
    expect(normalizeName('GPT-2.XL')).toBe('gpt2xl');
  });

  it('computes the Levenshtein distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('is a metric: symmetric, zero only on equal strings, triangle inequality', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b, c) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
      }),
    );
  });

  it('returns the nearest names first, ties in the given order', () => {
    expect(nearestNames('a100-80g', ['V100-16GB', 'A100-40GB', 'A100-80GB'])).toEqual(['A100-80GB', 'A100-40GB']);
    expect(nearestNames('zz', ['ab', 'cd'], 2)).toEqual(['ab', 'cd']);
  });
});
