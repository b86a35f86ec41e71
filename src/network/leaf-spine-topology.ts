/**
 * `leaf-spine`: a two-level fat tree (Clos). Nodes attach to leaf switches, `nodesPerLeaf` each (node n
 * on leaf ⌊n / nodesPerLeaf⌋, with all its NICs; the last leaf may be partly filled); an inter-node
 * message leaves through the source GPU's NIC and arrives through the destination GPU's; every leaf has one uplink to every
 * spine. Same-leaf traffic turns around in the leaf; other traffic goes leaf → spine → leaf, the spine
 * chosen by a deterministic hash of the (src, dst) ranks (ECMP).
 */
import type { Seconds, BytesPerSecond } from '../core/units.ts';
import { nicCount } from '../hardware/link-spec.ts';
import type { LinkSpec, NodeLinks } from '../hardware/link-spec.ts';
import { ecmpChoice } from './ecmp.ts';
import { LinkTable, checkLinkSpec } from './link-table.ts';
import { attachNics } from './nic-attach.ts';
import { buildNodeLayout } from './node-layout.ts';
import { routedTopology } from './routed-topology.ts';
import type { Topology } from './types.ts';

/** Options of the `leaf-spine` topology. */
export interface LeafSpineOptions {
  /** Nodes attached to each leaf switch (a positive integer). */
  readonly nodesPerLeaf: number;
  /** Number of spine switches, i.e. uplinks per leaf (a positive integer). */
  readonly spines: number;
  /** Each leaf↔spine link. Default: derived from `oversubscription`. Give this or that, not both. */
  readonly uplink?: LinkSpec;
  /**
   * (nodesPerLeaf × node NIC bandwidth) / (spines × uplink bandwidth), used to derive the uplink when
   * none is given; default 1 (full bisection bandwidth). Node NIC bandwidth is the fastest node's NIC
   * count × per-NIC bandwidth, so that a ratio of 1 is non-blocking for every leaf.
   */
  readonly oversubscription?: number;
}

/**
 * The uplink the options imply: `options.uplink` if given, else bandwidth
 * nodesPerLeaf × max (NIC count × NIC bandwidth) / (spines × oversubscription) and the largest NIC
 * latency.
 * @throws RangeError if both `uplink` and `oversubscription` are given, or either is invalid.
 */
export function leafSpineUplink(nodes: readonly NodeLinks[], options: LeafSpineOptions): LinkSpec {
  if (options.uplink !== undefined) {
    if (options.oversubscription !== undefined) {
      throw new RangeError('leaf-spine: give either uplink or oversubscription, not both');
    }
    checkLinkSpec(options.uplink, 'leaf-spine.uplink');
    return options.uplink;
  }
  const ratio = options.oversubscription ?? 1;
  if (!(ratio > 0) || ratio === Infinity) {
    throw new RangeError(`leaf-spine.oversubscription must be a finite number > 0, got ${String(ratio)}`);
  }
  let bw = 0;
  let lat = 0;
  for (const n of nodes) {
    bw = Math.max(bw, nicCount(n) * n.nic.bandwidth);
    lat = Math.max(lat, n.nic.latency);
  }
  return {
    bandwidth: ((options.nodesPerLeaf * bw) / (options.spines * ratio)) as BytesPerSecond,
    latency: lat as Seconds,
    kind: 'custom',
  };
}

/**
 * Most leaf–spine pairs (leaves × spines) a topology may have. Each pair is two fabric links, so an
 * absurd `spines` (1e9) would exhaust memory; 65,536 pairs is 2,048 leaves of 32 spines.
 */
export const MAX_LEAF_SPINE_PAIRS = 65_536;

/**
 * Builds a leaf-spine topology. Links: per GPU 2 intra; per NIC 2 NIC links (`nodeN.nic->leafL`,
 * back, or `nodeN.nicK->leafL` with several NICs; tier `nic`); per (leaf, spine) 2 fabric links (`leafL->spineS`, back; tier `fabric`), each
 * with half the uplink's latency, so crossing a spine adds `uplink.latency` to a path.
 * @throws RangeError for a bad cluster or bad options, or more than `MAX_LEAF_SPINE_PAIRS` leaf–spine pairs.
 */
export function leafSpineTopology(nodes: readonly NodeLinks[], options: LeafSpineOptions): Topology {
  const { nodesPerLeaf, spines } = options;
  if (!Number.isInteger(nodesPerLeaf) || nodesPerLeaf < 1) {
    throw new RangeError(`leaf-spine.nodesPerLeaf must be a positive integer, got ${String(nodesPerLeaf)}`);
  }
  if (!Number.isInteger(spines) || spines < 1) {
    throw new RangeError(`leaf-spine.spines must be a positive integer, got ${String(spines)}`);
  }
  const leaves = Math.ceil(nodes.length / nodesPerLeaf);
  // Checked before any link exists: the fabric's size is leaves × spines.
  if (leaves * spines > MAX_LEAF_SPINE_PAIRS) {
    throw new RangeError(
      `leaf-spine: ${leaves} leaves × ${spines} spines is ${leaves * spines} leaf–spine pairs; at most ${MAX_LEAF_SPINE_PAIRS} are allowed (fewer spines, or more nodesPerLeaf)`,
    );
  }
  const table = new LinkTable();
  const layout = buildNodeLayout(nodes, table);
  const uplink = leafSpineUplink(nodes, options);
  const { first, up, down } = attachNics(nodes, table, (i) => `leaf${Math.floor(i / nodesPerLeaf)}`);
  const { nicOfRank } = layout;
  // Indexed leaf * spines + spine, in both directions.
  const toSpine = new Int32Array(leaves * spines);
  const fromSpine = new Int32Array(leaves * spines);
  for (let l = 0; l < leaves; l++) {
    for (let s = 0; s < spines; s++) {
      [toSpine[l * spines + s], fromSpine[l * spines + s]] = table.addAttachment(
        `leaf${l}`,
        `spine${s}`,
        uplink,
        'fabric',
      );
    }
  }
  return routedTopology('leaf-spine', layout, table.links, (sn, dn, src, dst) => {
    const sl = Math.floor(sn / nodesPerLeaf);
    const dl = Math.floor(dn / nodesPerLeaf);
    const nicUp = up[first[sn]! + nicOfRank[src]!]!;
    const nicDown = down[first[dn]! + nicOfRank[dst]!]!;
    if (sl === dl) return [nicUp, nicDown];
    const s = ecmpChoice(src, dst, spines);
    return [nicUp, toSpine[sl * spines + s]!, fromSpine[dl * spines + s]!, nicDown];
  });
}
