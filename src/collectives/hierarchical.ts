/**
 * Hierarchical (2-level) all-reduce (spec §1.4; NCCL's intra/inter split, Horovod hierarchical):
 * an intra-node ring reduce-scatter (each GPU ends with n/G reduced), G concurrent inter-node ring
 * all-reduces of n/G among the M nodes (GPU j of every node with GPU j of the others), then an
 * intra-node ring all-gather. On homogeneous links, with the G inter-node rings sharing one NIC:
 * T = 2[(G−1)α_in + (G−1)/G·n·β_in] + 2(M−1)α_out + 2(M−1)/M·n·β_NIC (F13).
 * Every node of the group must hold the same number G of group members.
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase, PhasePricer } from './types.ts';
import { requireOp } from './phases.ts';

/** Group indices per node, nodes in order of first appearance: layout[m][j] is GPU j of node m. */
export function nodeLayout(request: CollectiveRequest): number[][] {
  const byNode = new Map<number, number[]>();
  request.group.forEach((rank, i) => {
    const node = request.topology.nodeOf(rank);
    const list = byNode.get(node);
    if (list === undefined) byNode.set(node, [i]);
    else list.push(i);
  });
  return [...byNode.values()];
}

function shape(request: CollectiveRequest): { layout: number[][]; g: number; m: number } {
  const layout = nodeLayout(request);
  return { layout, g: layout[0]?.length ?? 0, m: layout.length };
}

function intraPairs(layout: number[][], g: number): [number, number][] {
  return layout.flatMap((node) => node.map((src, j) => [src, node[(j + 1) % g]!] as [number, number]));
}

function interPairs(layout: number[][], g: number, m: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let j = 0; j < g; j++) for (let k = 0; k < m; k++) pairs.push([layout[k]![j]!, layout[(k + 1) % m]![j]!]);
  return pairs;
}

/** Hierarchical all-reduce: intra-node reduce-scatter, inter-node rings, intra-node all-gather. */
export const hierarchical: CollectiveAlgorithm = {
  name: 'hierarchical',
  summary: 'hierarchical: intra-node ring reduce-scatter, G inter-node rings on n/G, intra-node all-gather',
  ops: ['all-reduce'],
  validate(request) {
    requireOp(this, request);
    if (request.servers.length > 0) throw new Error('the hierarchical algorithm takes no parameter servers');
    const sizes = nodeLayout(request).map((l) => l.length);
    if (sizes.some((s) => s !== sizes[0])) {
      throw new Error(
        `hierarchical all-reduce needs the same number of group members on every node, got ${sizes.join(', ')}`,
      );
    }
  },
  phases(request): Phase[] {
    const { layout, g, m } = shape(request);
    const n = request.sizeBytes;
    const intra: Phase = g < 2 ? [] : intraPairs(layout, g).map(([src, dst]) => ({ src, dst, bytes: n / g }));
    const inter: Phase = m < 2 ? [] : interPairs(layout, g, m).map(([src, dst]) => ({ src, dst, bytes: n / (g * m) }));
    const out: Phase[] = [];
    for (let s = 0; s < g - 1; s++) out.push(intra);
    for (let s = 0; s < 2 * (m - 1); s++) out.push(inter);
    for (let s = 0; s < g - 1; s++) out.push(intra);
    return out;
  },
  analyticalTime(request: CollectiveRequest, pricer: PhasePricer) {
    const { layout, g, m } = shape(request);
    const n = request.sizeBytes;
    let t = 0;
    if (g > 1) t += 2 * (g - 1) * pricer.uniformPhaseTime(request, 'h-intra', () => intraPairs(layout, g), n / g);
    if (m > 1)
      t += 2 * (m - 1) * pricer.uniformPhaseTime(request, 'h-inter', () => interPairs(layout, g, m), n / (g * m));
    return t;
  },
  bytesSent(request) {
    const { g, m } = shape(request);
    const n = request.sizeBytes;
    const perRank = (g > 1 ? (2 * (g - 1) * n) / g : 0) + (m > 1 ? (2 * (m - 1) * n) / (g * m) : 0);
    return new Float64Array(request.group.length).fill(perRank);
  },
};
