/**
 * Ring collectives (Patarasuk & Yuan 2009; NCCL's ring). Ranks form a ring in group order; at every
 * step each rank sends one chunk of n/N to its successor, all in lock step.
 * - all-reduce = reduce-scatter (N−1 steps) + all-gather (N−1 steps):
 *   T = 2(N−1)·max_hop(α_hop + (n/N)·β_hop), which is 2(N−1)α + 2(N−1)/N·n/B on homogeneous links
 *   (spec §1.1, F9); each rank sends 2(N−1)/N·n bytes (F24).
 * - reduce-scatter, all-gather: N−1 steps, (N−1)/N·n per rank (spec §1.5).
 * - With C channels (NCCL's; `ringChannels`) every step runs C rings side by side, each on n/(C·N).
 * - broadcast: a pipelined chain from the root through the ring, the buffer cut into C chunks:
 *   N+C−2 steps of α + (n/C)·β (NCCL's ring broadcast; bus bandwidth → B as C grows).
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase, PhasePricer } from './types.ts';
import { bytesSentByPhases, pipelineChunks, priceOfPhases, requireOp } from './phases.ts';
import { nodeLayout } from './hierarchical.ts';

function ringPairs(n: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) pairs.push([i, (i + 1) % n]);
  return pairs;
}

/**
 * Channels of a ring (NCCL's): C rings over the same ranks, each carrying n/C. They matter between
 * nodes with several NICs: channel c enters every node at a different GPU, so its node-to-node hops
 * use a different NIC (its own rail on a rail fabric), and C channels use C NICs at once where one
 * ring would push everything through one. The request's `channels` if given; otherwise, under a
 * protocol, as many as the NICs the group's members use on the node that uses fewest (one channel on
 * one node, where every rotation of the ring has the same hops); without a protocol, one.
 */
export function ringChannels(request: CollectiveRequest): number {
  if (request.channels !== undefined) return request.channels;
  if (request.protocol === undefined || request.topology.nicOf === undefined) return 1;
  const layout = nodeLayout(request);
  if (layout.length < 2) return 1;
  let fewest = Infinity;
  for (const members of layout) {
    const nics = new Set(members.map((i) => request.topology.nicOf!(request.group[i]!)));
    fewest = Math.min(fewest, nics.size);
  }
  return Math.max(1, fewest);
}

/**
 * The (src, dst) group-index pairs of one step over every channel. One channel is the ring in group
 * order. With C > 1, channel c visits the nodes in order of first appearance and, inside node m, its
 * members from the ⌊c·g_m/C⌋-th on (g_m members), so it leaves each node from a different GPU and
 * enters the next at a different one.
 */
function channelPairs(request: CollectiveRequest, channels: number): [number, number][] {
  const n = request.group.length;
  if (channels === 1) return ringPairs(n);
  const layout = nodeLayout(request);
  const pairs: [number, number][] = [];
  for (let c = 0; c < channels; c++) {
    const order: number[] = [];
    for (const members of layout) {
      const g = members.length;
      const off = Math.floor((c * g) / channels);
      for (let k = 0; k < g; k++) order.push(members[(off + k) % g]!);
    }
    for (let i = 0; i < n; i++) pairs.push([order[i]!, order[(i + 1) % n]!]);
  }
  return pairs;
}

/** Number of lock-step ring steps of an op (broadcast is chunked and handled apart). */
function ringSteps(request: CollectiveRequest): number {
  const n = request.group.length;
  return request.op === 'all-reduce' ? 2 * (n - 1) : n - 1;
}

function broadcastPhases(request: CollectiveRequest): Phase[] {
  const n = request.group.length;
  const c = pipelineChunks(request);
  const chunk = request.sizeBytes / c;
  const chain = (j: number): number => (request.root + j) % n;
  const phases: Phase[] = [];
  // Hop j (chain[j] → chain[j+1]) forwards chunk p − j at step p: the chain is full after N−1 steps.
  for (let p = 0; p < n + c - 2; p++) {
    const phase = [];
    for (let j = Math.max(0, p - c + 1); j <= Math.min(n - 2, p); j++)
      phase.push({ src: chain(j), dst: chain(j + 1), bytes: chunk });
    phases.push(phase);
  }
  return phases;
}

/** Ring all-reduce, reduce-scatter, all-gather and pipelined-chain broadcast. */
export const ring: CollectiveAlgorithm = {
  name: 'ring',
  summary: 'ring: 2(N−1) lock-step steps of n/N (all-reduce), N−1 (reduce-scatter, all-gather), chained broadcast',
  ops: ['all-reduce', 'reduce-scatter', 'all-gather', 'broadcast'],
  validate(request) {
    requireOp(this, request);
    if (request.servers.length > 0) throw new Error('the ring algorithm takes no parameter servers');
  },
  phases(request) {
    const n = request.group.length;
    if (n < 2) return [];
    if (request.op === 'broadcast') return broadcastPhases(request);
    const c = ringChannels(request);
    const chunk = request.sizeBytes / (c * n);
    const step: Phase = channelPairs(request, c).map(([src, dst]) => ({ src, dst, bytes: chunk }));
    return Array.from({ length: ringSteps(request) }, () => step);
  },
  analyticalTime(request: CollectiveRequest, pricer: PhasePricer) {
    const n = request.group.length;
    if (n < 2) return 0;
    if (request.op === 'broadcast') return priceOfPhases(request, broadcastPhases(request), pricer);
    // Every step has the same hops carrying the same n/N, so one phase price times the step count is
    // the exact sum of the phases, computed in O(1) once the ring's routes are cached.
    const c = ringChannels(request);
    return (
      ringSteps(request) *
      pricer.uniformPhaseTime(
        request,
        c === 1 ? 'ring' : `ring:${c}`,
        () => channelPairs(request, c),
        request.sizeBytes / (c * n),
      )
    );
  },
  bytesSent(request) {
    const n = request.group.length;
    if (request.op === 'broadcast') return bytesSentByPhases(request, broadcastPhases(request));
    return new Float64Array(n).fill(n < 2 ? 0 : (ringSteps(request) * request.sizeBytes) / n);
  },
};
