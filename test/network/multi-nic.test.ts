import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BytesPerSecond, Seconds } from '../../src/core/units.ts';
import { nicOfGpu } from '../../src/hardware/link-spec.ts';
import type { NodeLinks } from '../../src/hardware/link-spec.ts';
import { leafSpineTopology } from '../../src/network/leaf-spine-topology.ts';
import { ringTopology } from '../../src/network/ring-topology.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import type { Topology } from '../../src/network/types.ts';
import { node, routeProblems } from './helpers.ts';

/** A node of `gpus` GPUs with `count` NICs of 50 GB/s, 4 µs each. */
function multi(gpus: number, count: number): NodeLinks {
  const n = node(gpus);
  return { ...n, nic: { ...n.nic, count } };
}

const names = (t: Topology, src: number, dst: number): string[] => t.route(src, dst).map((l) => t.links[l]!.name);

describe('nicOfGpu', () => {
  it('splits GPUs into contiguous blocks, one per NIC', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((g) => nicOfGpu(multi(8, 8), g))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((g) => nicOfGpu(multi(8, 4), g))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect([0, 1, 2, 3, 4, 5].map((g) => nicOfGpu(multi(6, 4), g))).toEqual([0, 0, 1, 2, 2, 3]);
    expect([0, 1, 2].map((g) => nicOfGpu(node(3), g))).toEqual([0, 0, 0]);
  });
});

describe('switch topology with several NICs a node', () => {
  it('attaches every NIC to the switch as nodeN.nicK', () => {
    const t = switchTopology([multi(4, 2), multi(4, 2)]);
    expect(t.links.filter((l) => l.tier === 'nic').map((l) => l.name)).toEqual([
      'node0.nic0->switch',
      'switch->node0.nic0',
      'node0.nic1->switch',
      'switch->node0.nic1',
      'node1.nic0->switch',
      'switch->node1.nic0',
      'node1.nic1->switch',
      'switch->node1.nic1',
    ]);
  });

  it("leaves through the source GPU's NIC and arrives through the destination GPU's", () => {
    const t = switchTopology([multi(4, 2), multi(4, 2)]);
    // rank 1 = node0.gpu1 (NIC 0), rank 7 = node1.gpu3 (NIC 1).
    expect(names(t, 1, 7)).toEqual([
      'node0.gpu1->node0.nvswitch',
      'node0.nic0->switch',
      'switch->node1.nic1',
      'node1.nvswitch->node1.gpu3',
    ]);
    expect(names(t, 2, 4)).toEqual([
      'node0.gpu2->node0.nvswitch',
      'node0.nic1->switch',
      'switch->node1.nic0',
      'node1.nvswitch->node1.gpu0',
    ]);
  });

  it('mixes nodes with one NIC (old names) and nodes with several', () => {
    const t = switchTopology([node(2), multi(2, 2)]);
    expect(names(t, 0, 3)).toEqual([
      'node0.gpu0->node0.nvswitch',
      'node0.nic->switch',
      'switch->node1.nic1',
      'node1.nvswitch->node1.gpu1',
    ]);
  });

  it('rejects a NIC count that is not an integer in 1..gpus', () => {
    expect(() => switchTopology([multi(4, 5)])).toThrow(/nodes\[0\]\.nic\.count must be an integer in 1\.\.4.*got 5/);
    expect(() => switchTopology([node(2), multi(2, 0)])).toThrow(/nodes\[1\]\.nic\.count .* got 0/);
    expect(() => switchTopology([multi(4, 1.5)])).toThrow(RangeError);
  });

  it('gives every route a chain from the source GPU to the destination GPU (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: 1, max: 8 }).chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 1, max: g }))),
          { minLength: 1, maxLength: 5 },
        ),
        fc.nat(),
        fc.nat(),
        (spec, a, b) => {
          const t = switchTopology(spec.map(([g, c]) => multi(g, c)));
          const src = a % t.ranks;
          const dst = b % t.ranks;
          expect(routeProblems(t, src, dst)).toEqual([]);
        },
      ),
    );
  });
});

describe('leaf-spine topology with several NICs a node', () => {
  it('attaches every NIC to its node leaf and routes through the GPUs own NICs', () => {
    const t = leafSpineTopology([multi(2, 2), multi(2, 2), multi(2, 2)], { nodesPerLeaf: 2, spines: 1 });
    expect(names(t, 1, 2)).toEqual([
      'node0.gpu1->node0.nvswitch',
      'node0.nic1->leaf0',
      'leaf0->node1.nic0',
      'node1.nvswitch->node1.gpu0',
    ]);
    expect(names(t, 0, 5)).toEqual([
      'node0.gpu0->node0.nvswitch',
      'node0.nic0->leaf0',
      'leaf0->spine0',
      'spine0->leaf1',
      'leaf1->node2.nic1',
      'node2.nvswitch->node2.gpu1',
    ]);
  });

  it('derives the uplink from the node NIC bandwidth: count × per-NIC bandwidth', () => {
    const one = leafSpineTopology([node(4), node(4)], { nodesPerLeaf: 2, spines: 2 });
    const four = leafSpineTopology([multi(4, 4), multi(4, 4)], { nodesPerLeaf: 2, spines: 2 });
    const up = (t: Topology): number => t.links.find((l) => l.name === 'leaf0->spine0')!.bandwidth;
    expect(up(one)).toBe(50e9);
    expect(up(four)).toBe(200e9);
  });
});

describe('ring topology with several NICs a node', () => {
  it('bonds a node NICs into each cable (count × per-NIC bandwidth)', () => {
    const t = ringTopology([multi(4, 4), multi(4, 2), multi(4, 4)]);
    const bw = (name: string): number => t.links.find((l) => l.name === name)!.bandwidth;
    expect(bw('node0.nic->node1.nic')).toBe(100e9);
    expect(bw('node2.nic->node0.nic')).toBe(200e9);
  });

  it('keeps one-NIC cables as they were', () => {
    const slow = { ...node(1), nic: { bandwidth: 10e9 as BytesPerSecond, latency: 2e-6 as Seconds } };
    const t = ringTopology([node(1), slow]);
    expect(t.links.find((l) => l.name === 'node0.nic->node1.nic')!.bandwidth).toBe(10e9);
  });
});
