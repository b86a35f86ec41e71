/**
 * The communicator: runs collectives on a network model and moves both time and values.
 * - On an `analytical` model a collective is priced in closed form (see cost-model.ts) and completes
 *   with one timeout, so a 16,384-rank all-reduce costs one event.
 * - On a `fixed` model it takes the model's constant collective time.
 * - On a `flow` model it is played phase by phase as real transfers; a phase ends when all of its
 *   transfers end, so contention with other traffic shows up in the time.
 * Values (when given) are reduced in rank order at the call, independently of the algorithm, so the
 * numbers never depend on which algorithm or network model timed them.
 */
import type { Event } from '../core/events.ts';
import type { ProcessGenerator } from '../core/process.ts';
import type { Simulator } from '../core/simulator.ts';
import { bytes, seconds } from '../core/units.ts';
import type { NetworkModel } from '../network/types.ts';
import type { FixedNetwork } from '../network/fixed-model.ts';
import { AnalyticalPricer } from './cost-model.ts';
import { rankAt } from './phases.ts';
import { concat, reduceInRankOrder, splitEven } from './reduce-values.ts';
import type { ReduceOp } from './reduce-values.ts';
import type { CollectiveAlgorithm, CollectiveOp, CollectiveRequest } from './types.ts';
import { parseProtocol } from './protocols.ts';
import type { Protocol } from './protocols.ts';
import { checkCollective, DEFAULT_LAUNCH_S } from './check-collective.ts';
import type { CollectiveOptions } from './check-collective.ts';

export { checkCollective, DEFAULT_LAUNCH_S } from './check-collective.ts';
export type { CollectiveOptions } from './check-collective.ts';

/** What a finished collective reports. */
export interface CollectiveOutcome<R> {
  readonly op: CollectiveOp;
  readonly algorithm: string;
  /** The protocol it ran with, or undefined on the plain α-β model. */
  readonly protocol: Protocol | undefined;
  /** Simulated time at which it started, and how long it took. */
  readonly startS: number;
  readonly timeS: number;
  /**
   * Bytes each endpoint sent over the network: group members in group order, then dedicated servers.
   * Read-only: repeated identical collectives share one array.
   */
  readonly bytesPerRank: Float64Array;
  /** The values result, when input values were given. */
  readonly result?: R;
}

/** One line of the communicator's log: what ran, when, and how many bytes it sent in total. */
export interface CollectiveRecord {
  readonly op: CollectiveOp;
  readonly algorithm: string;
  readonly ranks: number;
  readonly sizeBytes: number;
  readonly startS: number;
  readonly timeS: number;
  readonly bytesSent: number;
}

// A checked collective call, kept for the next call with the same arguments (`Communicator.plan`).
interface CollectivePlan {
  readonly group: readonly number[];
  readonly op: CollectiveOp;
  readonly sizeBytes: number;
  readonly algorithm: string | undefined;
  readonly protocol: string | undefined;
  readonly chunks: number | undefined;
  readonly channels: number | undefined;
  readonly shards: number | undefined;
  readonly servers: readonly number[] | undefined;
  readonly root: number | undefined;
  readonly request: CollectiveRequest;
  readonly algo: CollectiveAlgorithm;
  readonly sent: Float64Array;
  /** The analytical time, once computed (a pure function of the request). */
  analyticalS: number | undefined;
}

/** How a communicator prices every call. */
export interface CommunicatorOptions {
  /**
   * Host-side cost of one collective call, seconds: the launch of its kernel and the framework's call
   * path. Paid once per non-empty call whenever a protocol is in use. Default `DEFAULT_LAUNCH_S`.
   */
  readonly launchS?: number;
  /** Protocol of calls that name none (default: none, the plain α-β model). */
  readonly protocol?: Protocol | 'auto';
}

/** Runs collectives on one network model in one simulator. */
export class Communicator {
  /** Cumulative bytes sent per global rank, over every collective so far. */
  readonly bytesSentPerRank: Float64Array;
  /** Every collective started, in start order (time filled in at start for analytical, at end for flow). */
  readonly records: CollectiveRecord[] = [];
  /** Point-to-point sends started, and their bytes (also in `bytesSentPerRank` and the links' counters). */
  sends = 0;
  sendBytes = 0;
  private readonly pricer: AnalyticalPricer;
  private lastPlan: CollectivePlan | null = null;
  private readonly recentPlans = new WeakMap<readonly number[], CollectivePlan[]>();
  /** Launch overhead per call, seconds (see CommunicatorOptions). */
  readonly launchS: number;
  /** Protocol of calls that name none. */
  readonly protocol: Protocol | 'auto' | undefined;

  /** A communicator over `network`, scheduling in `sim` (the simulator the network model runs in). */
  constructor(
    readonly sim: Simulator,
    readonly network: NetworkModel,
    options: CommunicatorOptions = {},
  ) {
    this.bytesSentPerRank = new Float64Array(network.topology.ranks);
    this.pricer = new AnalyticalPricer(network.topology);
    this.launchS = options.launchS ?? DEFAULT_LAUNCH_S;
    if (!(this.launchS >= 0 && this.launchS < Infinity))
      throw new RangeError(`launch overhead must be a finite number of seconds >= 0, got ${this.launchS}`);
    this.protocol = options.protocol === undefined ? undefined : parseProtocol(options.protocol);
  }

  /**
   * Runs `op` on `group` for `sizeBytes` (nccl-tests' size convention, see CollectiveRequest) and
   * returns an event that succeeds with the outcome; `result` is attached to it unchanged.
   * @throws Error for a bad group, size or options, or an algorithm that cannot run the request.
   */
  run<R>(
    op: CollectiveOp,
    group: readonly number[],
    sizeBytes: number,
    opts: CollectiveOptions & { root?: number } = {},
    result?: R,
  ): Event<CollectiveOutcome<R>> {
    const plan = this.plan(op, group, sizeBytes, opts);
    const { request, algo, sent } = plan;
    const startS = this.sim.now as number;
    const total = creditSent(this.bytesSentPerRank, request, sent);
    const protocol = request.protocol;
    const make = (timeS: number): CollectiveOutcome<R> => {
      this.records.push({ op, algorithm: algo.name, ranks: group.length, sizeBytes, startS, timeS, bytesSent: total });
      const base = { op, algorithm: algo.name, protocol: protocol?.protocol, startS, timeS, bytesPerRank: sent };
      return result === undefined ? base : { ...base, result };
    };
    // NCCL returns at once on an empty buffer: no launch, no steps.
    if (protocol !== undefined && sizeBytes === 0) return this.sim.timeout(seconds(0), make(0));
    if (this.network.kind === 'analytical') {
      const t = (plan.analyticalS ??= (protocol?.callS ?? 0) + algo.analyticalTime(request, this.pricer));
      return this.sim.timeout(seconds(t), make(t));
    }
    if (this.network.kind === 'fixed') {
      // A fixed network prices every collective alike: its bytes are counted above, its time is given.
      const t = (this.network as FixedNetwork).collectiveS;
      return this.sim.timeout(seconds(t), make(t));
    }
    const phases = algo.phases(request);
    const sim = this.sim;
    const network = this.network;
    const pricer = this.pricer;
    const inflate = protocol?.inflate ?? 1;
    return sim.process(
      (function* (): ProcessGenerator<CollectiveOutcome<R>> {
        // The same costs the analytical price adds: the call once, each phase's step latency before
        // its transfers, and the protocol's bytes on the wire (cost-model.ts).
        if (protocol !== undefined && protocol.callS > 0) yield sim.timeout(seconds(protocol.callS));
        for (const phase of phases) {
          const lat = protocol === undefined ? 0 : pricer.phaseLatency(request, phase);
          if (lat > 0) yield sim.timeout(seconds(lat));
          const events: Event<void>[] = [];
          for (const t of phase) {
            const src = rankAt(request, t.src);
            const dst = rankAt(request, t.dst);
            if (src !== dst) events.push(network.transfer(src, dst, bytes(t.bytes * inflate)));
          }
          if (events.length > 0) yield sim.allOf(events);
        }
        return make((sim.now as number) - startS);
      })(),
      `${op}:${algo.name}`,
    );
  }

  /**
   * The checked request, its algorithm and the bytes each endpoint sends. A call with the same group
   * array, op, size and options as the previous one reuses them: a synchronous schedule all-reduces
   * the same 16,384-rank group every step, and checking it (a rank mask) and pricing its bytes (a
   * 16,384-entry array) each time cost more than the rest of the call. Group arrays are not changed
   * in place once passed here (the pricer's route cache keys on them too), so identity is enough.
   */
  private plan(
    op: CollectiveOp,
    group: readonly number[],
    sizeBytes: number,
    opts: CollectiveOptions & { root?: number },
  ): CollectivePlan {
    const last = this.lastPlan;
    if (last !== null && samePlan(last, group, op, sizeBytes, opts)) return last;
    // A few recent plans per group: DDP's buckets cycle through a handful of sizes, and under `auto`
    // each new plan prices every candidate.
    let recent = this.recentPlans.get(group);
    if (recent === undefined) this.recentPlans.set(group, (recent = []));
    for (const p of recent)
      if (samePlan(p, group, op, sizeBytes, opts)) {
        this.lastPlan = p;
        return p;
      }
    const { request, algo } = checkCollective(
      this.network.topology,
      op,
      group,
      sizeBytes,
      opts.protocol !== undefined || this.protocol === undefined ? opts : { ...opts, protocol: this.protocol },
      { launchS: this.launchS, pricer: this.pricer },
    );
    const plan: CollectivePlan = {
      group,
      op,
      sizeBytes,
      algorithm: opts.algorithm,
      protocol: opts.protocol,
      chunks: opts.chunks,
      channels: opts.channels,
      shards: opts.shards,
      servers: opts.servers,
      root: opts.root,
      request,
      algo,
      sent: algo.bytesSent(request),
      analyticalS: undefined,
    };
    this.lastPlan = plan;
    if (recent.length >= RECENT_PLANS) recent.shift();
    recent.push(plan);
    return plan;
  }

  /**
   * A point-to-point send of `sizeBytes` from `src` to `dst`, starting now, on the network model (so it
   * shares links with everything else on a flow model, and the links count its bytes); the event
   * succeeds when the last byte has arrived. The sender's bytes are counted like a collective's.
   * A send to itself moves nothing and takes no time.
   * @throws Error for a rank outside the topology or a negative or non-finite size.
   */
  send(src: number, dst: number, sizeBytes: number): Event<void> {
    const ranks = this.network.topology.ranks;
    // Two plain checks, not a loop over a new [src, dst]: a parameter server sends twice per update.
    checkSendRank(src, ranks);
    checkSendRank(dst, ranks);
    const size = bytes(sizeBytes);
    if (src !== dst) {
      this.bytesSentPerRank[src]! += sizeBytes;
      this.sends++;
      this.sendBytes += sizeBytes;
    }
    return this.network.transfer(src, dst, size);
  }

  /** All-reduce of `sizeBytes`; with `values` (one vector per rank), `result` is their rank-order sum or mean. */
  allReduce(
    group: readonly number[],
    sizeBytes: number,
    opts: CollectiveOptions & { values?: readonly Float32Array[]; op?: ReduceOp } = {},
  ): Event<CollectiveOutcome<Float32Array>> {
    const values = opts.values;
    if (values !== undefined) checkPerRank(values, group);
    return this.run(
      'all-reduce',
      group,
      sizeBytes,
      opts,
      values === undefined ? undefined : reduceInRankOrder(values, opts.op ?? 'sum'),
    );
  }

  /** Reduce-scatter of a `sizeBytes` vector; `result[i]` is rank i's shard of the rank-order sum. */
  reduceScatter(
    group: readonly number[],
    sizeBytes: number,
    opts: CollectiveOptions & { values?: readonly Float32Array[]; op?: ReduceOp } = {},
  ): Event<CollectiveOutcome<Float32Array[]>> {
    const values = opts.values;
    if (values !== undefined) checkPerRank(values, group);
    const result =
      values === undefined ? undefined : splitEven(reduceInRankOrder(values, opts.op ?? 'sum'), group.length);
    return this.run('reduce-scatter', group, sizeBytes, opts, result);
  }

  /** All-gather to a `sizeBytes` result; with `values` (one shard per rank) `result` is their concatenation. */
  allGather(
    group: readonly number[],
    sizeBytes: number,
    opts: CollectiveOptions & { values?: readonly Float32Array[] } = {},
  ): Event<CollectiveOutcome<Float32Array>> {
    const values = opts.values;
    if (values !== undefined) checkPerRank(values, group);
    return this.run('all-gather', group, sizeBytes, opts, values === undefined ? undefined : concat(values));
  }

  /** Broadcast of `sizeBytes` from group index `root` (default 0); `result` is a copy of `value`. */
  broadcast(
    group: readonly number[],
    sizeBytes: number,
    opts: CollectiveOptions & { root?: number; value?: Float32Array } = {},
  ): Event<CollectiveOutcome<Float32Array>> {
    return this.run('broadcast', group, sizeBytes, opts, opts.value?.slice());
  }

  /**
   * All-to-all where each rank sends `sizeBytes` in total (n/N to each peer); with `values`, rank j's
   * result is the concatenation over senders i (in rank order) of shard j of rank i's vector.
   */
  allToAll(
    group: readonly number[],
    sizeBytes: number,
    opts: CollectiveOptions & { values?: readonly Float32Array[] } = {},
  ): Event<CollectiveOutcome<Float32Array[]>> {
    const values = opts.values;
    if (values !== undefined) checkPerRank(values, group);
    const result =
      values === undefined
        ? undefined
        : (() => {
            const shards = values.map((v) => splitEven(v, group.length));
            return group.map((_, j) => concat(shards.map((s) => s[j]!)));
          })();
    return this.run('all-to-all', group, sizeBytes, opts, result);
  }
}

// Plans kept per group beyond the last one (see `plan`).
const RECENT_PLANS = 16;

function samePlan(
  p: CollectivePlan,
  group: readonly number[],
  op: CollectiveOp,
  sizeBytes: number,
  opts: CollectiveOptions & { root?: number },
): boolean {
  return (
    p.group === group &&
    p.op === op &&
    p.sizeBytes === sizeBytes &&
    p.algorithm === opts.algorithm &&
    p.protocol === opts.protocol &&
    p.chunks === opts.chunks &&
    p.channels === opts.channels &&
    p.shards === opts.shards &&
    p.servers === opts.servers &&
    p.root === opts.root
  );
}

/**
 * Adds each endpoint's bytes to its global rank's counter and returns their sum, in endpoint order.
 * Group members by direct index (a 16,384-rank all-reduce runs this every step), then dedicated
 * servers. A function of its own: `run` is large, and V8 optimises this loop reliably only apart.
 */
function creditSent(perRank: Float64Array, request: CollectiveRequest, sent: Float64Array): number {
  const group = request.group;
  let total = 0;
  const members = Math.min(group.length, sent.length);
  for (let i = 0; i < members; i++) {
    perRank[group[i]!]! += sent[i]!;
    total += sent[i]!;
  }
  for (let i = members; i < sent.length; i++) {
    perRank[rankAt(request, i)]! += sent[i]!;
    total += sent[i]!;
  }
  return total;
}

function checkSendRank(r: number, ranks: number): void {
  if (!Number.isInteger(r) || r < 0 || r >= ranks)
    throw new Error(`rank ${r} is not in the topology (0..${ranks - 1})`);
}

function checkPerRank(values: readonly Float32Array[], group: readonly number[]): void {
  if (values.length !== group.length)
    throw new Error(`values: expected one vector per rank (${group.length}), got ${values.length}`);
}
