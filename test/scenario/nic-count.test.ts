import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { scenarioProblems } from './helpers.ts';

const scenario = (nodes: string, topology = 'switch'): string => `name: nics
cluster:
  nodes:
${nodes}
  network: { topology: { kind: ${topology} } }
training:
  stop: { simTime: "1 s" }
`;

describe('cluster.nodes[i].nic.count', () => {
  it('keeps count with a per-NIC bandwidth, and leaves it out when not given', () => {
    const { runs } = parseScenario(
      scenario(`    - { count: 2, gpusPerNode: 8, gpu: H100-SXM, nic: { count: 8, bandwidth: "400 Gbit/s", latency: "5 us" } }
    - { count: 1, gpusPerNode: 8, gpu: H100-SXM, nic: { bandwidth: "400 Gbit/s" } }`),
      's.yaml',
    );
    expect(runs[0]!.cluster.nodes[0]!.nic).toEqual({ count: 8, bandwidth: 5e10, latency: 5e-6 });
    expect(runs[0]!.cluster.nodes[1]!.nic).toEqual({ bandwidth: 5e10, latency: 5e-6 });
  });

  it('accepts the rail topology with the same NIC count on every node', () => {
    const { runs } = parseScenario(
      scenario(
        '    - { count: 2, gpusPerNode: 8, gpu: H100-SXM, nic: { count: 8, bandwidth: "400 Gbit/s", latency: "5 us" } }',
        'rail',
      ),
      's.yaml',
    );
    expect(runs[0]!.cluster.network.topology.kind).toBe('rail');
  });

  it.each([
    ['0', /cluster\.nodes\[0\]\.nic\.count: got 0; expected an integer >= 1/],
    ['2.5', /cluster\.nodes\[0\]\.nic\.count: got 2\.5; expected an integer >= 1/],
    ['"8"', /cluster\.nodes\[0\]\.nic\.count: got "8".*expected an integer >= 1/],
  ])('rejects count %s with the file, the path and what is allowed', (v, re) => {
    const problems = scenarioProblems(
      scenario(`    - { gpusPerNode: 8, gpu: H100-SXM, nic: { count: ${v}, bandwidth: "400 Gbit/s" } }`),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^s\.yaml:\d+:\d+: /);
    expect(problems[0]).toMatch(re);
  });

  it('rejects more NICs than GPUs, naming gpusPerNode', () => {
    const problems = scenarioProblems(
      scenario(`    - { gpusPerNode: 4, gpu: H100-SXM, nic: { count: 8, bandwidth: "400 Gbit/s" } }`),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^s\.yaml:\d+:\d+: cluster\.nodes\[0\]\.nic\.count: got 8; expected an integer >= 1 and <= 4 \(gpusPerNode/,
      ),
    ]);
  });

  it('rejects the rail topology over nodes with different NIC counts', () => {
    const problems = scenarioProblems(
      scenario(
        `    - { gpusPerNode: 8, gpu: H100-SXM, nic: { count: 8, bandwidth: "400 Gbit/s" } }
    - { gpusPerNode: 8, gpu: H100-SXM, nic: { count: 4, bandwidth: "400 Gbit/s" } }`,
        'rail',
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /cluster\.network\.topology: .*rail: every node needs the same NIC count.*node 0 has 8, node 1 has 4/,
      ),
    ]);
  });
});
