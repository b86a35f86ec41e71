/**
 * NCCL's three protocols and its per-call costs, after the structure of NCCL's own tuner
 * (`src/graph/tuning.cc` in NVIDIA/nccl, commit b6475625fbcaa2c3c0e50eed2fa1255d7514d4a2): a call costs
 * a base latency per (algorithm, protocol), every step adds a hardware latency per (link kind,
 * algorithm, protocol), and the protocol reaches a fraction of the links' bandwidth.
 * - **Simple** moves data in large chunks with a memory fence per chunk: full bandwidth, the largest
 *   per-step latency.
 * - **LL** (low latency) stores 8-byte lines of 4 data bytes and a 4-byte flag, so the receiver polls
 *   instead of waiting for a fence: the smallest latency, a quarter of the bandwidth (tuning.cc's
 *   factor for rings across nodes and for all-reduce).
 * - **LL128** stores 128-byte lines of 120 data bytes and an 8-byte flag: near-full bandwidth
 *   (0.92 in tuning.cc) at a latency between the two; NCCL enables it only on NVLink systems.
 *
 * How dtsim uses them. The bandwidth factor f inflates the bytes each transfer carries to bytes / f,
 * so that the same links, priced by the analytical model or shared by the flow model, give the
 * protocol's throughput: both models see the same inflated bytes and agree on an idle network, and no
 * protocol beats the links' bandwidth floor. The hardware latency of a step is added to its phase on
 * top of the links' own latency: a lock-step phase pays the largest step latency among its transfers'
 * routes (NVLink, PCIe, or network once a route leaves the node). The base latency and the
 * communicator's launch overhead are paid once per call, and never for an empty message (NCCL returns
 * at once on count 0).
 *
 * What is left out of tuning.cc: the per-channel bandwidth caps (`llMaxBws`, `perChMax*`: dtsim takes
 * bandwidth from the links), the tree correction factors for mid sizes, the ring "plateau" factor, and
 * CollNet/NVLS, which need switch hardware dtsim does not model.
 */

/** A protocol NCCL can move data with. */
export type Protocol = 'simple' | 'll' | 'll128';

/** Every protocol, in NCCL's order of increasing latency class: LL, LL128, Simple. */
export const PROTOCOLS: readonly Protocol[] = ['ll', 'll128', 'simple'];

/** Which of tuning.cc's algorithm rows prices an algorithm: tree-shaped ones, or everything else (ring). */
export type LatencyClass = 'ring' | 'tree';

/** The kind of hop a step's slowest route takes (tuning.cc's NCCL_HW_*). */
export type HopKind = 'nvlink' | 'pci' | 'net';

// tuning.cc baseLat, microseconds: [algorithm][protocol LL, LL128, Simple].
const BASE_LAT_US: Readonly<Record<LatencyClass, readonly [number, number, number]>> = {
  tree: [6.8, 14.0, 0],
  ring: [6.6, 14.0, 8.4],
};

// tuning.cc hwLat, microseconds: [hop kind][algorithm][protocol LL, LL128, Simple].
const HW_LAT_US: Readonly<Record<HopKind, Readonly<Record<LatencyClass, readonly [number, number, number]>>>> = {
  nvlink: { tree: [0.6, 1.25, 28], ring: [0.6, 1.9, 3.4] },
  pci: { tree: [1.0, 1.9, 28], ring: [1.0, 2.5, 5.7] },
  net: { tree: [5.0, 8.5, 28], ring: [2.7, 4.0, 14.0] },
};

const INDEX: Readonly<Record<Protocol, 0 | 1 | 2>> = { ll: 0, ll128: 1, simple: 2 };

/** What a protocol costs one collective, resolved for its algorithm and group. */
export interface ProtocolCosts {
  readonly protocol: Protocol;
  /** Paid once per non-empty call: the communicator's launch overhead plus tuning.cc's base latency, seconds. */
  readonly callS: number;
  /** Added to a phase per its slowest hop kind, seconds: index 0 NVLink, 1 PCIe, 2 network. */
  readonly hopS: readonly [number, number, number];
  /** Bytes on the wire per payload byte (1 / the bandwidth factor), ≥ 1. */
  readonly inflate: number;
}

/** What the protocol costs depend on besides the protocol itself. */
export interface ProtocolContext {
  readonly latencyClass: LatencyClass;
  /** The collective operation: LL's ring factor is 1/4 for all-reduce, 1/3 for the others on one node. */
  readonly allReduce: boolean;
  /** Nodes the group spans. */
  readonly nodes: number;
  /** Group members per node (tuning.cc's ppn): LL128 rings lose more with one GPU per node. */
  readonly perNode: number;
  /** The communicator's launch overhead per call, seconds. */
  readonly launchS: number;
}

/**
 * tuning.cc's bandwidth factor of a protocol on an algorithm (≤ 1; Simple on a ring is 1):
 * ring LL 1/4 across nodes or for all-reduce, else 1/3; ring LL128 0.92 (0.7 with one GPU per node);
 * tree 0.92, times 1/3.8 for LL, and for LL128 times 7/9 on one node or 120/128 across nodes.
 */
export function bandwidthFactor(p: Protocol, c: ProtocolContext): number {
  if (c.latencyClass === 'ring') {
    if (p === 'll') return c.nodes > 1 || c.allReduce ? 1 / 4 : 1 / 3;
    if (p === 'll128') return c.perNode < 2 ? 0.7 : 0.92;
    return 1;
  }
  const tree = 0.92;
  if (p === 'll') return tree / 3.8;
  if (p === 'll128') return tree * (c.nodes === 1 ? 7 / 9 : 120 / 128);
  return tree;
}

/**
 * The costs of protocol `p` for one collective (see the file comment). tuning.cc multiplies LL's
 * intra-node step latency by 1.8 once the group spans nodes.
 */
export function protocolCosts(p: Protocol, c: ProtocolContext): ProtocolCosts {
  const i = INDEX[p];
  const us = 1e-6;
  const llAcross = p === 'll' && c.nodes > 1 ? 1.8 : 1;
  const hw = (k: HopKind): number => HW_LAT_US[k][c.latencyClass][i]! * us;
  return {
    protocol: p,
    callS: c.launchS + BASE_LAT_US[c.latencyClass][i]! * us,
    hopS: [hw('nvlink') * llAcross, hw('pci') * llAcross, hw('net')],
    inflate: 1 / bandwidthFactor(p, c),
  };
}

/**
 * No protocol: the plain α-β model, nothing added per call or per step and no bandwidth lost. What an
 * algorithm is priced with when a request names no protocol (the algorithms' own closed-form tests).
 */
export const IDEAL: ProtocolCosts = Object.freeze({
  protocol: 'simple' as const,
  callS: 0,
  hopS: [0, 0, 0] as const,
  inflate: 1,
});

/**
 * The protocol names a scenario or the CLI may give: one protocol, or `auto` (the fastest predicted).
 * @throws Error for anything else, listing what is allowed.
 */
export function parseProtocol(name: string): Protocol | 'auto' {
  if (name === 'auto' || (PROTOCOLS as readonly string[]).includes(name)) return name as Protocol | 'auto';
  throw new Error(`unknown protocol '${name}'; known: auto, ${PROTOCOLS.join(', ')}`);
}
