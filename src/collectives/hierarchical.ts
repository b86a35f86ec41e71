/**
 * Hierarchical (2-level) all-reduce (spec §1.4; NCCL's intra/inter split, Horovod hierarchical):
 * an intra-node ring reduce-scatter (each GPU ends with n/G reduced), G concurrent inter-node ring
 * all-reduces of n/G among the M nodes (GPU j of every node with GPU j of the others), then an
 * intra-node ring all-gather. On homogeneous links, with the G inter-node rings sharing one NIC:
 * T = 2[(G−1)α_in + (G−1)/G·n·β_in] + 2(M−1)α_out + 2(M−1)/M·n·β_NIC (F13).
 * Every node of the group must hold the same number G of group members.
 *
 * Under a protocol (the NCCL-like model) the three stages overlap chunk by chunk, as NCCL pipelines
 * its steps: the buffer is cut into K pipeline chunks (`pipelineChunks`), and in slot t the
 * reduce-scatter works on chunk t, the inter-node all-reduce on chunk t − 1 and the all-gather on
 * chunk t − 2, side by side, sharing the links they both cross. A slot is max(G − 1, 2(M − 1)) lock-step
 * sub-phases (a stage with fewer steps idles after them), and K + 2 slots drain the pipeline. Without
 * a protocol it is the back-to-back form above, the spec's closed form.
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase, PhasePricer, PhaseTransfer } from './types.ts';
import { pipelineChunks, requireOp } from './phases.ts';

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
    if (request.protocol !== undefined) return pipelined(request).phases;
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
    if (request.protocol !== undefined) {
      // The pipelined sub-phases come in at most 7 kinds (which stages are active); each is priced once.
      const { phases, kinds } = pipelined(request);
      const price = new Map<number, number>();
      let t = 0;
      phases.forEach((phase, i) => {
        const k = kinds[i]!;
        let p = price.get(k);
        if (p === undefined) price.set(k, (p = pricer.phaseTime(request, phase)));
        t += p;
      });
      return t;
    }
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

/**
 * The overlapped schedule (see the file comment): its sub-phases in order, and for each a kind, the
 * bit set of the stages active in it (1 reduce-scatter, 2 inter-node, 4 all-gather), so that equal
 * kinds, which are equal phases, are priced once.
 */
function pipelined(request: CollectiveRequest): { phases: Phase[]; kinds: number[] } {
  const { layout, g, m } = shape(request);
  const k = pipelineChunks(request);
  const chunk = request.sizeBytes / k;
  const intra = g < 2 ? [] : intraPairs(layout, g).map(([src, dst]) => ({ src, dst, bytes: chunk / g }));
  const inter = m < 2 ? [] : interPairs(layout, g, m).map(([src, dst]) => ({ src, dst, bytes: chunk / (g * m) }));
  const intraSteps = g - 1;
  const interSteps = m < 2 ? 0 : 2 * (m - 1);
  const built = new Map<number, Phase>();
  const phases: Phase[] = [];
  const kinds: number[] = [];
  for (let t = 0; t < k + 2; t++) {
    const rs = t < k;
    const ar = t >= 1 && t - 1 < k;
    const ag = t >= 2;
    const steps = Math.max(rs || ag ? intraSteps : 0, ar ? interSteps : 0);
    for (let j = 0; j < steps; j++) {
      const kind = (rs && j < intraSteps ? 1 : 0) | (ar && j < interSteps ? 2 : 0) | (ag && j < intraSteps ? 4 : 0);
      if (kind === 0) continue;
      let phase = built.get(kind);
      if (phase === undefined) {
        const out: PhaseTransfer[] = [];
        if (kind & 1) out.push(...intra);
        if (kind & 2) out.push(...inter);
        if (kind & 4) out.push(...intra);
        built.set(kind, (phase = out));
      }
      phases.push(phase);
      kinds.push(kind);
    }
  }
  return { phases, kinds };
}
