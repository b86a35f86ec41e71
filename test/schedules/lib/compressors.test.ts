import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { COMPRESSORS } from '../../../src/schedules/lib/compressors.ts';

describe('COMPRESSORS', () => {
  it('holds the seven compressors and no no-op', () => {
    expect(Object.keys(COMPRESSORS).sort()).toEqual(
      ['bytegrad', 'nuqsgd', 'powersgd', 'qsgd', 'random-k', 'sign', 'top-k'].sort(),
    );
  });

  for (const [name, entry] of Object.entries(COMPRESSORS)) {
    it(`${name}: its defaults are in bounds and make a working compressor of that name`, () => {
      expect(entry.name).toBe(name);
      expect(entry.summary.length).toBeGreaterThan(0);
      expect(entry.reference.length).toBeGreaterThan(0);
      const options = Object.fromEntries(Object.entries(entry.options).map(([k, o]) => [k, o.default]));
      for (const o of Object.values(entry.options)) {
        expect(typeof o.default).toBe(o.type === 'boolean' ? 'boolean' : 'number');
        if (typeof o.default === 'number') {
          if (o.min !== undefined) expect(o.default).toBeGreaterThanOrEqual(o.min);
          if (o.max !== undefined) expect(o.default).toBeLessThanOrEqual(o.max);
          if (o.greaterThan !== undefined) expect(o.default).toBeGreaterThan(o.greaterThan);
          if (o.type === 'integer') expect(Number.isInteger(o.default)).toBe(true);
        }
      }
      const c = entry.create(options);
      expect(c.name).toBe(name);
      expect(c.rounds).toBeGreaterThanOrEqual(1);
      // Compression means fewer bytes than fp32 for a large layer.
      expect(c.wireBytes(512, 4608, 4)).toBeLessThan(512 * 4608 * 4);
      const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
      const out = c.compress({ index: 0, rows: 8, cols: 8, inputs: [x, x], rng: new Rng(1) });
      expect(out.mean.length).toBe(64);
      expect(out.decoded).toHaveLength(2);
    });
  }
});
