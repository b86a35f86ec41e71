/**
 * The α-β link figures `dtsim fit` ranks candidates with before it simulates the best of them
 * (docs/fit.md): a GPU's link inside its node, and its share of the node's NICs across nodes, and the
 * ring all-reduce's closed form on one of them (2(n − 1) steps of α plus 2(n − 1)/n of the bytes at
 * the bottleneck bandwidth; Patarasuk & Yuan 2009, spec §2). These are estimates for ranking only;
 * the simulated rows come from the run's own network and collective models.
 */
import type { ClusterNode } from '../hardware/cluster.ts';

/** One link in the α-β model. */
export interface AlphaBeta {
  readonly latencyS: number;
  readonly bandwidthBytesPerS: number;
}

/** The links of a cluster as one GPU sees them (node 0's, the first group's). */
export interface FitLinks {
  /** To another GPU of its node. */
  readonly intra: AlphaBeta;
  /**
   * To a GPU of another node when every GPU of the node talks across nodes at once (3-D parallelism's
   * concurrent data-parallel groups): intra-node α plus the NIC's, and the GPU's share of the node's NICs.
   */
  readonly inter: AlphaBeta;
  /**
   * Across nodes for one collective over all GPUs (data parallelism, ZeRO): the node's NICs all
   * serve it, one ring per NIC as NCCL's channels run, capped by the intra-node link.
   */
  readonly interWhole: AlphaBeta;
  /** GPUs per node. */
  readonly gpusPerNode: number;
}

/** The links of `nodes[0]` (see the file header). */
export function fitLinks(nodes: readonly ClusterNode[]): FitLinks {
  const n = nodes[0]!;
  const nics = n.nic.count ?? 1;
  return {
    intra: { latencyS: n.intraNode.latency as number, bandwidthBytesPerS: n.intraNode.bandwidth as number },
    inter: {
      latencyS: (n.intraNode.latency as number) + (n.nic.latency as number),
      bandwidthBytesPerS: Math.min(
        n.intraNode.bandwidth as number,
        ((n.nic.bandwidth as number) * Math.min(nics, n.gpus)) / n.gpus,
      ),
    },
    interWhole: {
      latencyS: (n.intraNode.latency as number) + (n.nic.latency as number),
      bandwidthBytesPerS: Math.min(n.intraNode.bandwidth as number, (n.nic.bandwidth as number) * nics),
    },
    gpusPerNode: n.gpus,
  };
}

/**
 * Seconds of a ring all-reduce of `bytes` per GPU among `ranks` GPUs on `link`: 2(n − 1)α +
 * 2(n − 1)/n · bytes / B; 0 for one rank.
 */
export function ringAllReduceS(bytes: number, ranks: number, link: AlphaBeta): number {
  if (ranks <= 1) return 0;
  return 2 * (ranks - 1) * link.latencyS + ((2 * (ranks - 1)) / ranks) * (bytes / link.bandwidthBytesPerS);
}

/**
 * The link a group spanning `span` consecutive GPU ranks crosses: inside one node, or across nodes
 * (`whole`: the group is the only one using the NICs; otherwise every GPU's group shares them).
 */
export function linkForSpan(links: FitLinks, span: number, whole = false): AlphaBeta {
  if (span <= links.gpusPerNode) return links.intra;
  return whole ? links.interWhole : links.inter;
}
