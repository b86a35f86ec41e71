/**
 * Recursive halving and doubling (Rabenseifner; Thakur, Rabenseifner & Gropp 2005), N a power of two.
 * Reduce-scatter by recursive halving: in round k rank i swaps n/2^(k+1) bytes with i XOR N/2^(k+1).
 * All-gather by recursive doubling: the same rounds in reverse. All-reduce = both:
 * T = 2·log₂N·α + 2(N−1)/N·n·β on homogeneous links (spec §1.3, F10).
 * Other group sizes are rejected: the pairing needs a power of two, and a silent fallback would
 * report a different algorithm's time under this name.
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase, PhasePricer } from './types.ts';
import { ceilLog2, requireOp } from './phases.ts';

interface Round {
  readonly distance: number;
  readonly bytes: number;
}

function rounds(request: CollectiveRequest): Round[] {
  const n = request.group.length;
  const halving: Round[] = [];
  for (let d = n / 2; d >= 1; d /= 2) halving.push({ distance: d, bytes: (request.sizeBytes * d) / n });
  const doubling = [...halving].reverse();
  if (request.op === 'reduce-scatter') return halving;
  if (request.op === 'all-gather') return doubling;
  return [...halving, ...doubling];
}

function pairs(n: number, d: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => [i, i ^ d] as [number, number]);
}

/** Rabenseifner all-reduce, recursive-halving reduce-scatter, recursive-doubling all-gather. */
export const halvingDoubling: CollectiveAlgorithm = {
  name: 'halving-doubling',
  summary: 'recursive halving/doubling (Rabenseifner): 2·log₂N rounds, N a power of two',
  ops: ['all-reduce', 'reduce-scatter', 'all-gather'],
  validate(request) {
    requireOp(this, request);
    const n = request.group.length;
    if (2 ** ceilLog2(n) !== n) {
      throw new Error(`halving-doubling needs a power-of-two group, got ${n} ranks; use ring or hierarchical instead`);
    }
    if (request.servers.length > 0) throw new Error('the halving-doubling algorithm takes no parameter servers');
  },
  phases(request): Phase[] {
    const n = request.group.length;
    return rounds(request).map((r) => pairs(n, r.distance).map(([src, dst]) => ({ src, dst, bytes: r.bytes })));
  },
  analyticalTime(request: CollectiveRequest, pricer: PhasePricer) {
    const n = request.group.length;
    let t = 0;
    for (const r of rounds(request))
      t += pricer.uniformPhaseTime(request, `hd-${r.distance}`, () => pairs(n, r.distance), r.bytes);
    return t;
  },
  bytesSent(request) {
    let perRank = 0;
    for (const r of rounds(request)) perRank += r.bytes;
    return new Float64Array(request.group.length).fill(perRank);
  },
};
