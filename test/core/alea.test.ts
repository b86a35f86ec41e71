import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { Alea } from '../../src/core/alea.ts';

describe('Alea', () => {
  it('matches seedrandom alea bit for bit, for next() and double()', () => {
    for (const seed of ['0', '1', '7', 'hello', '7/stragglers/worker-3', 'ünïcødé', '']) {
      const ours = new Alea(seed);
      const ref = seedrandom.alea(seed);
      for (let i = 0; i < 2000; i++) expect(ours.next()).toBe(ref());
      for (let i = 0; i < 500; i++) expect(ours.double()).toBe(ref.double());
    }
  });

  it('returns values in [0, 1)', () => {
    const a = new Alea('range');
    for (let i = 0; i < 100_000; i++) {
      const x = a.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
