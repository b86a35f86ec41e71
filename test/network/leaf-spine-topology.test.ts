import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BytesPerSecond, Seconds } from '../../src/core/units.ts';
import { MAX_LEAF_SPINE_PAIRS, leafSpineTopology, leafSpineUplink } from '../../src/network/leaf-spine-topology.ts';
import { pathLatency } from '../../src/network/paths.ts';
import { node, nodes, routeProblems } from './helpers.ts';

const names = (t: ReturnType<typeof leafSpineTopology>, s: number, d: number): string[] =>
  t.route(s, d).map((l) => t.links[l]!.name);

describe('leafSpineTopology', () => {
  it(`refuses more than ${MAX_LEAF_SPINE_PAIRS} leaf–spine pairs before making a link`, () => {
    // 64 leaves × 1e9 spines would be 1.28e11 links; refused at once, naming the numbers.
    expect(() => leafSpineTopology(nodes(64, 1), { nodesPerLeaf: 1, spines: 1e9 })).toThrow(
      `leaf-spine: 64 leaves × 1000000000 spines is 64000000000 leaf–spine pairs; at most ${MAX_LEAF_SPINE_PAIRS} are allowed (fewer spines, or more nodesPerLeaf)`,
    );
    expect(
      leafSpineTopology(nodes(4, 1), { nodesPerLeaf: 1, spines: MAX_LEAF_SPINE_PAIRS / 4 }).links.filter(
        (l) => l.tier === 'fabric',
      ),
    ).toHaveLength(2 * MAX_LEAF_SPINE_PAIRS);
  });

  it('puts nodesPerLeaf nodes on each leaf and links every leaf to every spine', () => {
    // 10 nodes, 4 per leaf → 3 leaves (the last holds 2); 3 leaves × 2 spines × 2 directions = 12.
    const t = leafSpineTopology(nodes(10, 2), { nodesPerLeaf: 4, spines: 2 });
    expect(t.kind).toBe('leaf-spine');
    expect(t.links.filter((l) => l.tier === 'fabric')).toHaveLength(12);
    expect(t.links.filter((l) => l.tier === 'nic')).toHaveLength(20);
    expect(t.links.find((l) => l.name === 'node9.nic->leaf2')).toBeDefined();
  });

  it('keeps same-leaf traffic in the leaf', () => {
    const t = leafSpineTopology(nodes(8, 1), { nodesPerLeaf: 4, spines: 2 });
    expect(names(t, 1, 3)).toEqual([
      'node1.gpu0->node1.nvswitch',
      'node1.nic->leaf0',
      'leaf0->node3.nic',
      'node3.nvswitch->node3.gpu0',
    ]);
  });

  it('sends cross-leaf traffic up to one spine and down, adding the uplink latency once', () => {
    const t = leafSpineTopology(nodes(8, 1, 400e9, 1e-6, 50e9, 4e-6), {
      nodesPerLeaf: 4,
      spines: 2,
      uplink: { bandwidth: 100e9 as BytesPerSecond, latency: 2e-6 as Seconds },
    });
    const p = names(t, 1, 6);
    expect(p).toHaveLength(6);
    expect(p[2]).toMatch(/^leaf0->spine[01]$/);
    expect(p[3]).toBe(`${p[2]!.split('->')[1]}->leaf1`);
    // intra 1 µs + NIC 4 µs + uplink 2 µs (each attachment split in halves, see docs/network.md).
    expect(pathLatency(t, t.route(1, 6))).toBeCloseTo(7e-6, 15);
  });

  it('picks the spine by a fixed hash of (src, dst), spreading pairs over all spines', () => {
    const t = leafSpineTopology(nodes(16, 1), { nodesPerLeaf: 8, spines: 4 });
    const again = leafSpineTopology(nodes(16, 1), { nodesPerLeaf: 8, spines: 4 });
    const used = new Set<string>();
    for (let s = 0; s < 8; s++) {
      for (let d = 8; d < 16; d++) {
        expect(names(t, s, d)).toEqual(names(again, s, d));
        used.add(names(t, s, d)[2]!);
      }
    }
    expect(used.size).toBe(4);
  });

  it('derives the uplink from the oversubscription ratio', () => {
    // ratio = (nodesPerLeaf × nic) / (spines × uplink) → uplink = 8 × 50e9 / (2 × 4) = 50e9.
    const up = leafSpineUplink(nodes(16, 1, 400e9, 1e-6, 50e9, 4e-6), {
      nodesPerLeaf: 8,
      spines: 2,
      oversubscription: 4,
    });
    expect(up.bandwidth).toBe(50e9);
    expect(up.latency).toBe(4e-6);
    // Default ratio 1: full bisection, 8 × 50e9 / 2 = 200e9.
    expect(leafSpineUplink(nodes(16, 1), { nodesPerLeaf: 8, spines: 2 }).bandwidth).toBe(200e9);
  });

  it('rejects bad options', () => {
    const ns = nodes(4, 1);
    expect(() => leafSpineTopology(ns, { nodesPerLeaf: 0, spines: 1 })).toThrow(/nodesPerLeaf/);
    expect(() => leafSpineTopology(ns, { nodesPerLeaf: 2, spines: 1.5 })).toThrow(/spines/);
    expect(() => leafSpineTopology(ns, { nodesPerLeaf: 2, spines: 1, oversubscription: 0 })).toThrow(
      /oversubscription/,
    );
    expect(() =>
      leafSpineTopology(ns, { nodesPerLeaf: 2, spines: 1, oversubscription: 2, uplink: node(1).nic }),
    ).toThrow(/not both/);
  });

  it('routes every pair along a chained path', () => {
    const t = leafSpineTopology([node(2), node(1), node(3), node(2), node(1)], { nodesPerLeaf: 2, spines: 3 });
    fc.assert(
      fc.property(fc.nat(t.ranks - 1), fc.nat(t.ranks - 1), (s, d) => {
        expect(routeProblems(t, s, d)).toEqual([]);
      }),
      { seed: 12 },
    );
  });
});
