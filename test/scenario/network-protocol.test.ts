/**
 * `cluster.network: { protocol, launchOverhead }` in a scenario: validated, and pricing a run's
 * collectives with NCCL's protocols by default, or with the plain α-β model under `protocol: none`.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { scenarioProblems } from './helpers.ts';

// Four single-GPU nodes on one switch, NIC 10 GB/s and 4 µs, intra 1 µs; a custom 10 ms step and a
// 4 MB gradient; sync-allreduce with a ring, 5 steps.
const text = (network: string, algorithm = 'ring'): string =>
  `name: f\nmode: timing-only\ncluster:\n  nodes: [{ count: 4, gpu: A100-80GB, intraNode: { bandwidth: "1000 GB/s", latency: "1 us" }, nic: { bandwidth: "10 GB/s", latency: "4 us", kind: infiniband } }]\n  network: ${network}\nworkload: { timing: { kind: custom, stepTime: "10 ms", paramBytes: "4 MB" } }\ntraining: { schedule: { kind: sync-allreduce, algorithm: ${algorithm} }, stop: { updates: 5 } }\n`;

function simTime(network: string, algorithm?: string): number {
  return runScenario(parseScenario(text(network, algorithm), 's.yaml').runs[0]!, 0).simTimeS;
}

describe('NCCL protocols in a scenario', () => {
  it('reads protocol and launchOverhead, and names the file, path, value and what is allowed otherwise', () => {
    const s = parseScenario(text('{ protocol: ll128, launchOverhead: "20 us" }'), 's.yaml').runs[0]!;
    expect(s.cluster.network).toMatchObject({ protocol: 'll128', launchOverheadS: 20e-6 });
    // auto is the default and is not written out.
    expect(parseScenario(text('{}'), 's.yaml').runs[0]!.cluster.network.protocol).toBeUndefined();
    const problems = scenarioProblems(text('{ protocol: fast, launchOverhead: 5 }'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^s\.yaml:5:24: cluster\.network\.protocol: got "fast"; expected one of auto, simple, ll, ll128, none$/,
    );
    expect(problems[1]).toMatch(/^s\.yaml:\d+:\d+: cluster\.network\.launchOverhead: got 5; write it with a unit/);
  });

  it('prices steps with the plain α-β model under protocol: none', () => {
    // Each step: 10 ms compute, then a ring all-reduce of 4 MB on 4 ranks: 6 steps of
    // α = 1 + 4 µs (intra and NIC halves of both ends) + 1 MB / 10 GB/s (the NIC is the bottleneck).
    const step = 0.01 + 6 * (5e-6 + 1e6 / 10e9);
    expect(simTime('{ protocol: none }')).toBeCloseTo(5 * step, 12);
  });

  it('adds the launch overhead, the base latency and a step latency per phase under a protocol', () => {
    // Simple on a ring: + launch (20 µs) + base 8.4 µs + 6 network steps of 14 µs per all-reduce.
    const plain = simTime('{ protocol: none }');
    const simple = simTime('{ protocol: simple, launchOverhead: "20 us" }');
    expect(simple - plain).toBeCloseTo(5 * (20e-6 + 8.4e-6 + 6 * 14e-6), 12);
    // auto never does worse than Simple, and algorithm: auto never worse than the ring alone.
    const auto = simTime('{ launchOverhead: "20 us" }');
    expect(auto).toBeLessThanOrEqual(simple + 1e-15);
    expect(simTime('{ launchOverhead: "20 us" }', 'auto')).toBeLessThanOrEqual(auto + 1e-15);
  });
});
