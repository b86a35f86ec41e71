import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ClusterSpecError,
  DEFAULT_HOST_LINK,
  DEFAULT_INTRA_NODE_LINK,
  DEFAULT_NIC_LINK,
  MAX_CLUSTER_GPUS,
  buildCluster,
} from '../../src/hardware/cluster.ts';
import type { NodeGroupSpec } from '../../src/hardware/cluster.ts';
import { UnknownGpuError } from '../../src/hardware/gpu-catalog.ts';
import { DeviceSpecError } from '../../src/hardware/device-spec.ts';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import type { LinkSpec } from '../../src/hardware/link-spec.ts';

const ib: LinkSpec = { bandwidth: bytesPerSecond(50e9), latency: seconds(2e-6), kind: 'infiniband' };

describe('buildCluster', () => {
  it('numbers ranks in node order across a cluster mixing GPU generations', () => {
    const c = buildCluster([
      { count: 2, gpusPerNode: 4, gpu: 'H100-SXM', nic: ib },
      { count: 1, gpusPerNode: 2, gpu: 'v100-32gb', speed: 0.9 },
    ]);
    expect(c.devices.map((d) => [d.rank, d.node, d.localRank])).toEqual([
      [0, 0, 0],
      [1, 0, 1],
      [2, 0, 2],
      [3, 0, 3],
      [4, 1, 0],
      [5, 1, 1],
      [6, 1, 2],
      [7, 1, 3],
      [8, 2, 0],
      [9, 2, 1],
    ]);
    expect(c.devices.slice(0, 8).every((d) => d.spec.name === 'H100-SXM' && d.speed === 1)).toBe(true);
    expect(c.devices.slice(8).every((d) => d.spec.name === 'V100-32GB' && d.speed === 0.9)).toBe(true);
    expect(c.nodes.map((n) => [n.index, n.group, n.gpuName, n.gpus, n.firstRank])).toEqual([
      [0, 0, 'H100-SXM', 4, 0],
      [1, 0, 'H100-SXM', 4, 4],
      [2, 1, 'V100-32GB', 2, 8],
    ]);
    expect(c.nodes[0]!.nic).toBe(ib);
    expect(c.nodes[2]!.nic).toBe(DEFAULT_NIC_LINK);
    expect(c.nodes[2]!.intraNode).toBe(DEFAULT_INTRA_NODE_LINK);
  });

  it('defaults to an NVLink-class intra-node link and a 100 Gbit/s NIC', () => {
    // 100 Gbit/s = 1e11 / 8 = 1.25e10 B/s.
    expect(DEFAULT_NIC_LINK.bandwidth).toBe(1.25e10);
    expect(DEFAULT_INTRA_NODE_LINK.kind).toBe('nvlink');
    expect(DEFAULT_INTRA_NODE_LINK.bandwidth).toBeGreaterThan(DEFAULT_NIC_LINK.bandwidth);
  });

  it('accepts an inline custom GPU', () => {
    const gpu = { name: 'proto', peakFlops: { fp32: 1e14, fp16: 1e15 }, memoryBandwidth: 5e12, memoryBytes: 2e11 };
    const c = buildCluster([{ count: 1, gpusPerNode: 1, gpu }]);
    expect(c.devices[0]!.spec.name).toBe('proto');
  });

  it('reports the path of a bad field', () => {
    const ok: NodeGroupSpec = { count: 1, gpusPerNode: 8, gpu: 'A100-80GB' };
    const bad = (g: NodeGroupSpec, type: new (...a: never[]) => Error, msg: RegExp): void => {
      const f = (): unknown => buildCluster([ok, g], 'cluster.nodes');
      expect(f).toThrow(type);
      expect(f).toThrow(msg);
    };
    bad({ ...ok, count: 0 }, ClusterSpecError, /^cluster\.nodes\[1\]\.count: got 0; expected an integer >= 1/);
    bad({ ...ok, gpusPerNode: 2.5 }, ClusterSpecError, /cluster\.nodes\[1\]\.gpusPerNode: got 2.5/);
    bad({ ...ok, speed: 0 }, ClusterSpecError, /cluster\.nodes\[1\]\.speed/);
    bad(
      { ...ok, gpu: 'A100-80' },
      UnknownGpuError,
      /cluster\.nodes\[1\]\.gpu: unknown GPU "A100-80"; did you mean A100-80GB/,
    );
    bad({ ...ok, gpu: { name: 'x' } }, DeviceSpecError, /cluster\.nodes\[1\]\.gpu\.peakFlops/);
    bad(
      { ...ok, nic: { bandwidth: 0 as never, latency: seconds(0) } },
      ClusterSpecError,
      /cluster\.nodes\[1\]\.nic\.bandwidth/,
    );
    expect(() => buildCluster([])).toThrow(/at least one node group/);
  });

  it('has devices[r].rank === r and node GPU counts that add up (property)', () => {
    const group = fc.record({
      count: fc.integer({ min: 1, max: 4 }),
      gpusPerNode: fc.integer({ min: 1, max: 8 }),
      gpu: fc.constantFrom('A100-40GB', 'T4', 'MI300X'),
    });
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 5 }), (groups) => {
        const c = buildCluster(groups);
        c.devices.forEach((d, r) => {
          expect(d.rank).toBe(r);
          const n = c.nodes[d.node]!;
          expect(d.rank).toBe(n.firstRank + d.localRank);
          expect(d.spec.name).toBe(n.gpuName);
        });
        expect(c.nodes.reduce((s, n) => s + n.gpus, 0)).toBe(c.devices.length);
        expect(c.nodes.length).toBe(groups.reduce((s, g) => s + g.count, 0));
      }),
    );
  });

  it(`refuses more than MAX_CLUSTER_GPUS (${MAX_CLUSTER_GPUS}) GPUs before making any device`, () => {
    // A billion nodes would take minutes and gigabytes to build; the check answers at once.
    expect(() => buildCluster([{ count: 1e9, gpusPerNode: 8, gpu: 'A100-80GB' }], 'cluster.nodes')).toThrow(
      new ClusterSpecError('cluster.nodes[0].count', 1e9, `an integer >= 1 and <= ${MAX_CLUSTER_GPUS}`),
    );
    expect(() => buildCluster([{ count: 1, gpusPerNode: 1e308, gpu: 'A100-80GB' }])).toThrow(
      /nodes\[0\]\.gpusPerNode: got 1e\+308/,
    );
    const twoGroups = [
      { count: MAX_CLUSTER_GPUS / 8, gpusPerNode: 8, gpu: 'A100-80GB' },
      { count: 1, gpusPerNode: 1, gpu: 'A100-80GB' },
    ];
    expect(() => buildCluster(twoGroups)).toThrow(
      `nodes: got ${MAX_CLUSTER_GPUS + 1}; expected at most ${MAX_CLUSTER_GPUS} GPUs in all`,
    );
    expect(buildCluster(twoGroups.slice(0, 1)).devices).toHaveLength(MAX_CLUSTER_GPUS);
  });
});

describe('buildCluster: NIC counts', () => {
  it('keeps nic.count on every node of the group', () => {
    const c = buildCluster([
      {
        count: 2,
        gpusPerNode: 8,
        gpu: 'H100-SXM',
        nic: { bandwidth: bytesPerSecond(5e10), latency: seconds(5e-6), count: 8 },
      },
    ]);
    expect(c.nodes.map((n) => n.nic.count)).toEqual([8, 8]);
  });

  it.each([0, 9, 2.5, NaN])('rejects nic.count %s with the path and the allowed range', (count) => {
    expect(() =>
      buildCluster(
        [
          {
            count: 1,
            gpusPerNode: 8,
            gpu: 'H100-SXM',
            nic: { bandwidth: bytesPerSecond(5e10), latency: seconds(5e-6), count },
          },
        ],
        'cluster.nodes',
      ),
    ).toThrow(/^cluster\.nodes\[0\]\.nic\.count: got .*; expected an integer >= 1 and <= 8/);
  });
});

describe('buildCluster: host links and NVMe drives', () => {
  const link = (gbs: number, us: number): LinkSpec => ({
    bandwidth: bytesPerSecond(gbs * 1e9),
    latency: seconds(us * 1e-6),
  });

  it('records hostLink and nvme on every node of the group that gives them, and nothing otherwise', () => {
    const c = buildCluster([
      { count: 2, gpusPerNode: 2, gpu: 'A100-80GB', hostLink: link(16, 5), nvme: link(25, 100) },
      { count: 1, gpusPerNode: 1, gpu: 'V100-32GB' },
    ]);
    expect(c.nodes.map((n) => [n.hostLink?.bandwidth, n.nvme?.bandwidth])).toEqual([
      [16e9, 25e9],
      [16e9, 25e9],
      [undefined, undefined],
    ]);
    expect(DEFAULT_HOST_LINK.bandwidth).toBe(32e9);
  });

  it('rejects a bad host link or NVMe bandwidth at its path', () => {
    // Hand-built (the scenario parser refuses these first).
    expect(() =>
      buildCluster([
        {
          count: 1,
          gpusPerNode: 1,
          gpu: 'A100-80GB',
          hostLink: { ...link(16, 5), bandwidth: 0 } as unknown as LinkSpec,
        },
      ]),
    ).toThrow(/nodes\[0\]\.hostLink\.bandwidth/);
    expect(() =>
      buildCluster([
        {
          count: 1,
          gpusPerNode: 1,
          gpu: 'A100-80GB',
          nvme: { ...link(16, 5), bandwidth: Infinity } as unknown as LinkSpec,
        },
      ]),
    ).toThrow(/nodes\[0\]\.nvme\.bandwidth/);
  });
});
