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

/** One machine as the network sees it: how many GPUs, how they connect inside, and its NIC. */
export interface NodeLinks {
  /** GPUs in this node. */
  readonly gpus: number;
  /** Each GPU's link to the node's internal switch (NVSwitch, or the PCIe root). */
  readonly intraNode: LinkSpec;
  /** The node's network interface toward the fabric (all GPUs of the node share it). */
  readonly nic: LinkSpec;
}
