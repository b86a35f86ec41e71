/**
 * Stale Synchronous Parallel (SSP; spec/algorithms.md §4), after Ho et al., "More Effective Distributed
 * ML via a Stale Synchronous Parallel Parameter Server", NIPS 2013, on `ParamServer` and `ClockGate`.
 *
 * Timeline of one worker, clock c (a clock is `batchesPerClock` = B mini-batches):
 *   clock gate: wait until every worker has finished clock c − s ─ if the cache's timestamp is older
 *   than c − s, pull afresh ─ B × [ forward+backward on the cache's view ─ push the k slices ─ each
 *   server applies its slice on arrival and replies with its shard ] ─ clock c done ─ …
 * Each mini-batch is pushed as it is computed (the paper batches a clock's updates into one message;
 * here a clock's B updates each land on their own, so every row is one gradient of one batch).
 *
 * The cache: a worker's data carries a timestamp t meaning "holds every update of clocks < t" (the
 * slowest worker's finished clocks when the data left the server, counting the worker's own clock as
 * finished when the reply answers the last push of its clock). At clock c the guarantee needs t ≥ c − s;
 * only a cache older than that is refreshed by a pull, so s = ∞ (no `staleness`) never pulls: async-ps.
 * What a worker computes on (`visibility`):
 *   - `eager`: everything the server sent, i.e. the latest reply or pull, which holds its own updates
 *     (read-my-writes) and any others that had landed;
 *   - `lazy`: only the guaranteed updates, w0 + Σ the deltas of every worker's clocks ≤ c − s − 1,
 *     plus the worker's own deltas of later clocks (read-my-writes). The deltas are those the server's
 *     applies made (`applied` hook), kept per clock and per (worker, clock) and dropped once no worker
 *     can need them. Its rows' `versionRead` is the number of the shard's applies the view holds, so
 *     τ counts the updates it misses.
 * Compute spans are named by clock (`fwd+bwd clock c`), gate waits `SSP wait clock c`.
 *
 * Workers start at seeded random offsets within their first step by default, as real asynchronous
 * workers drift apart.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ParamSnapshot } from '../training/engine/snapshot.ts';
import type { ScheduleContext } from './context.ts';
import { compressedPush, lrScaling, staggerStart, PS_OPTIONS } from './lib/async-workers.ts';
import { asyncCompressorProblems, compressionFor, COMPRESSOR_OPTION } from './lib/gradient-compression.ts';
import { ClockGate } from './lib/clock-gate.ts';
import { Crew } from './lib/crew.ts';
import { ParamServer, serverLayout, serverLayoutProblems, type PsRead } from './lib/param-server.ts';
import type { Trainer, Vec } from './lib/trainer.ts';
import { defineSchedule } from './types.ts';

/** Deltas and per-shard apply counts of one clock (all workers), or of one (worker, clock). */
interface ClockDelta {
  delta: Vec | null;
  readonly counts: Int32Array;
}

/** The lazy view's bookkeeping (see the file header). */
class LazyCache {
  /** Summed deltas of every worker, per clock. */
  private readonly clocks = new Map<number, ClockDelta>();
  /** Per worker rank: its own deltas, per clock. */
  private readonly own = new Map<number, Map<number, ClockDelta>>();
  /** w0 + Σ clocks < n, keyed by n. */
  private readonly bases = new Map<number, ClockDelta>();

  constructor(
    private readonly trainer: Trainer,
    initial: ParamSnapshot,
    private readonly shards: number,
    /** False when s = ∞: no read ever includes another worker's update, so per-clock sums are not kept. */
    private readonly shared: boolean,
  ) {
    this.bases.set(0, { delta: trainer.full ? initial.params : null, counts: new Int32Array(shards) });
  }

  /** One slice of `worker`'s clock `clock` changed the model from `before` to `after`. */
  add(worker: number, clock: number, shard: number, before: ParamSnapshot, after: ParamSnapshot): void {
    const d = this.trainer.full ? this.trainer.math.sub(after.params, before.params) : null;
    let mine = this.own.get(worker);
    if (mine === undefined) this.own.set(worker, (mine = new Map()));
    for (const m of this.shared ? [this.clocks, mine] : [mine]) {
      let e = m.get(clock);
      if (e === undefined) m.set(clock, (e = { delta: null, counts: new Int32Array(this.shards) }));
      e.counts[shard]!++;
      if (d !== null) e.delta = e.delta === null ? d : this.trainer.math.sum([e.delta, d]);
    }
  }

  /** The view of `worker` at clock `clock`: every update of clocks < `upTo`, plus its own later ones. */
  read(worker: number, clock: number, upTo: number, fallback: ParamSnapshot): PsRead {
    const base = this.base(upTo);
    const counts = Int32Array.from(base.counts);
    const parts: Vec[] = base.delta === null ? [] : [base.delta];
    for (const [k, e] of this.own.get(worker) ?? []) {
      if (k < upTo || k > clock) continue;
      for (let j = 0; j < counts.length; j++) counts[j]! += e.counts[j]!;
      if (e.delta !== null) parts.push(e.delta);
    }
    let version = 0;
    for (const c of counts) version += c;
    const snapshot =
      parts.length === 0
        ? fallback
        : this.trainer.snapshot(parts.length === 1 ? parts[0]!.slice() : this.trainer.math.sum(parts), version);
    return { snapshot, versions: counts };
  }

  /** Drops what no worker can need: every worker's next lazy read has `upTo` ≥ `lowestUpTo`. */
  prune(lowestUpTo: number, clockOf: (worker: number) => number, s: number): void {
    let keep = 0;
    for (const k of this.bases.keys()) if (k <= lowestUpTo && k > keep) keep = k;
    for (const k of [...this.bases.keys()]) if (k < keep) this.bases.delete(k);
    for (const k of [...this.clocks.keys()]) if (k < keep) this.clocks.delete(k);
    for (const [w, m] of this.own) {
      const lo = clockOf(w) - s;
      for (const k of [...m.keys()]) if (k < lo) m.delete(k);
    }
  }

  // w0 + Σ clocks < n, from the nearest stored base below.
  private base(n: number): ClockDelta {
    let from = -1;
    for (const k of this.bases.keys()) if (k <= n && k > from) from = k;
    let b = this.bases.get(from)!;
    for (let k = from; k < n; k++) {
      const e = this.clocks.get(k);
      if (e === undefined) continue;
      const counts = Int32Array.from(b.counts);
      for (let j = 0; j < counts.length; j++) counts[j]! += e.counts[j]!;
      const delta = b.delta === null || e.delta === null ? b.delta : this.trainer.math.sum([b.delta, e.delta]);
      b = { delta, counts };
    }
    if (n !== from) this.bases.set(n, b);
    return b;
  }
}

/** Stale Synchronous Parallel on a parameter server. */
export const ssp = defineSchedule({
  name: 'ssp',
  summary:
    'stale synchronous parallel: asynchronous parameter server where no worker runs more than s clocks ' +
    'ahead of the slowest, computing on a client cache with lazy or eager reads',
  reference:
    'Ho et al., "More Effective Distributed ML via a Stale Synchronous Parallel Parameter Server", NIPS 2013; ' +
    'lr/τ: Zhang et al., IJCAI 2016',
  semantics: 'asynchronous',
  options: {
    staleness: {
      type: 'number',
      integer: true,
      min: 0,
      description:
        'SSP bound s in clocks (not model versions): a worker may start clock c only when the slowest worker ' +
        'has finished clock c−s; 0 is lock-step; absent: ∞, fully asynchronous with no gate',
    },
    batchesPerClock: {
      type: 'number',
      integer: true,
      min: 1,
      default: 1,
      description: 'mini-batches per clock, each pushed as it is computed',
    },
    visibility: {
      type: 'enum',
      values: ['eager', 'lazy'],
      default: 'eager',
      description:
        "what a read shows: 'eager' everything the server sent, 'lazy' only the guaranteed updates " +
        '(every clock ≤ c−s−1, plus the reader’s own)',
    },
    ...PS_OPTIONS,
    compressor: COMPRESSOR_OPTION,
  },
  check(o, shape) {
    return [
      ...serverLayoutProblems(shape.workers, o.shards, o.servers),
      ...asyncCompressorProblems(o.compressor, 'ssp'),
    ];
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { sim, progress, trainer } = ctx;
    const { trainers, servers } = serverLayout(ctx.workers, o.shards, o.servers);
    const crew = new Crew(ctx, trainers);
    const s = o.staleness;
    const gate = s === undefined ? null : new ClockGate(sim, trainers.length, s);
    const clock = new Int32Array(ctx.workers);
    const lazy =
      o.visibility === 'lazy' ? new LazyCache(trainer, progress.current, servers.length, s !== undefined) : null;
    const compression = compressionFor(ctx, crew, o.compressor, { accordion: false });
    const ps = new ParamServer(
      ctx,
      crew,
      servers,
      {
        ...lrScaling(o.lrScaling),
        ...(lazy === null
          ? {}
          : { applied: (at, before, after) => lazy.add(at.worker, clock[at.worker]!, at.shard, before, after) }),
      },
      compression === undefined ? {} : { pushBytes: compression.pushBytes() },
    );
    const bound = s ?? Infinity;
    function* worker(i: number, w: number): ProcessGenerator<void> {
      if (o.stagger) yield* staggerStart(ctx, crew, w);
      let ts = gate?.minClock ?? 0;
      let fresh = yield* ps.pull(w);
      while (progress.running) {
        const c = clock[w]!;
        if (gate !== null) {
          const wait = gate.enter(i);
          if (wait !== null) {
            const t = crew.nowS;
            yield wait;
            crew.waitSpan(w, `SSP wait clock ${c}`, t, crew.nowS - t);
          }
          if (ts < c - bound) {
            ts = gate.minClock;
            fresh = yield* ps.pull(w);
          }
        }
        const upTo = Math.max(0, c - bound);
        for (let b = 0; b < o.batchesPerClock && progress.running; b++) {
          const read = lazy === null ? fresh : lazy.read(w, c, upTo, fresh.snapshot);
          const raw = trainer.gradient(read.snapshot, w);
          const grad = compression === undefined ? raw : compressedPush(raw, compression, w);
          yield* crew.compute(w, `fwd+bwd clock ${c}`);
          const last = b === o.batchesPerClock - 1;
          const next = gate === null ? 0 : last ? gate.minIfDone(i) : gate.minClock;
          fresh = yield* ps.push(w, grad, read);
          ts = next;
        }
        if (!progress.running) break;
        clock[w] = c + 1;
        if (gate !== null) {
          gate.done(i);
          lazy?.prune(Math.max(0, gate.minClock - bound), (r) => clock[r]!, bound);
        }
      }
    }
    yield sim.allOf(trainers.map((w, i) => sim.process(worker(i, w), `ssp worker ${w}`)));
  },
});
