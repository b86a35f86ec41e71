/**
 * Synchronous parameter-server all-reduce (push then pull; Li et al. 2014), with k shards. Each
 * worker pushes n/k to every shard; once every push has landed, every shard sends its n/k back to
 * every worker. Shards sit on dedicated ranks (`servers`) or, by default, on the group's first k
 * ranks (a co-located shard's own share is a local copy). On homogeneous links (spec §1.6, F12):
 * T = 2[α + max(n/B_w, N·n/(k·B_s))]; with k = 1 a dedicated server receives N·n per step (F25,
 * incast), and with k = N co-located shards each rank sends 2(N−1)/N·n, like a ring.
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase, PhaseTransfer } from './types.ts';
import { phaseBased, requireOp } from './phases.ts';

/** Endpoint index of shard s: a dedicated server after the group, or group member s. */
function shardIndex(request: CollectiveRequest, s: number): number {
  return request.servers.length > 0 ? request.group.length + s : s;
}

function psPhases(request: CollectiveRequest): Phase[] {
  const n = request.group.length;
  const k = request.shards;
  const share = request.sizeBytes / k;
  const push: PhaseTransfer[] = [];
  const pull: PhaseTransfer[] = [];
  for (let w = 0; w < n; w++) {
    for (let s = 0; s < k; s++) {
      const server = shardIndex(request, s);
      push.push({ src: w, dst: server, bytes: share });
      pull.push({ src: server, dst: w, bytes: share });
    }
  }
  return [push, pull];
}

/** Parameter-server push/pull all-reduce with k shards. */
export const parameterServer: CollectiveAlgorithm = {
  name: 'parameter-server',
  summary: 'parameter server, k shards: push n/k to each shard, then pull it back (incast when k is small)',
  ops: ['all-reduce'],
  validate(request) {
    requireOp(this, request);
    const k = request.shards;
    if (!Number.isInteger(k) || k < 1) throw new Error(`parameter-server shards must be an integer >= 1, got ${k}`);
    if (request.servers.length > 0 && request.servers.length !== k) {
      throw new Error(
        `parameter-server got ${request.servers.length} server ranks for ${k} shards; give one rank per shard`,
      );
    }
    if (request.servers.length === 0 && k > request.group.length) {
      throw new Error(
        `co-located parameter-server shards (${k}) cannot outnumber the group (${request.group.length} ranks)`,
      );
    }
  },
  ...phaseBased(psPhases),
};
