/**
 * The contract between topologies, network models and collectives. Ranks are GPUs numbered 0..N−1 in
 * node order (node 0's GPUs first). Every physical cable is two directed links (full duplex), and each
 * directed link has an id; per-link byte counters are indexed by that id.
 */
import type { Event } from '../core/events.ts';
import type { Bytes, BytesPerSecond, Seconds } from '../core/units.ts';

/** A directed link. */
export interface Link {
  /** Index into `Topology.links` and into per-link counters. */
  readonly id: number;
  /** Human-readable, e.g. `node3.gpu1->node3.nvswitch`, `node3.nic->leaf0`. */
  readonly name: string;
  readonly bandwidth: BytesPerSecond;
  readonly latency: Seconds;
  /** Kind of hop, used by reports: intra-node, node NIC, or switch-to-switch fabric. */
  readonly tier: 'intra' | 'nic' | 'fabric';
  /**
   * The hardware the link stands for (NVLink, PCIe, ...), when its spec said; collectives price a
   * protocol's per-step latency by it (NVLink or PCIe inside a node).
   */
  readonly kind?: 'nvlink' | 'pcie' | 'infiniband' | 'ethernet' | 'custom' | undefined;
}

/** A built topology: GPUs, the directed links between them and switches, and routing. */
export interface Topology {
  /** Topology kind, e.g. `switch`, `leaf-spine`, `ring`. */
  readonly kind: string;
  /** Number of GPUs (ranks). */
  readonly ranks: number;
  /** Number of nodes (machines). */
  readonly nodes: number;
  /** All directed links; `links[i].id === i`. */
  readonly links: readonly Link[];
  /** Node index of a rank. */
  nodeOf(rank: number): number;
  /** Ranks of a node, in order. */
  ranksOf(node: number): readonly number[];
  /**
   * Which of its node's NICs a rank sends and receives through (0 with one NIC a node). Optional: a
   * topology without it is taken to give every node one NIC. Collectives spread ring channels over NICs.
   */
  nicOf?(rank: number): number;
  /**
   * The directed links a message from `src` to `dst` crosses, in order; empty when src === dst.
   * Deterministic: multi-path fabrics pick a path by a fixed hash of (src, dst).
   */
  route(src: number, dst: number): readonly number[];
}

/** A network model moves bytes between ranks on a topology, in simulated time. */
export interface NetworkModel {
  /** `analytical` (closed form, no contention), `flow` (max-min fair sharing) or `fixed` (constant times). */
  readonly kind: 'analytical' | 'flow' | 'fixed';
  readonly topology: Topology;
  /**
   * Sends `size` bytes from `src` to `dst`, starting now; the event succeeds when the last byte has
   * arrived. Analytical: path latency + size / bottleneck bandwidth. Flow: path latency + the time to
   * drain the bytes at the max-min fair rate, re-solved whenever any flow starts or ends.
   */
  transfer(src: number, dst: number, size: Bytes): Event<void>;
  /** Bytes carried so far by each directed link, indexed by link id. */
  linkBytes(): Float64Array;
}
