/**
 * `training.eval`: two cadences together, and accuracy thresholds reported without stopping the run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario } from '../schedules/fixtures.ts';
import { scenarioProblems } from './helpers.ts';

const BASE = 'name: s\ncluster: { nodes: [{ gpu: A100-80GB }] }\n';

describe('training.eval', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('takes every and everyUpdates together, and thresholds sorted, each in (0, 1] and listed once', () => {
    const { runs } = parseScenario(
      `${BASE}training: { eval: { every: "2 s", everyUpdates: 50, thresholds: [0.95, 0.9] } }\n`,
      's.yaml',
    );
    expect(runs[0]!.training.eval).toEqual({ everyS: 2, everyUpdates: 50, thresholds: [0.9, 0.95] });
    expect(scenarioProblems(`${BASE}training: { eval: { thresholds: [0] } }\n`)).toEqual([
      's.yaml:3:34: training.eval.thresholds[0]: got 0; expected a number > 0 and <= 1',
    ]);
    expect(scenarioProblems(`${BASE}training: { eval: { thresholds: [] } }\n`)[0]).toMatch(
      /thresholds: got \[\]; expected at least 1 item/,
    );
    const eleven = Array.from({ length: 11 }, (_, i) => (i + 1) / 20).join(', ');
    expect(scenarioProblems(`${BASE}training: { eval: { thresholds: [${eleven}] } }\n`)[0]).toMatch(
      /expected at most 10 item/,
    );
  });

  it('evaluates on both cadences, and records the first evaluation at or above each threshold without stopping', () => {
    const base = tinyScenario({ updates: 40, stepTimeS: 0.01 });
    const s = {
      ...base,
      training: { ...base.training, eval: { everyUpdates: 10, everyS: 0.075, thresholds: [0.3, 0.999] } },
    };
    const r = runScenario(s, 0);
    expect(r.stopReason).toBe('updates reached 40');
    // Both cadences: every 10 updates, and at multiples of 0.075 s (which no update count lines up with).
    expect(r.evals.some((e) => e.updates === 10)).toBe(true);
    expect(r.evals.some((e) => Math.abs(e.timeS - 0.075) < 1e-12)).toBe(true);
    // Each threshold's time is that of the first evaluation reaching it (or none).
    for (const t of r.thresholds) {
      const first = r.evals.find((e) => e.accuracy >= t.accuracy);
      expect(t.timeS).toBe(first?.timeS);
    }
    expect(r.thresholds.map((t) => t.accuracy)).toEqual([0.3, 0.999]);
    expect(r.thresholds[0]!.timeS).toBeDefined();
  }, 30_000);
});
