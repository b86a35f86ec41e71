/**
 * Direct all-to-all: every rank sends n/N to every other rank at once, one phase of N(N−1) transfers.
 * A rank's NIC carries (N−1)/N·n out and in, so on homogeneous links T = α + (N−1)/N·n·β — the
 * analytical pricer sees the N−1 messages sharing each rank's link. O(N²) transfers: meant for
 * groups of up to a few thousand ranks.
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase } from './types.ts';
import { requireOp } from './phases.ts';

function pairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) out.push([i, j]);
  return out;
}

/** Direct (all pairs at once) all-to-all. */
export const direct: CollectiveAlgorithm = {
  name: 'direct',
  summary: 'direct all-to-all: every rank sends n/N to every other rank in one phase',
  ops: ['all-to-all'],
  validate(request) {
    requireOp(this, request);
    if (request.servers.length > 0) throw new Error('the direct algorithm takes no parameter servers');
  },
  phases(request: CollectiveRequest): Phase[] {
    const n = request.group.length;
    if (n < 2) return [];
    return [pairs(n).map(([src, dst]) => ({ src, dst, bytes: request.sizeBytes / n }))];
  },
  analyticalTime(request, pricer) {
    const n = request.group.length;
    if (n < 2) return 0;
    return pricer.uniformPhaseTime(request, 'a2a', () => pairs(n), request.sizeBytes / n);
  },
  bytesSent(request) {
    const n = request.group.length;
    return new Float64Array(n).fill(n < 2 ? 0 : ((n - 1) * request.sizeBytes) / n);
  },
};
