/**
 * Helpers every algorithm shares: summing phase prices, counting bytes sent per rank, and the
 * validation messages that should read the same for every algorithm.
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase, PhasePricer } from './types.ts';

/** Sum of the analytical prices of `phases` (the reference every closed form must equal). */
export function priceOfPhases(request: CollectiveRequest, phases: readonly Phase[], pricer: PhasePricer): number {
  let t = 0;
  for (const p of phases) t += pricer.phaseTime(request, p);
  return t;
}

/**
 * Bytes each group member sends over the network in `phases`. A transfer between two group members
 * that are the same global rank is a local copy and counts nothing.
 */
export function bytesSentByPhases(request: CollectiveRequest, phases: readonly Phase[]): Float64Array {
  const out = new Float64Array(endpointCount(request));
  for (const p of phases) {
    for (const t of p) if (rankAt(request, t.src) !== rankAt(request, t.dst)) out[t.src]! += t.bytes;
  }
  return out;
}

/**
 * The three members of an algorithm that has no closed form of its own: its phases, their summed
 * analytical price, and the bytes they send. Spread into the algorithm object.
 */
export function phaseBased(
  phases: (request: CollectiveRequest) => Phase[],
): Pick<CollectiveAlgorithm, 'phases' | 'analyticalTime' | 'bytesSent'> {
  return {
    phases,
    analyticalTime: (request, pricer) => priceOfPhases(request, phases(request), pricer),
    bytesSent: (request) => bytesSentByPhases(request, phases(request)),
  };
}

/** Throws unless `algo` implements `request.op`, naming the operations it does implement. */
export function requireOp(algo: Pick<CollectiveAlgorithm, 'name' | 'ops'>, request: CollectiveRequest): void {
  if (!algo.ops.includes(request.op)) {
    throw new Error(
      `collective algorithm '${algo.name}' does not implement ${request.op}; it implements ${algo.ops.join(', ')}`,
    );
  }
  if (request.group.length < 1) throw new Error('a collective needs a group of at least one rank');
}

/** ⌈log₂ n⌉ for n ≥ 1, by integer doubling so that it is exact. */
export function ceilLog2(n: number): number {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}

/**
 * The global rank behind an endpoint index: indices below the group size are group members, the
 * rest are dedicated parameter-server ranks (`request.servers`), which only the PS algorithm uses.
 */
export function rankAt(request: CollectiveRequest, index: number): number {
  const n = request.group.length;
  const r = index < n ? request.group[index] : request.servers[index - n];
  if (r === undefined) throw new RangeError(`endpoint index ${index} is outside the group and its servers`);
  return r;
}

/** Number of endpoints a request's phases may name: the group plus any dedicated servers. */
export function endpointCount(request: CollectiveRequest): number {
  return request.group.length + request.servers.length;
}

/**
 * Bytes of one pipeline chunk under a protocol: NCCL's default buffer of 4 MiB per channel is split
 * into 8 steps (NCCL_BUFFSIZE, NCCL_STEPS), so a step moves at most 512 KiB and a message smaller
 * than that is one chunk.
 */
export const PIPELINE_CHUNK_BYTES = 512 * 1024;

/**
 * The chunks a pipelined algorithm (double binary tree, ring broadcast) cuts a message into: the
 * request's `chunks`, but under a protocol never more than the message has 512 KiB pieces (at least
 * one), since NCCL pipelines whole buffer steps and a small message pays each chunk's step latency
 * for nothing. Without a protocol (the plain α-β model) it is `chunks` as given.
 */
export function pipelineChunks(request: CollectiveRequest): number {
  if (request.protocol === undefined) return request.chunks;
  return Math.max(1, Math.min(request.chunks, Math.ceil(request.sizeBytes / PIPELINE_CHUNK_BYTES)));
}
