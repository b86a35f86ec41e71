/**
 * Validation time at the size limits (docs/scenarios.md "Limits"; the budget is about 1 s per file).
 * Memory is measured by `npx tsx test/bench/validate-limits.ts`, which runs each case in a fresh process.
 */
import { bench, describe } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { writeValidateCases } from './validate-cases.ts';

const validate = (file: string): void => {
  try {
    loadScenario(file);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
  }
};

describe('dtsim validate at the limits', () => {
  for (const c of writeValidateCases())
    bench(`${c.name} (${c.valid ? 'valid' : 'rejected'})`, () => validate(c.file), {
      iterations: 3,
      warmupIterations: 1,
    });
});
