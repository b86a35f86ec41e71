/**
 * `cluster.network: { model: fixed, transferTime, collectiveTime }` in a scenario: validated, and
 * timing a run in abstract units.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { scenarioProblems } from './helpers.ts';

const text = (network: string): string =>
  `name: f\nmode: timing-only\ncluster:\n  nodes: [{ count: 4, gpu: A100-80GB }]\n  network: ${network}\nworkload: { timing: { kind: custom, stepTime: "10 ms", paramBytes: "4 MB" } }\ntraining: { stop: { updates: 5 } }\n`;

describe('the fixed network model in a scenario', () => {
  it('needs both times with model fixed, and refuses them with the other models', () => {
    const s = parseScenario(text('{ model: fixed, transferTime: "10 ms", collectiveTime: "0.2 s" }'), 's.yaml')
      .runs[0]!;
    expect(s.cluster.network).toEqual({
      model: 'fixed',
      topology: { kind: 'switch', options: {} },
      options: { transferS: 0.01, collectiveS: 0.2 },
    });
    expect(scenarioProblems(text('{ model: fixed, collectiveTime: "0.2 s" }'))).toEqual([
      's.yaml:5:12: cluster.network.transferTime: missing; the fixed network model needs transferTime and collectiveTime, e.g. "0.2 s"',
    ]);
    expect(scenarioProblems(text('{ model: analytical, collectiveTime: "0.2 s" }'))).toEqual([
      's.yaml:5:49: cluster.network.collectiveTime: only the fixed network model takes collectiveTime; the analytical model derives times from links (add model: fixed, or remove collectiveTime)',
    ]);
  });

  it('times synchronous steps as compute plus the fixed all-reduce time', () => {
    // sync-allreduce without buckets: each step is the 10 ms compute, then one all-reduce of 0.2 s.
    // 5 steps: 5 × (0.01 + 0.2) = 1.05 s.
    const s = parseScenario(text('{ model: fixed, transferTime: "10 ms", collectiveTime: "0.2 s" }'), 's.yaml')
      .runs[0]!;
    const r = runScenario(s, 0);
    expect(r.simTimeS).toBeCloseTo(1.05, 12);
    expect(r.updates).toBe(5);
    // Bytes are still counted: a ring all-reduce sends 2(N−1)/N of the 4 MB gradient per rank per step.
    expect(r.bytesSent).toBeCloseTo(5 * 4 * 2 * (3 / 4) * 4e6, 0);
  });
});
