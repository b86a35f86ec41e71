import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildCluster } from '../../src/hardware/cluster.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { clusterLayout, parseIndexItem, rangeProblems, ranksOf } from '../../src/scenario/rank-lists.ts';
import type { IndexRange } from '../../src/scenario/rank-lists.ts';
import { scenarioProblems } from './helpers.ts';

// Two groups: nodes 0-1 have 4 GPUs (ranks 0-7), nodes 2-3 have 2 GPUs (ranks 8-11).
const CLUSTER =
  'name: x\ncluster:\n  nodes:\n    - { count: 2, gpusPerNode: 4, gpu: A100-80GB }\n    - { count: 2, gpusPerNode: 2, gpu: A100-80GB }\n  stragglers:\n';
const withStraggler = (entry: string): string => `${CLUSTER}    - ${entry}\n`;

function stragglers(entry: string): unknown {
  return parseScenario(withStraggler(entry), 's.yaml').runs[0]!.cluster.stragglers;
}

const problems = (entry: string): string[] => scenarioProblems(withStraggler(entry));

describe('straggler workers and nodes', () => {
  it('turns nodes into the ranks of all their GPUs, counting node groups in order', () => {
    expect(stragglers('{ kind: constant, factor: 2, nodes: [3] }')).toEqual([
      { kind: 'constant', options: { factor: 2 }, workers: [10, 11] },
    ]);
    expect(stragglers('{ kind: constant, factor: 2, nodes: ["1-2"] }')).toEqual([
      { kind: 'constant', options: { factor: 2 }, workers: [4, 5, 6, 7, 8, 9] },
    ]);
  });

  it('expands rank ranges and sorts the list, so downstream sees a plain workers list', () => {
    expect(stragglers('{ kind: lognormal, sigma: 0.1, workers: [11, "2-4", "0"] }')).toEqual([
      { kind: 'lognormal', options: { sigma: 0.1, meanOne: false }, workers: [0, 2, 3, 4, 11] },
    ]);
  });

  it('rejects out-of-range ranks and nodes, naming the cluster size', () => {
    expect(problems('{ kind: constant, factor: 2, workers: ["8-12"] }')).toEqual([
      's.yaml:7:46: cluster.stragglers[0].workers[0]: got worker 12 (in "8-12"); the cluster has 12 workers (ranks 0..11)',
    ]);
    expect(problems('{ kind: constant, factor: 2, nodes: [4] }')).toEqual([
      's.yaml:7:44: cluster.stragglers[0].nodes[0]: got node 4; the cluster has 4 nodes (nodes 0..3)',
    ]);
  });

  it('rejects reversed ranges, malformed items, overlaps and both lists at once', () => {
    expect(problems('{ kind: constant, factor: 2, workers: ["7-5", "1-x", 2, "0-3"] }')).toEqual([
      's.yaml:7:46: cluster.stragglers[0].workers[0]: got "7-5", a reversed range; write the lower end first: "5-7"',
      's.yaml:7:53: cluster.stragglers[0].workers[1]: got "1-x"; expected a rank (an integer >= 0) or a range such as "56-63"',
      's.yaml:7:63: cluster.stragglers[0].workers[3]: got "0-3", which overlaps item 2 (2) at worker 2; list each worker once',
    ]);
    expect(problems('{ kind: constant, factor: 2, workers: [1], nodes: [1] }')).toEqual([
      's.yaml:7:57: cluster.stragglers[0].nodes: give workers (ranks) or nodes (all GPUs of those nodes), not both',
    ]);
    expect(problems('{ kind: trace, file: t.csv, nodes: [1] }')[1]).toMatch(
      /nodes: unknown key "nodes"; allowed: kind, file$/,
    );
  });
});

describe('straggler lists in a sweep over the cluster', () => {
  it("checks and expands the list against each point's own cluster (one schema serves every point)", () => {
    const text = (key: string, values: string): string =>
      `name: x\ncluster:\n  nodes: [{ count: 4, gpusPerNode: 2, gpu: A100-80GB }]\n  stragglers: [{ kind: constant, factor: 2, nodes: [3] }]\nsweep:\n  cluster.nodes[0].${key}: ${values}\n`;
    const runs = parseScenario(text('gpusPerNode', '[2, 4]'), 's.yaml').runs;
    expect(runs.map((r) => r.cluster.stragglers[0]!.workers)).toEqual([
      [6, 7],
      [12, 13, 14, 15],
    ]);
    expect(() => parseScenario(text('count', '[4, 2]'), 's.yaml')).toThrow(
      /s\.yaml:4:53: cluster\.stragglers\[0\]\.nodes\[0\]: got node 3; the cluster has 2 nodes \(nodes 0\.\.1\) \[sweep point: count=2\]/,
    );
  });
});

describe('rank list helpers', () => {
  it('reads indices and ranges, and says what is wrong otherwise', () => {
    expect(parseIndexItem(7, 'node')).toEqual({ lo: 7, hi: 7, text: '7' });
    expect(parseIndexItem(' 56 - 63 ', 'worker')).toEqual({ lo: 56, hi: 63, text: '" 56 - 63 "' });
    expect(parseIndexItem(-1, 'worker')).toMatch(/^got -1; expected a rank/);
    expect(parseIndexItem('a-b', 'node')).toMatch(/^got "a-b"; expected a node index/);
  });

  it('gives each node exactly the ranks the cluster builder puts on it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 5 }), gpusPerNode: fc.integer({ min: 1, max: 8 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        (groups) => {
          const layout = clusterLayout({ cluster: { nodes: groups } })!;
          const cluster = buildCluster(groups.map((g) => ({ ...g, gpu: 'A100-80GB' })));
          for (const node of cluster.nodes) {
            const expected = cluster.devices.filter((d) => d.node === node.index).map((d) => d.rank);
            expect(ranksOf([{ lo: node.index, hi: node.index, text: '' }], 'node', layout)).toEqual(expected);
          }
        },
      ),
      { seed: 9, numRuns: 100 },
    );
  });

  it('finds every overlap of a long list without comparing all pairs', () => {
    // 20,000 single ranks, the last repeating the first: one problem, at the later item.
    const ranges: IndexRange[] = Array.from({ length: 20_000 }, (_, i) => ({ lo: i, hi: i, text: String(i) }));
    ranges.push({ lo: 0, hi: 0, text: '0' });
    expect(rangeProblems(ranges, 'worker', 20_000)).toEqual([
      [20_000, 'got 0, which overlaps item 0 (0) at worker 0; list each worker once'],
    ]);
  });
});
