/**
 * The Megatron-on-Selene scenarios run on the event-driven pipeline executor (docs/validation.md,
 * "Simulated"): tensor parallelism 8 within each DGX node, 1F1B over the pipeline stages, full or
 * selective recomputation. Regression values to 4 significant digits of what the table reports, and
 * the published times the errors are taken against. Only 22B and 175B run here (the 530B and 1T files
 * take 2.6 and 5.2 s of CLI time each).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';

const cases = [
  { file: 'megatron-22b', measured: [1.42, 1.1], simulated: [1.358, 0.9941] },
  { file: 'megatron-gpt3-175b', measured: [18.13, 13.75], simulated: [19.22, 14.04] },
] as const;

describe('Megatron on Selene, simulated', () => {
  for (const c of cases)
    it(`${c.file}: one iteration per sweep point, full then selective + SP`, () => {
      const { runs } = loadScenario(`scenarios/validation/${c.file}.yaml`);
      expect(runs).toHaveLength(2);
      runs.forEach((s, i) => {
        const r = runScenario(s, i);
        expect(r.updates).toBe(1);
        expect(Number(r.simTimeS.toPrecision(4))).toBe(c.simulated[i]);
        // Every GPU holds its stage within its 80 GB (the run would have failed otherwise).
        expect(r.peakMemoryBytes).toBeLessThan(80 * 2 ** 30);
      });
      // The scenario's header states the published times the table compares with.
      const text = readFileSync(`scenarios/validation/${c.file}.yaml`, 'utf8');
      for (const m of c.measured) expect(text).toContain(`${m.toFixed(2)} s`);
    });
});
