/**
 * The part every topology shares: ranks numbered node-major (node 0's GPUs first), and inside each node
 * one up and one down link per GPU to the node's internal switch (NVSwitch, or the PCIe root), built
 * from the node's `intraNode` spec with tier `intra`; and which of its node's NICs each GPU uses.
 */
import { nicOfGpu } from '../hardware/link-spec.ts';
import type { NodeLinks } from '../hardware/link-spec.ts';
import { checkLinkSpec } from './link-table.ts';
import type { LinkTable } from './link-table.ts';

/** Rank bookkeeping and the per-GPU links of a cluster. */
export interface NodeLayout {
  /** Number of GPUs (ranks). */
  readonly ranks: number;
  /** Number of nodes. */
  readonly nodes: number;
  /** Node index of each rank. */
  readonly nodeOfRank: Int32Array;
  /** First rank of each node; entry `nodes` is `ranks`, so node n holds ranks firstRank[n]..firstRank[n+1]−1. */
  readonly firstRank: Int32Array;
  /** Per rank: id of the link `nodeX.gpuY->nodeX.nvswitch`. */
  readonly gpuUp: Int32Array;
  /** Per rank: id of the link `nodeX.nvswitch->nodeX.gpuY`. */
  readonly gpuDown: Int32Array;
  /** Per rank: the index, inside its node, of the NIC it uses (`nicOfGpu`); all 0 with one NIC a node. */
  readonly nicOfRank: Int32Array;
}

/**
 * Validates `nodes` and adds every GPU's intra-node links to `table`.
 * @throws RangeError for an empty cluster, a GPU count that is not a positive integer, a bad spec, or a
 *   NIC count that is not an integer in 1..gpus.
 */
export function buildNodeLayout(nodes: readonly NodeLinks[], table: LinkTable): NodeLayout {
  if (nodes.length === 0) throw new RangeError('a topology needs at least one node');
  let ranks = 0;
  nodes.forEach((n, i) => {
    if (!Number.isInteger(n.gpus) || n.gpus < 1) {
      throw new RangeError(`nodes[${i}].gpus must be a positive integer, got ${String(n.gpus)}`);
    }
    checkLinkSpec(n.intraNode, `nodes[${i}].intraNode`);
    checkLinkSpec(n.nic, `nodes[${i}].nic`);
    const count = n.nic.count ?? 1;
    // More NICs than GPUs is refused: with each GPU on one NIC, the extra NICs would carry nothing.
    if (!Number.isInteger(count) || count < 1 || count > n.gpus) {
      throw new RangeError(
        `nodes[${i}].nic.count must be an integer in 1..${n.gpus} (the node's GPUs), got ${String(count)}`,
      );
    }
    ranks += n.gpus;
  });
  const nodeOfRank = new Int32Array(ranks);
  const firstRank = new Int32Array(nodes.length + 1);
  const gpuUp = new Int32Array(ranks);
  const gpuDown = new Int32Array(ranks);
  const nicOfRank = new Int32Array(ranks);
  let r = 0;
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]!;
    firstRank[n] = r;
    for (let g = 0; g < node.gpus; g++, r++) {
      nodeOfRank[r] = n;
      const [up, down] = table.addAttachment(`node${n}.gpu${g}`, `node${n}.nvswitch`, node.intraNode, 'intra');
      gpuUp[r] = up;
      gpuDown[r] = down;
      nicOfRank[r] = nicOfGpu(node, g);
    }
  }
  firstRank[nodes.length] = ranks;
  return { ranks, nodes: nodes.length, nodeOfRank, firstRank, gpuUp, gpuDown, nicOfRank };
}
