/**
 * Builds a cluster from node groups. A group is `count` identical nodes with `gpusPerNode` GPUs of
 * one kind; groups of different GPU generations mix freely (a first-class case, not an afterthought).
 * Ranks are numbered in node order: group 0's nodes first, and inside a node by local rank, so rank
 * `r` of node `n` is stable when groups are appended after it.
 */
import { GB_PER_S, GBIT_PER_S, bytesPerSecond, seconds } from '../core/units.ts';
import type { DeviceSpec } from './device-spec.ts';
import { resolveGpu } from './gpu-catalog.ts';
import type { LinkSpec, NicSpec, NodeLinks } from './link-spec.ts';

/**
 * Default intra-node link when a group gives none: NVLink-class, 300 GB/s per direction per GPU (A100
 * NVLink 3 through NVSwitch: 600 GB/s total bidirectional) and 1 µs one way. Conservative for H100
 * (450 GB/s per direction), generous for PCIe-only parts: set `intraNode` for those.
 */
export const DEFAULT_INTRA_NODE_LINK: LinkSpec = Object.freeze({
  bandwidth: bytesPerSecond(300 * GB_PER_S),
  latency: seconds(1e-6),
  kind: 'nvlink',
});

/**
 * Default NIC when a group gives none: 100 Gbit/s (12.5 GB/s) per direction, 5 µs one way, a
 * typical RDMA Ethernet / InfiniBand EDR port shared by all GPUs of the node.
 */
export const DEFAULT_NIC_LINK: LinkSpec = Object.freeze({
  bandwidth: bytesPerSecond(100 * GBIT_PER_S),
  latency: seconds(5e-6),
  kind: 'ethernet',
});

/**
 * Default link between one GPU and its host's memory when a group gives none (`hostLink`), for
 * ZeRO-Offload's gradient and parameter copies: PCIe 4.0 x16, 16 GT/s × 16 lanes with 128b/130b
 * encoding ≈ 31.5 GB/s per direction (PCI-SIG PCIe 4.0 base specification), rounded to the usual
 * 32 GB/s; 10 µs one way stands for a copy's launch and round trip (an order-of-magnitude estimate).
 * Each GPU gets its own link: GPUs that share a PCIe switch or a CPU root port (DGX A100 pairs two
 * GPUs per switch) are not modelled as contending; give a smaller `hostLink.bandwidth` for those.
 */
export const DEFAULT_HOST_LINK: LinkSpec = Object.freeze({
  bandwidth: bytesPerSecond(32 * GB_PER_S),
  latency: seconds(10e-6),
  kind: 'pcie',
});

/**
 * Most GPUs a cluster may have (2^16). Every GPU costs memory in the cluster, the topology and the
 * run's per-worker state; a scenario at this size still validates in well under a second (measured in
 * test/bench/validate-limits.ts), and a count such as 1e9 is rejected before anything is allocated.
 */
export const MAX_CLUSTER_GPUS = 65_536;

/** One group of identical nodes, as a scenario describes it. */
export interface NodeGroupSpec {
  /** Number of nodes (integer ≥ 1). */
  readonly count: number;
  /** GPUs per node (integer ≥ 1). */
  readonly gpusPerNode: number;
  /** A catalog name (`A100-80GB`) or an inline custom spec object (see `defineDeviceSpec`). */
  readonly gpu: string | object;
  /** Speed multiplier of every GPU of the group (finite, > 0; default 1). */
  readonly speed?: number;
  /** Each GPU's link inside the node; default `DEFAULT_INTRA_NODE_LINK`. */
  readonly intraNode?: LinkSpec;
  /** The node's NICs (`count` of them, default 1; bandwidth per NIC); default `DEFAULT_NIC_LINK`. */
  readonly nic?: NicSpec;
  /** Each GPU's link to host memory (ZeRO-Offload's copies); absent: `DEFAULT_HOST_LINK` where used. */
  readonly hostLink?: LinkSpec;
  /**
   * The node's NVMe drives as one device (ZeRO-Infinity): `bandwidth` shared by reads and writes of all
   * of its GPUs, `latency` per transfer. No default: absent means the node has none to offload to.
   */
  readonly nvme?: LinkSpec;
}

/** One GPU of the cluster. */
export interface Device {
  /** Global rank, 0..N-1 in node order. */
  readonly rank: number;
  /** Index of its node in `Cluster.nodes`. */
  readonly node: number;
  /** Index inside its node, 0..gpus-1. */
  readonly localRank: number;
  readonly spec: DeviceSpec;
  /** Speed multiplier from its group. */
  readonly speed: number;
}

/** One node: its links as the network sees them, plus where it came from. */
export interface ClusterNode extends NodeLinks {
  /** Index of the node in `Cluster.nodes`. */
  readonly index: number;
  /** Index of the group that produced it. */
  readonly group: number;
  /** Name of its GPU model. */
  readonly gpuName: string;
  /** Rank of its first GPU; its GPUs are ranks firstRank..firstRank+gpus-1. */
  readonly firstRank: number;
  /** Each GPU's link to host memory, when the group gives one (users fall back to `DEFAULT_HOST_LINK`). */
  readonly hostLink?: LinkSpec;
  /** The node's NVMe drives, when the group gives them (see `NodeGroupSpec.nvme`). */
  readonly nvme?: LinkSpec;
}

/** All devices and nodes. Invariant: `devices[r].rank === r`, `nodes[n].index === n`. */
export interface Cluster {
  readonly devices: readonly Device[];
  readonly nodes: readonly ClusterNode[];
}

/** A bad node-group field: names the path, the value and what is allowed. */
export class ClusterSpecError extends Error {
  constructor(
    readonly path: string,
    value: unknown,
    allowed: string,
  ) {
    super(`${path}: got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}; expected ${allowed}`);
    this.name = 'ClusterSpecError';
  }
}

function checkLink(link: LinkSpec, path: string): LinkSpec {
  // Links normally come branded from the scenario parser; this still catches hand-built ones.
  if (!(link.bandwidth > 0) || link.bandwidth === Infinity) {
    throw new ClusterSpecError(`${path}.bandwidth`, link.bandwidth, 'a finite number > 0 in B/s');
  }
  if (!(link.latency >= 0) || link.latency === Infinity) {
    throw new ClusterSpecError(`${path}.latency`, link.latency, 'a finite number >= 0 in seconds');
  }
  return link;
}

/**
 * Checks a NIC spec: its link figures, and a count in 1..gpus. More NICs than GPUs is refused because
 * each GPU uses one NIC (`nicOfGpu`), so the extra NICs would carry no traffic and only mislead.
 */
function checkNic(nic: NicSpec, gpus: number, path: string): NicSpec {
  checkLink(nic, path);
  const count = nic.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > gpus)
    throw new ClusterSpecError(
      `${path}.count`,
      count,
      `an integer >= 1 and <= ${gpus} (gpusPerNode: each GPU uses one NIC, so more NICs than GPUs would sit idle)`,
    );
  return nic;
}

function positiveInt(v: number, path: string): number {
  if (!Number.isInteger(v) || v < 1 || v > MAX_CLUSTER_GPUS)
    throw new ClusterSpecError(path, v, `an integer >= 1 and <= ${MAX_CLUSTER_GPUS}`);
  return v;
}

/**
 * Builds the cluster. Groups are laid out in order; the same GPU object is shared by all devices of a
 * group.
 * @param path prefix for error messages, e.g. `cluster.nodes` gives `cluster.nodes[1].gpusPerNode`.
 * @throws ClusterSpecError for an empty group list, a bad count, gpusPerNode, speed, link or NIC count, or more
 *   than `MAX_CLUSTER_GPUS` GPUs in all;
 *   UnknownGpuError for an unknown catalog name; DeviceSpecError for a bad inline spec.
 */
export function buildCluster(groups: readonly NodeGroupSpec[], path = 'nodes'): Cluster {
  if (groups.length === 0) throw new ClusterSpecError(path, '[]', 'at least one node group');
  // The total is checked before any device is made, so an absurd count fails fast instead of exhausting memory.
  let total = 0;
  groups.forEach((g, gi) => {
    total += positiveInt(g.count, `${path}[${gi}].count`) * positiveInt(g.gpusPerNode, `${path}[${gi}].gpusPerNode`);
  });
  if (total > MAX_CLUSTER_GPUS)
    throw new ClusterSpecError(
      path,
      total,
      `at most ${MAX_CLUSTER_GPUS} GPUs in all (count × gpusPerNode summed over the groups)`,
    );
  const devices: Device[] = [];
  const nodes: ClusterNode[] = [];
  groups.forEach((g, gi) => {
    const at = `${path}[${gi}]`;
    const count = positiveInt(g.count, `${at}.count`);
    const gpus = positiveInt(g.gpusPerNode, `${at}.gpusPerNode`);
    const speed = g.speed ?? 1;
    if (!(speed > 0) || speed === Infinity) throw new ClusterSpecError(`${at}.speed`, speed, 'a finite number > 0');
    const spec = resolveGpu(g.gpu, `${at}.gpu`);
    const intraNode = checkLink(g.intraNode ?? DEFAULT_INTRA_NODE_LINK, `${at}.intraNode`);
    const nic = checkNic(g.nic ?? DEFAULT_NIC_LINK, gpus, `${at}.nic`);
    const host = {
      ...(g.hostLink === undefined ? {} : { hostLink: checkLink(g.hostLink, `${at}.hostLink`) }),
      ...(g.nvme === undefined ? {} : { nvme: checkLink(g.nvme, `${at}.nvme`) }),
    };
    for (let k = 0; k < count; k++) {
      const index = nodes.length;
      const firstRank = devices.length;
      nodes.push({ index, group: gi, gpuName: spec.name, gpus, intraNode, nic, firstRank, ...host });
      for (let l = 0; l < gpus; l++) devices.push({ rank: firstRank + l, node: index, localRank: l, spec, speed });
    }
  });
  return { devices, nodes };
}
