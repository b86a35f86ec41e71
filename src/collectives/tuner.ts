/**
 * Resolving a collective's protocol, and `auto`: NCCL's tuner picks, for each call, the algorithm and
 * protocol with the lowest time its cost model predicts (`ncclTopoGetAlgoTime` in tuning.cc). dtsim
 * does the same with its own analytical price of each candidate on the call's topology, so the choice
 * follows the cluster: LL or a tree for small messages, Simple on a ring for large ones.
 *
 * The candidates are NCCL's: ring and double binary tree for all-reduce, ring for reduce-scatter,
 * all-gather and broadcast, and the direct exchange for all-to-all (NCCL's send/receive pairs); each
 * with LL, LL128 and Simple. LL128 is a candidate only when every intra-node link of the group is
 * NVLink, as NCCL enables it by default only there. Ties go to the earlier candidate, in the order
 * above, so the choice is deterministic.
 */
import type { AnalyticalPricer } from './cost-model.ts';
import { PROTOCOLS, protocolCosts } from './protocols.ts';
import type { LatencyClass, Protocol, ProtocolCosts } from './protocols.ts';
import type { CollectiveAlgorithm, CollectiveOp, CollectiveRequest } from './types.ts';

/** Algorithm names `auto` chooses among, per operation, in tie-break order. */
export const AUTO_CANDIDATES: Readonly<Record<CollectiveOp, readonly string[]>> = Object.freeze({
  'all-reduce': ['ring', 'double-binary-tree'],
  'reduce-scatter': ['ring'],
  'all-gather': ['ring'],
  broadcast: ['ring'],
  'all-to-all': ['direct'],
});

/** Which of tuning.cc's rows prices `algo`: tree-shaped algorithms use the tree row, the rest the ring row. */
export function latencyClassOf(algo: Pick<CollectiveAlgorithm, 'name'>): LatencyClass {
  return algo.name === 'double-binary-tree' || algo.name === 'binomial-tree' ? 'tree' : 'ring';
}

/** Nodes a group spans and the most members on one node. */
function spread(request: CollectiveRequest): { nodes: number; perNode: number } {
  const count = new Map<number, number>();
  for (const r of request.group) {
    const n = request.topology.nodeOf(r);
    count.set(n, (count.get(n) ?? 0) + 1);
  }
  let most = 0;
  for (const c of count.values()) most = Math.max(most, c);
  return { nodes: count.size, perNode: most };
}

/** The protocol costs of `protocol` for `algo` on `request`, with `launchS` per call. */
export function costsFor(
  protocol: Protocol,
  algo: Pick<CollectiveAlgorithm, 'name'>,
  request: CollectiveRequest,
  launchS: number,
): ProtocolCosts {
  const { nodes, perNode } = spread(request);
  return protocolCosts(protocol, {
    latencyClass: latencyClassOf(algo),
    allReduce: request.op === 'all-reduce',
    nodes,
    perNode,
    launchS,
  });
}

/** Whether NCCL would enable LL128 for the group: every intra-node link on its routes is NVLink. */
export function ll128Allowed(request: CollectiveRequest): boolean {
  const t = request.topology;
  const seen = new Set<number>();
  for (const r of request.group) {
    const node = t.nodeOf(r);
    if (seen.has(node)) continue;
    seen.add(node);
    const peers = t.ranksOf(node);
    const other = peers.find((p) => p !== r);
    if (other === undefined) continue;
    for (const l of t.route(r, other)) if (t.links[l]!.kind === 'pcie') return false;
  }
  return true;
}

/** A choice `auto` made, and the time it predicted. */
export interface TunedChoice {
  readonly algo: CollectiveAlgorithm;
  /** The protocol chosen, or undefined when tuning on the plain α-β model. */
  readonly protocol: ProtocolCosts | undefined;
  readonly predictedS: number;
}

/**
 * The fastest (algorithm, protocol) for `request` by the analytical price (see the file comment).
 * `algorithms` restricts the candidates (one named algorithm with `protocol: auto`); `protocols`
 * restricts the protocols (one named protocol with `algorithm: auto`), and `'none'` prices every
 * candidate on the plain α-β model (a run with `protocol: none`). Candidates that cannot run the
 * request (their `validate` throws) are skipped; ties go to the earlier candidate.
 * @throws Error when no candidate can run it, with the first candidate's reason.
 */
export function tune(
  request: CollectiveRequest,
  algorithms: readonly CollectiveAlgorithm[],
  protocols: readonly Protocol[] | 'none',
  pricer: AnalyticalPricer,
  launchS: number,
): TunedChoice {
  let best: TunedChoice | null = null;
  let firstError: unknown = null;
  const ll128 = ll128Allowed(request);
  const consider = (algo: CollectiveAlgorithm, protocol: ProtocolCosts | undefined): void => {
    const t =
      protocol === undefined
        ? algo.analyticalTime(request, pricer)
        : protocol.callS + algo.analyticalTime({ ...request, protocol }, pricer);
    if (best === null || t < best.predictedS) best = { algo, protocol, predictedS: t };
  };
  for (const algo of algorithms) {
    try {
      algo.validate(request);
    } catch (e) {
      firstError ??= e;
      continue;
    }
    if (protocols === 'none') {
      consider(algo, undefined);
      continue;
    }
    for (const p of PROTOCOLS) {
      if (!protocols.includes(p) || (p === 'll128' && !ll128 && protocols.length > 1)) continue;
      consider(algo, costsFor(p, algo, request, launchS));
    }
  }
  if (best === null) throw firstError instanceof Error ? firstError : new Error('no algorithm can run this collective');
  return best;
}
