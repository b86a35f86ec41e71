/**
 * Checking a collective call before anything is scheduled, and resolving its algorithm and protocol
 * (named, default, or NCCL's tuner): what the communicator does on each new call, and what the
 * scenario layer does at validation.
 */
import { bytes } from '../core/units.ts';
import type { Topology } from '../network/types.ts';
import { DGX_A100_NCCL_FIT } from './calibration.ts';
import { AnalyticalPricer } from './cost-model.ts';
import { parseProtocol, PROTOCOLS } from './protocols.ts';
import type { Protocol } from './protocols.ts';
import { getCollective } from './registry.ts';
import { AUTO_CANDIDATES, costsFor, tune } from './tuner.ts';
import type { CollectiveAlgorithm, CollectiveOp, CollectiveRequest } from './types.ts';

/** Algorithm choice and its knobs, common to every call. */
export interface CollectiveOptions {
  /**
   * Registry name (default: DEFAULT_ALGORITHM of the op), or `auto`: the algorithm and protocol NCCL's
   * tuner would pick, by lowest predicted time (tuner.ts).
   */
  readonly algorithm?: string;
  /**
   * NCCL protocol (protocols.ts): `simple`, `ll`, `ll128`, or `auto` (the fastest for this call). Default:
   * the communicator's; with neither, the plain α-β model with no protocol costs.
   */
  readonly protocol?: Protocol | 'auto';
  /** Pipeline chunks for double-binary-tree and ring broadcast (default 8). */
  readonly chunks?: number;
  /** Ring channels (default: one per NIC the group's nodes use, under a protocol; else 1). */
  readonly channels?: number;
  /** Parameter-server shards k (default 1). */
  readonly shards?: number;
  /** Dedicated parameter-server ranks, one per shard (default: co-located on the group's first k). */
  readonly servers?: readonly number[];
}

/**
 * The default launch overhead per call, seconds. Calibrated with the dgx-a100 preset's NVLink on the
 * 8×A100 NCCL all-reduce measurements (calibration.ts, docs/validation.md "Collective calibration").
 */
export const DEFAULT_LAUNCH_S = DGX_A100_NCCL_FIT.launchS;

function collectiveRequest(
  topology: Topology,
  op: CollectiveOp,
  group: readonly number[],
  sizeBytes: number,
  opts: CollectiveOptions & { root?: number },
): CollectiveRequest {
  if (group.length === 0) throw new Error('a collective needs a group of at least one rank');
  // A byte mask rather than a Set: this runs on every call, and groups can hold 16,384 ranks.
  const seen = new Uint8Array(topology.ranks);
  const check = (r: number): void => {
    if (!Number.isInteger(r) || r < 0 || r >= topology.ranks)
      throw new Error(`rank ${r} is not in the topology (0..${topology.ranks - 1})`);
    if (seen[r] === 1) throw new Error(`rank ${r} appears twice in the group or its servers`);
    seen[r] = 1;
  };
  for (let i = 0; i < group.length; i++) check(group[i]!);
  for (const r of opts.servers ?? []) check(r);
  bytes(sizeBytes);
  const root = opts.root ?? 0;
  if (!Number.isInteger(root) || root < 0 || root >= group.length)
    throw new Error(`root must be a group index in 0..${group.length - 1}, got ${root}`);
  const chunks = opts.chunks ?? 8;
  if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`chunks must be an integer >= 1, got ${chunks}`);
  const channels = opts.channels;
  if (channels !== undefined && (!Number.isInteger(channels) || channels < 1))
    throw new Error(`channels must be an integer >= 1, got ${channels}`);
  return {
    op,
    group,
    sizeBytes,
    root,
    chunks,
    shards: opts.shards ?? 1,
    servers: opts.servers ?? [],
    topology,
    ...(channels === undefined ? {} : { channels }),
  };
}

/**
 * The checks `Communicator.run` makes before it schedules anything, without a simulator: the request
 * is well formed and the algorithm can run it on `topology` (a power-of-two group for
 * halving-doubling, even nodes for hierarchical, ...). The scenario layer calls it at validation.
 * @throws Error saying why the collective cannot run.
 */
export function checkCollective(
  topology: Topology,
  op: CollectiveOp,
  group: readonly number[],
  sizeBytes: number,
  opts: CollectiveOptions & { root?: number } = {},
  costs: { readonly launchS?: number; readonly pricer?: AnalyticalPricer } = {},
): { request: CollectiveRequest; algo: CollectiveAlgorithm } {
  const request = collectiveRequest(topology, op, group, sizeBytes, opts);
  const launchS = costs.launchS ?? DEFAULT_LAUNCH_S;
  const protocol = opts.protocol === undefined ? undefined : parseProtocol(opts.protocol);
  if (opts.algorithm === 'auto' || protocol === 'auto') {
    const algorithms =
      opts.algorithm === 'auto'
        ? AUTO_CANDIDATES[op].map((n) => getCollective(op, n))
        : [getCollective(op, opts.algorithm)];
    const pricer = costs.pricer ?? new AnalyticalPricer(topology);
    // `algorithm: auto` on the plain α-β model (no protocol): the fastest algorithm by that model.
    const protocols = protocol === undefined ? 'none' : protocol === 'auto' ? PROTOCOLS : [protocol];
    const best = tune(request, algorithms, protocols, pricer, launchS);
    return {
      request: best.protocol === undefined ? request : { ...request, protocol: best.protocol },
      algo: best.algo,
    };
  }
  const algo = getCollective(op, opts.algorithm);
  algo.validate(request);
  if (protocol === undefined) return { request, algo };
  return { request: { ...request, protocol: costsFor(protocol, algo, request, launchS) }, algo };
}
