import { describe, expect, it } from 'vitest';
import { AnalyticalPricer } from '../../src/collectives/cost-model.ts';
import type { CollectiveRequest, Phase } from '../../src/collectives/types.ts';
import { getPreset, presetNodes } from '../../src/collectives/presets.ts';
import type { BytesPerSecond, Seconds } from '../../src/core/units.ts';
import type { NodeLinks } from '../../src/hardware/link-spec.ts';
import { buildTopology } from '../../src/network/topologies.ts';
import type { Topology } from '../../src/network/types.ts';

const B = 50e9;
const BYTES = 1e9;

/** 2 nodes × 8 GPUs; `count` NICs of B each; latencies 0 so the phase time is bytes over bandwidth. */
function cluster(count: number): NodeLinks[] {
  const n: NodeLinks = {
    gpus: 8,
    intraNode: { bandwidth: 1000e9 as BytesPerSecond, latency: 0 as Seconds },
    nic: { bandwidth: B as BytesPerSecond, latency: 0 as Seconds, count },
  };
  return [n, n];
}

/** The time of one phase of `pairs` (global ranks), each carrying BYTES, on the analytical pricer. */
function phaseTime(t: Topology, pairs: readonly (readonly [number, number])[]): number {
  const group = Array.from({ length: t.ranks }, (_, i) => i);
  const request: CollectiveRequest = {
    op: 'all-reduce',
    group,
    sizeBytes: BYTES,
    root: 0,
    chunks: 1,
    shards: 1,
    servers: [],
    topology: t,
  };
  const phase: Phase = pairs.map(([src, dst]) => ({ src, dst, bytes: BYTES }));
  return new AnalyticalPricer(t).phaseTime(request, phase);
}

// The inter-node step of 8 rings, one per rail: GPU i of node 0 sends to GPU i of node 1.
const RAIL_ALIGNED = Array.from({ length: 8 }, (_, i) => [i, 8 + i] as const);

describe('NIC rails in the analytical model', () => {
  it('gives 8 rail-aligned pairs a link each with 8 NICs: the floor is bytes / B', () => {
    for (const kind of ['switch', 'rail'] as const) {
      const t = buildTopology(kind, cluster(8));
      const nicLinks = RAIL_ALIGNED.flatMap(([s, d]) => t.route(s, d).filter((l) => t.links[l]!.tier === 'nic'));
      expect(new Set(nicLinks).size).toBe(nicLinks.length);
      expect(phaseTime(t, RAIL_ALIGNED)).toBeCloseTo(BYTES / B, 12);
    }
  });

  it('makes them share one NIC of B with one NIC a node: 8 × bytes / B', () => {
    const t = buildTopology('switch', cluster(1));
    expect(phaseTime(t, RAIL_ALIGNED)).toBeCloseTo((8 * BYTES) / B, 12);
  });

  it('halves the floor with 4 NICs (two GPUs a NIC)', () => {
    const t = buildTopology('rail', cluster(4));
    expect(phaseTime(t, RAIL_ALIGNED)).toBeCloseTo((2 * BYTES) / B, 12);
  });

  it('funnels cross-rail traffic to one destination GPU onto its rail (PXN), sharing rail links', () => {
    const t = buildTopology('rail', cluster(8));
    // Every GPU of node 0 sends to node1.gpu0: all of it rides rail 0.
    const incast = Array.from({ length: 8 }, (_, i) => [i, 8] as const);
    expect(phaseTime(t, incast)).toBeCloseTo((8 * BYTES) / B, 12);
  });
});

describe('presets with their real NIC counts', () => {
  it('lists per-NIC bandwidth and count', () => {
    const gbit = 1e9 / 8;
    expect(getPreset('dgx-a100').node.nic).toMatchObject({ count: 8, bandwidth: 200 * gbit });
    expect(getPreset('hgx-h100').node.nic).toMatchObject({ count: 8, bandwidth: 400 * gbit });
    expect(getPreset('dgx1-v100').node.nic).toMatchObject({ count: 4, bandwidth: 100 * gbit });
    expect(getPreset('2x-h100-ib').node.nic.count).toBeUndefined();
    expect(getPreset('2x-h100-ib').node.nic.bandwidth).toBe(400 * gbit);
  });

  it('builds 2x-h100-rail on the rail topology: rail-aligned pairs never share a NIC link', () => {
    const p = getPreset('2x-h100-rail');
    expect(p.topology).toBe('rail');
    expect(p.nodes).toBe(2);
    const t = buildTopology(p.topology, presetNodes(p));
    const used = RAIL_ALIGNED.flatMap(([s, d]) => t.route(s, d).filter((l) => t.links[l]!.tier === 'nic'));
    expect(new Set(used).size).toBe(16);
    expect(t.links.map((l) => l.name)).toContain('node1.nic7->rail7');
  });

  it('builds every preset on its own topology', () => {
    for (const name of ['dgx-a100', 'hgx-h100', '2x-h100-ib', '2x-h100-rail', 'dgx1-v100', 'commodity-25gbe']) {
      const p = getPreset(name);
      expect(buildTopology(p.topology, presetNodes(p)).ranks).toBe(p.nodes * p.node.gpus);
    }
  });
});
