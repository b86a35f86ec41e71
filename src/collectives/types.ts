/**
 * The shared vocabulary of the collective layer. An algorithm describes a collective as lock-step
 * phases of point-to-point transfers between group members (local indices 0..N−1); the communicator
 * maps them to global ranks and either plays them on a `flow` network model (a phase ends when all of
 * its transfers end) or prices them in closed form on an `analytical` one.
 */
import type { Topology } from '../network/types.ts';
import type { ProtocolCosts } from './protocols.ts';

/** The collective operations dtsim knows. */
export type CollectiveOp = 'all-reduce' | 'reduce-scatter' | 'all-gather' | 'broadcast' | 'all-to-all';

/** Every collective operation, in the order the CLI lists them. */
export const COLLECTIVE_OPS: readonly CollectiveOp[] = [
  'all-reduce',
  'reduce-scatter',
  'all-gather',
  'broadcast',
  'all-to-all',
];

/** One point-to-point message inside a phase, between group-local indices. */
export interface PhaseTransfer {
  /** Sender, as an index into the group. */
  readonly src: number;
  /** Receiver, as an index into the group. */
  readonly dst: number;
  /** Bytes carried (may be fractional: chunks are n/N exactly, so closed forms match to rounding). */
  readonly bytes: number;
}

/** A lock-step phase: its transfers start together and the phase ends when the last one ends. */
export type Phase = readonly PhaseTransfer[];

/** What an algorithm is asked to do: one collective on one group. */
export interface CollectiveRequest {
  readonly op: CollectiveOp;
  /** Global ranks of the group members; index i of the group is local rank i. */
  readonly group: readonly number[];
  /**
   * Bytes of the logical buffer `n`: the vector being reduced (all-reduce, reduce-scatter input),
   * the gathered result (all-gather), the broadcast buffer, or each rank's full send buffer
   * (all-to-all: n/N to every peer). Same convention as nccl-tests' `size`.
   */
  readonly sizeBytes: number;
  /** Broadcast root, as a group index (default 0). */
  readonly root: number;
  /** Pipeline chunks for chunked algorithms (double binary tree, ring broadcast). */
  readonly chunks: number;
  /** Ring channels (ring.ts `ringChannels`); absent: chosen from the NICs the group uses. */
  readonly channels?: number;
  /** Parameter-server shard count k. */
  readonly shards: number;
  /** Parameter-server shard locations (global ranks); empty means co-located on group[0..k−1]. */
  readonly servers: readonly number[];
  /** The topology, for algorithms that need node structure (hierarchical). */
  readonly topology: Topology;
  /**
   * The NCCL protocol the collective moves data with, resolved for its algorithm and group
   * (protocols.ts): per-step latency and bandwidth factor, applied by the pricer and the flow path.
   * Absent: the plain α-β model (what an algorithm's own closed-form tests price).
   */
  readonly protocol?: ProtocolCosts;
}

/** Prices phases on the analytical model (see cost-model.ts). */
export interface PhasePricer {
  /** Time of one lock-step phase given in group-local indices. */
  phaseTime(request: CollectiveRequest, phase: Phase): number;
  /**
   * Time of a phase whose transfers all carry `bytes`, with the pairs given once and cached under
   * `key` (so a ring over 16,384 ranks routes its hops once, not at every call).
   */
  uniformPhaseTime(
    request: CollectiveRequest,
    key: string,
    pairs: () => readonly (readonly [number, number])[],
    bytes: number,
  ): number;
}

/** A collective algorithm: its step schedule, its analytical cost, and the bytes each rank sends. */
export interface CollectiveAlgorithm {
  /** Registry name, kebab-case (`ring`, `halving-doubling`, ...). */
  readonly name: string;
  /** One line for `dtsim list collectives` and `--help`. */
  readonly summary: string;
  /** Operations this algorithm implements. */
  readonly ops: readonly CollectiveOp[];
  /**
   * Throws a clear Error when the algorithm cannot run this request (unsupported op, group size not
   * a power of two, uneven nodes, ...). Called before anything is scheduled.
   */
  validate(request: CollectiveRequest): void;
  /** The lock-step phases, in order (used on the `flow` model and as the analytical reference). */
  phases(request: CollectiveRequest): Phase[];
  /**
   * Closed-form time on the analytical model. Must equal the sum of `pricer.phaseTime` over
   * `phases(request)`; algorithms with a regular structure compute it without listing the phases.
   */
  analyticalTime(request: CollectiveRequest, pricer: PhasePricer): number;
  /** Bytes each group member sends over the network (index = group index). */
  bytesSent(request: CollectiveRequest): Float64Array;
}
