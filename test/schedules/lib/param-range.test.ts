import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRange, tilingOrder } from '../../../src/schedules/lib/param-range.ts';

describe('parameter ranges', () => {
  it('accepts ranges inside [0, size) and rejects the rest, naming them', () => {
    expect(() => checkRange('x', [0, 10], 10)).not.toThrow();
    expect(() => checkRange('x', [3, 3], 10)).not.toThrow();
    expect(() => checkRange('x', [4, 2], 10)).toThrow(/x: range \[4, 2\) is not inside \[0, 10\)/);
    expect(() => checkRange('x', [0, 11], 10)).toThrow(/not inside/);
    expect(() => checkRange('x', [0.5, 2], 10)).toThrow(/not inside/);
  });

  it('orders ranges that tile [0, size), skipping empty ones, and names a gap or an overlap', () => {
    expect(
      tilingOrder(
        'c',
        [
          [5, 10],
          [0, 5],
          [5, 5],
        ],
        10,
      ),
    ).toEqual([1, 0]);
    expect(() =>
      tilingOrder(
        'c',
        [
          [0, 4],
          [5, 10],
        ],
        10,
      ),
    ).toThrow(/leave \[4, 5\) uncovered/);
    expect(() =>
      tilingOrder(
        'c',
        [
          [0, 6],
          [5, 10],
        ],
        10,
      ),
    ).toThrow(/overlaps/);
    expect(() => tilingOrder('c', [[0, 6]], 10)).toThrow(/leave \[6, 10\) uncovered/);
  });

  it('accepts every split of [0, size) into k shards, in any order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 8 }), fc.nat(), (p, k, seed) => {
        const ranges = Array.from(
          { length: k },
          (_, j) => [Math.floor((j * p) / k), Math.floor(((j + 1) * p) / k)] as const,
        );
        const shuffled = [...ranges].sort((a, b) => ((a[0] * 31 + seed) % 7) - ((b[0] * 31 + seed) % 7));
        const order = tilingOrder('s', shuffled, p);
        expect(order.map((i) => shuffled[i]![0])).toEqual([...order.map((i) => shuffled[i]![0])].sort((a, b) => a - b));
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
