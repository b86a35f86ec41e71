/**
 * dtsim's private mathjs instance, created on first use, for formulas only (formula.ts); quantities
 * with units are read without it (unit-expression.ts). mathjs takes about 0.35 s and 80 MB to load, so
 * it is required lazily (synchronously, through `createRequire`) rather than imported: a scenario
 * without formulas, and every command that reads none, never loads it. The instance is private so that
 * nothing done to it could leak into another user of mathjs.
 */
import { createRequire } from 'node:module';
import type { MathJsInstance } from 'mathjs';

let instance: MathJsInstance | undefined;

/** The shared private mathjs instance; the first call loads mathjs. */
export function mathjs(): MathJsInstance {
  if (instance === undefined) {
    const require = createRequire(import.meta.url);
    const m = require('mathjs') as typeof import('mathjs');
    instance = m.create(m.all as NonNullable<typeof m.all>, {});
  }
  return instance;
}
