/**
 * Binomial-tree collectives, unpipelined (spec §1.2, F11). Reduce: in round k (k = 0..⌈log₂N⌉−1) every
 * rank whose index relative to the root is an odd multiple of 2^k sends the whole buffer to the rank
 * 2^k below it; broadcast runs the rounds in reverse. All-reduce = reduce + broadcast:
 * T = 2⌈log₂N⌉(α + n·β) on homogeneous links.
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase } from './types.ts';
import { ceilLog2, phaseBased, requireOp } from './phases.ts';

function reducePhases(request: CollectiveRequest): Phase[] {
  const n = request.group.length;
  const abs = (rel: number): number => (rel + request.root) % n;
  const phases: Phase[] = [];
  for (let k = 0; k < ceilLog2(n); k++) {
    const d = 2 ** k;
    const phase = [];
    for (let rel = d; rel < n; rel += 2 * d) phase.push({ src: abs(rel), dst: abs(rel - d), bytes: request.sizeBytes });
    phases.push(phase);
  }
  return phases;
}

function broadcastPhases(request: CollectiveRequest): Phase[] {
  return reducePhases(request)
    .reverse()
    .map((p) => p.map((t) => ({ src: t.dst, dst: t.src, bytes: t.bytes })));
}

function allPhases(request: CollectiveRequest): Phase[] {
  if (request.op === 'broadcast') return broadcastPhases(request);
  return [...reducePhases(request), ...broadcastPhases(request)];
}

/** Binomial-tree all-reduce (reduce then broadcast) and broadcast. */
export const binomialTree: CollectiveAlgorithm = {
  name: 'binomial-tree',
  summary: 'binomial tree, unpipelined: 2⌈log₂N⌉ rounds of the whole buffer (all-reduce), ⌈log₂N⌉ (broadcast)',
  ops: ['all-reduce', 'broadcast'],
  validate(request) {
    requireOp(this, request);
    if (request.servers.length > 0) throw new Error('the binomial-tree algorithm takes no parameter servers');
  },
  ...phaseBased(allPhases),
};
