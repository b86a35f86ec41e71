import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ringTopology } from '../../src/network/ring-topology.ts';
import { pathBandwidth, pathLatency } from '../../src/network/paths.ts';
import { node, nodes, routeProblems } from './helpers.ts';

const cables = (t: ReturnType<typeof ringTopology>, s: number, d: number): string[] =>
  t
    .route(s, d)
    .map((l) => t.links[l]!.name)
    .filter((n) => n.includes('.nic->'));

describe('ringTopology', () => {
  it('cables each node to both neighbours, one directed link per direction', () => {
    const t = ringTopology(nodes(5, 2));
    expect(t.links.filter((l) => l.tier === 'nic')).toHaveLength(10);
    expect(
      ringTopology(nodes(2, 1))
        .links.filter((l) => l.tier === 'nic')
        .map((l) => l.name),
    ).toEqual(['node0.nic->node1.nic', 'node1.nic->node0.nic']);
    expect(ringTopology(nodes(1, 4)).links.filter((l) => l.tier === 'nic')).toHaveLength(0);
  });

  it('takes the shorter direction', () => {
    const t = ringTopology(nodes(6, 1));
    expect(cables(t, 0, 2)).toEqual(['node0.nic->node1.nic', 'node1.nic->node2.nic']);
    expect(cables(t, 0, 5)).toEqual(['node0.nic->node5.nic']);
    expect(cables(t, 4, 1)).toEqual(['node4.nic->node5.nic', 'node5.nic->node0.nic', 'node0.nic->node1.nic']);
  });

  it('goes clockwise on a tie', () => {
    const t = ringTopology(nodes(4, 1));
    expect(cables(t, 3, 1)).toEqual(['node3.nic->node0.nic', 'node0.nic->node1.nic']);
    expect(cables(t, 1, 3)).toEqual(['node1.nic->node2.nic', 'node2.nic->node3.nic']);
  });

  it('gives a cable the slower NIC and the mean latency, charged whole per hop', () => {
    // Cable 0→1: min(50, 20) GB/s; latency (4 + 2)/2 = 3 µs. Path 0→1 also crosses two GPU half-links
    // of 1 µs / 2 each: 3 + 1 = 4 µs.
    const t = ringTopology([node(1, 400e9, 1e-6, 50e9, 4e-6), node(1, 400e9, 1e-6, 20e9, 2e-6), node(1)]);
    expect(pathBandwidth(t, t.route(0, 1))).toBe(20e9);
    expect(pathLatency(t, t.route(0, 1))).toBeCloseTo(4e-6, 15);
  });

  it('routes every pair along a chained path of at most ⌊M/2⌋ cables', () => {
    const t = ringTopology([node(2), node(1), node(3), node(1), node(2), node(1), node(1)]);
    fc.assert(
      fc.property(fc.nat(t.ranks - 1), fc.nat(t.ranks - 1), (s, d) => {
        expect(routeProblems(t, s, d)).toEqual([]);
        expect(cables(t, s, d).length).toBeLessThanOrEqual(3);
      }),
      { seed: 13 },
    );
  });
});
