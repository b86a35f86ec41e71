import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nicOfGpu } from '../../src/hardware/link-spec.ts';
import type { NodeLinks } from '../../src/hardware/link-spec.ts';
import { railTopology } from '../../src/network/rail-topology.ts';
import { buildTopology } from '../../src/network/topologies.ts';
import { pathBandwidth, pathLatency } from '../../src/network/paths.ts';
import type { Topology } from '../../src/network/types.ts';
import { node, routeProblems } from './helpers.ts';

/** A node of `gpus` GPUs with `count` NICs of 50 GB/s, 4 µs each (intra 400 GB/s, 1 µs). */
function multi(gpus: number, count: number): NodeLinks {
  const n = node(gpus);
  return { ...n, nic: { ...n.nic, count } };
}

const names = (t: Topology, src: number, dst: number): string[] => t.route(src, dst).map((l) => t.links[l]!.name);

describe('railTopology', () => {
  it('is registered as rail and cables NIC k of every node to rail switch k', () => {
    const t = buildTopology('rail', [multi(4, 4), multi(4, 4)]);
    expect(t.kind).toBe('rail');
    expect(t.links.filter((l) => l.tier === 'nic')).toHaveLength(2 * 2 * 4);
    expect(t.links.filter((l) => l.name.startsWith('node1.nic2')).map((l) => l.name)).toEqual(['node1.nic2->rail2']);
    expect(new Set(t.links.filter((l) => l.tier === 'nic').map((l) => l.name.match(/rail\d+/)![0]))).toEqual(
      new Set(['rail0', 'rail1', 'rail2', 'rail3']),
    );
  });

  it('sends a rail-aligned message on its own rail: gpu up, NIC r up, NIC r down, gpu down', () => {
    const t = railTopology([multi(4, 4), multi(4, 4)]);
    expect(names(t, 2, 6)).toEqual([
      'node0.gpu2->node0.nvswitch',
      'node0.nic2->rail2',
      'rail2->node1.nic2',
      'node1.nvswitch->node1.gpu2',
    ]);
  });

  it("sends a cross-rail message on the destination GPU's rail (PXN)", () => {
    const t = railTopology([multi(4, 4), multi(4, 4)]);
    // node0.gpu0 → node1.gpu3: the data crosses node 0's NVSwitch to rail 3's NIC.
    expect(names(t, 0, 7)).toEqual([
      'node0.gpu0->node0.nvswitch',
      'node0.nic3->rail3',
      'rail3->node1.nic3',
      'node1.nvswitch->node1.gpu3',
    ]);
    expect(names(t, 7, 0)).toEqual([
      'node1.gpu3->node1.nvswitch',
      'node1.nic0->rail0',
      'rail0->node0.nic0',
      'node0.nvswitch->node0.gpu0',
    ]);
  });

  it('keeps intra-node traffic on the NVSwitch, and prices routes like the switch topology', () => {
    const t = railTopology([multi(4, 2), multi(4, 2)]);
    expect(names(t, 0, 3)).toEqual(['node0.gpu0->node0.nvswitch', 'node0.nvswitch->node0.gpu3']);
    expect(pathLatency(t, t.route(0, 5))).toBeCloseTo(5e-6, 15);
    expect(pathBandwidth(t, t.route(0, 5))).toBe(50e9);
  });

  it('maps GPUs to rails in blocks when a node has fewer NICs than GPUs', () => {
    const t = railTopology([multi(8, 4), multi(8, 4)]);
    // node1.gpu5 uses NIC ⌊5 · 4 / 8⌋ = 2.
    expect(names(t, 0, 13)).toContain('rail2->node1.nic2');
  });

  it('keeps the one-NIC names with one NIC a node (a single rail)', () => {
    const t = railTopology([node(2), node(2)]);
    expect(names(t, 0, 3)).toEqual([
      'node0.gpu0->node0.nvswitch',
      'node0.nic->rail0',
      'rail0->node1.nic',
      'node1.nvswitch->node1.gpu1',
    ]);
  });

  it('rejects nodes whose NIC counts differ, and bad counts', () => {
    expect(() => railTopology([multi(8, 8), multi(8, 4)])).toThrow(
      /rail: every node needs the same NIC count .*node 0 has 8, node 1 has 4/,
    );
    expect(() => railTopology([multi(8, 8), multi(8, 4)])).toThrow(RangeError);
    expect(() => railTopology([multi(2, 3)])).toThrow(/nodes\[0\]\.nic\.count must be an integer in 1\.\.2/);
  });

  it("runs every route from the source GPU's up link to the destination GPU's down link, on the destination's rail (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 1, max: g }))),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        ([g0, count], extra, a, b) => {
          // Every node has the same NIC count; GPU counts vary (at least `count`).
          const gpus = [g0, ...extra.map((e) => Math.max(e, count))];
          const ns = gpus.map((g) => multi(g, count));
          const t = railTopology(ns);
          const src = a % t.ranks;
          const dst = b % t.ranks;
          expect(routeProblems(t, src, dst)).toEqual([]);
          const sn = t.nodeOf(src);
          const dn = t.nodeOf(dst);
          if (sn === dn) return;
          const rail = nicOfGpu(ns[dn]!, dst - t.ranksOf(dn)[0]!);
          const nicLinks = t.route(src, dst).filter((l) => t.links[l]!.tier === 'nic');
          const railName = count === 1 ? 'rail0' : `rail${rail}`;
          expect(nicLinks.map((l) => t.links[l]!.name)).toEqual([
            `${count === 1 ? `node${sn}.nic` : `node${sn}.nic${rail}`}->${railName}`,
            `${railName}->${count === 1 ? `node${dn}.nic` : `node${dn}.nic${rail}`}`,
          ]);
        },
      ),
    );
  });

  it('routes 16,384 ranks cheaply and deterministically', () => {
    const ns = Array.from({ length: 2048 }, () => multi(8, 8));
    const t = railTopology(ns);
    const u = railTopology(ns);
    expect(t.ranks).toBe(16_384);
    for (let r = 0; r < t.ranks; r += 97) {
      const d = (r * 7919 + 13) % t.ranks;
      expect(t.route(r, d)).toEqual(u.route(r, d));
      expect(t.route(r, d)).toBe(t.route(r, d));
    }
  });
});
