/**
 * dtsim's private mathjs instance, created on first use. mathjs takes about 0.6 s to load, so it is
 * required lazily (synchronously, through `createRequire`) rather than imported: modules that import the
 * scenario layer, and commands that never parse a quantity, do not pay for it. The instance is private
 * so that the units it adds (`FLOP`, prefixed `bit`) never leak into another user of mathjs.
 */
import { createRequire } from 'node:module';
import type { MathJsInstance } from 'mathjs';

let instance: MathJsInstance | undefined;

/** The shared private mathjs instance, with `FLOP` (SI-prefixed) and `bit` (SI and IEC prefixes) added. */
export function mathjs(): MathJsInstance {
  if (instance === undefined) {
    const require = createRequire(import.meta.url);
    const m = require('mathjs') as typeof import('mathjs');
    const math = m.create(m.all as NonNullable<typeof m.all>, {});
    // A floating-point operation count: its own base dimension, so FLOP and bytes never mix.
    math.createUnit('FLOP', { prefixes: 'short' });
    // mathjs's `bit` takes only long prefixes (kilobit); "100 Gbit/s" is how NICs are sold.
    math.createUnit('bit', { definition: '1 b', prefixes: 'binary_short' }, { override: true });
    instance = math;
  }
  return instance;
}
