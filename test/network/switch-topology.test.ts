import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { switchTopology } from '../../src/network/switch-topology.ts';
import { pathBandwidth, pathLatency } from '../../src/network/paths.ts';
import { node, nodes, routeProblems } from './helpers.ts';

describe('switchTopology', () => {
  it('numbers ranks node-major and maps them back to nodes', () => {
    const t = switchTopology([node(2), node(3), node(1)]);
    expect(t.kind).toBe('switch');
    expect(t.ranks).toBe(6);
    expect(t.nodes).toBe(3);
    expect([0, 1, 2, 3, 4, 5].map((r) => t.nodeOf(r))).toEqual([0, 0, 1, 1, 1, 2]);
    expect(t.ranksOf(1)).toEqual([2, 3, 4]);
  });

  it('has 2 intra links per GPU and 2 NIC links per node, with ids equal to positions', () => {
    const t = switchTopology(nodes(4, 8));
    expect(t.links).toHaveLength(2 * 32 + 2 * 4);
    t.links.forEach((l, i) => expect(l.id).toBe(i));
    expect(t.links.filter((l) => l.tier === 'intra')).toHaveLength(64);
    expect(t.links.filter((l) => l.tier === 'nic')).toHaveLength(8);
  });

  it('keeps intra-node traffic on the node switch: gpu -> nvswitch -> gpu', () => {
    const t = switchTopology(nodes(2, 4));
    expect(t.route(1, 3).map((l) => t.links[l]!.name)).toEqual([
      'node0.gpu1->node0.nvswitch',
      'node0.nvswitch->node0.gpu3',
    ]);
  });

  it('sends inter-node traffic through both GPUs links, both NICs and the switch', () => {
    const t = switchTopology(nodes(2, 4));
    expect(t.route(1, 6).map((l) => t.links[l]!.name)).toEqual([
      'node0.gpu1->node0.nvswitch',
      'node0.nic->switch',
      'switch->node1.nic',
      'node1.nvswitch->node1.gpu2',
    ]);
  });

  it('charges a spec latency once per endpoint pair: α_intra = intra latency, α_inter = intra + NIC latency', () => {
    // Each attachment's two halves carry half its latency: intra path = 2 × intra/2; inter path adds
    // 2 × nic/2. Bandwidth is the bottleneck: intra links inside a node, the NIC between nodes.
    const t = switchTopology(nodes(2, 4, 400e9, 1e-6, 50e9, 4e-6));
    expect(pathLatency(t, t.route(0, 1))).toBeCloseTo(1e-6, 15);
    expect(pathLatency(t, t.route(0, 4))).toBeCloseTo(5e-6, 15);
    expect(pathBandwidth(t, t.route(0, 1))).toBe(400e9);
    expect(pathBandwidth(t, t.route(0, 4))).toBe(50e9);
  });

  it('returns an empty route to self, and the same cached array on repeated lookups', () => {
    const t = switchTopology(nodes(2, 2));
    expect(t.route(3, 3)).toEqual([]);
    expect(t.route(0, 3)).toBe(t.route(0, 3));
  });

  it('rejects out-of-range ranks and bad nodes', () => {
    const t = switchTopology(nodes(2, 2));
    expect(() => t.route(0, 4)).toThrow(RangeError);
    expect(() => t.route(-1, 0)).toThrow(RangeError);
    expect(() => t.nodeOf(1.5)).toThrow(RangeError);
    expect(() => t.ranksOf(2)).toThrow(RangeError);
    expect(() => switchTopology([])).toThrow(/at least one node/);
    expect(() => switchTopology([node(0)])).toThrow(/nodes\[0\]\.gpus/);
    expect(() => switchTopology([node(1, 0)])).toThrow(/nodes\[0\]\.intraNode\.bandwidth/);
  });

  it('routes every pair along a chained path from source GPU to destination GPU', () => {
    const t = switchTopology([node(3), node(1), node(4), node(2)]);
    fc.assert(
      fc.property(fc.nat(t.ranks - 1), fc.nat(t.ranks - 1), (s, d) => {
        expect(routeProblems(t, s, d)).toEqual([]);
      }),
      { seed: 11 },
    );
  });

  it('builds 16,384 GPUs (2,048 nodes × 8) without precomputing routes', () => {
    const t = switchTopology(nodes(2048, 8));
    expect(t.ranks).toBe(16_384);
    expect(t.links).toHaveLength(2 * 16_384 + 2 * 2048);
    expect(t.route(0, 16_383)).toHaveLength(4);
  });
});
