/**
 * The description of one point-to-point link (or a node's NIC) as the hardware layer hands it to the
 * network layer: a bandwidth per direction and a one-way latency. Links are full duplex unless a
 * topology says otherwise. Shared by the cluster builder (hardware/) and the topologies (network/).
 */
import type { BytesPerSecond, Seconds } from '../core/units.ts';

/** A full-duplex link: `bandwidth` in each direction, `latency` one way. */
export interface LinkSpec {
  /** Bytes per second in each direction. */
  readonly bandwidth: BytesPerSecond;
  /** One-way latency in seconds (α in the α-β model). */
  readonly latency: Seconds;
  /** What kind of link this is, for reports and traces. */
  readonly kind?: 'nvlink' | 'pcie' | 'infiniband' | 'ethernet' | 'custom';
}

/**
 * A node's network interfaces: `count` identical NICs (default 1), each with the LinkSpec's bandwidth
 * and latency. The count rides on the NIC's own spec (rather than a separate `NodeLinks` field) so that
 * a scenario's `nic: { count, bandwidth, latency }` maps one to one, and code that only wants one NIC's
 * figures keeps reading a LinkSpec.
 */
export interface NicSpec extends LinkSpec {
  /** Identical NICs in the node, an integer in 1..gpus (default 1). `bandwidth` is per NIC. */
  readonly count?: number;
}

/** One machine as the network sees it: how many GPUs, how they connect inside, and its NICs. */
export interface NodeLinks {
  /** GPUs in this node. */
  readonly gpus: number;
  /** Each GPU's link to the node's internal switch (NVSwitch, or the PCIe root). */
  readonly intraNode: LinkSpec;
  /** The node's network interfaces toward the fabric; GPU g uses NIC `nicOfGpu(node, g)`. */
  readonly nic: NicSpec;
}

/** How many NICs `node` has (its `nic.count`, default 1). */
export function nicCount(node: NodeLinks): number {
  return node.nic.count ?? 1;
}

/**
 * The NIC that local GPU `g` of `node` sends and receives through: ⌊g · count / gpus⌋. GPUs are split
 * into contiguous blocks, one per NIC, because that is how servers with fewer NICs than GPUs are built:
 * neighbouring GPUs share a PCIe switch and the NIC on it (a DGX-1's 8 GPUs and 4 NICs pair up as
 * 0–1, 2–3, 4–5, 6–7). With one NIC per GPU it is the identity (GPU g on rail g).
 */
export function nicOfGpu(node: NodeLinks, g: number): number {
  return Math.floor((g * nicCount(node)) / node.gpus);
}
