/**
 * Asynchronous parameter-server SGD (Downpour-style ASP; spec/algorithms.md §3), with SSP bounded
 * staleness (§4) and a staleness-aware learning rate (§6) as options.
 *
 * Timeline of one worker, with no barrier: pull every shard's parameters from its server (k shards
 * co-located on ranks 0..k−1, each holding a contiguous 1/k of the vector), compute forward and
 * backward on its own batch, push the gradient's k slices; each server applies its slice the moment it
 * arrives, in arrival order, and bumps its own version. A gradient read at shard version v and applied
 * when the shard is at version u has staleness τ = u − v, recorded per shard. The worker pulls again
 * once its pushes have landed. With `clockBound: s` a worker may start its clock c only when every
 * worker has finished clock c − s (Ho et al., NIPS 2013); s = 0 is lock-step, absent is fully async.
 * The bound counts clocks (iterations per worker), not versions: even at s = 0 the N gradients of a
 * round land one after another, so τ reaches N − 1 versions. The option was once called
 * `maxStaleness`, which read like the staleness columns; that name is now rejected with this note.
 *
 * Servers apply updates instantly (their compute is not modelled). Workers start at seeded random
 * offsets within their first step by default, since real asynchronous workers drift apart; without
 * that, N identical workers start in lock-step and drift apart only through unequal communication.
 */
import type { Event } from '../core/events.ts';
import type { ProcessGenerator } from '../core/process.ts';
import { bytes, seconds } from '../core/units.ts';
import type { ParamSnapshot } from '../training/engine/snapshot.ts';
import type { ScheduleContext } from './context.ts';
import type { OptionValues } from './options.ts';
import type { GradientRef, OptimizerState } from './lib/trainer.ts';
import { defineSchedule } from './types.ts';

interface Options {
  readonly shards: number;
  /** SSP bound s in clocks (iterations per worker), or undefined for fully asynchronous. */
  readonly clockBound: number | undefined;
  readonly staleLr: boolean;
  readonly stagger: boolean;
}

/** Server-side state shared by all worker processes. */
interface Server {
  model: ParamSnapshot;
  readonly versions: Int32Array;
  readonly opts: OptimizerState[];
  /** [start, end) of each shard in the trained parameter vector. */
  readonly ranges: (readonly [number, number])[];
  /** Bytes of each shard's slice on the wire (of the timed profile). */
  readonly shardBytes: number;
  /** Completed iterations per worker (SSP clocks) and processes waiting for the slowest. */
  readonly clocks: Int32Array;
  waiters: { readonly clock: number; readonly ev: Event<void> }[];
}

function minClock(s: Server): number {
  let m = Infinity;
  for (let i = 0; i < s.clocks.length; i++) if (s.clocks[i]! < m) m = s.clocks[i]!;
  return m;
}

function* worker(ctx: ScheduleContext, o: Options, s: Server, w: number): ProcessGenerator<void> {
  const { sim, network, compute, trainer, recorder, stats, progress } = ctx;
  const spans = recorder.wantsSpans;
  const k = o.shards;
  if (o.stagger) {
    const offset = ctx.rng.fork('stagger').fork(`worker-${w}`).uniform() * compute.stepS(w);
    if (offset > 0) yield sim.timeout(seconds(offset));
  }
  while (progress.running) {
    const c = s.clocks[w]!;
    if (o.clockBound !== undefined && minClock(s) < c - o.clockBound) {
      const t = sim.now as number;
      const ev = sim.event<void>();
      s.waiters.push({ clock: c - o.clockBound, ev });
      yield ev;
      if (spans) recorder.span({ worker: w, kind: 'wait', name: 'SSP bound', startS: t, durationS: (sim.now as number) - t });
    }
    // Pull: the servers send what they hold now.
    const snap = s.model;
    const read = Int32Array.from(s.versions);
    let t = sim.now as number;
    const pulls: Event<void>[] = [];
    for (let j = 0; j < k; j++) {
      if (j === w) continue;
      ctx.comm.bytesSentPerRank[j]! += s.shardBytes;
      pulls.push(network.transfer(j, w, bytes(s.shardBytes)));
    }
    if (pulls.length > 0) yield sim.allOf(pulls);
    let dt = (sim.now as number) - t;
    stats.comm(w, dt);
    if (spans && dt > 0) recorder.span({ worker: w, kind: 'comm', name: 'pull', startS: t, durationS: dt });
    // Compute on the pulled weights.
    t = sim.now as number;
    const cS = compute.stepS(w) * compute.factor(w, t);
    const grad = trainer.gradient(snap, w);
    progress.addSamples(ctx.batchSize);
    yield sim.timeout(seconds(cS));
    stats.compute(w, cS);
    if (spans) recorder.span({ worker: w, kind: 'compute', name: 'fwd+bwd', startS: t, durationS: cS });
    // Push: each shard applies its slice on arrival.
    t = sim.now as number;
    let landed = 0;
    const land = (j: number): void => {
      apply(ctx, o, s, w, j, grad, read[j]!);
      if (++landed === k) {
        stats.updates[w]!++;
        progress.commit(s.model);
      }
    };
    const pushes: Event<void>[] = [];
    for (let j = 0; j < k; j++) {
      if (j === w) {
        land(j);
        continue;
      }
      ctx.comm.bytesSentPerRank[w]! += s.shardBytes;
      const ev = network.transfer(w, j, bytes(s.shardBytes));
      ev.onProcessed(() => land(j));
      pushes.push(ev);
    }
    if (pushes.length > 0) yield sim.allOf(pushes);
    dt = (sim.now as number) - t;
    stats.comm(w, dt);
    if (spans && dt > 0) recorder.span({ worker: w, kind: 'comm', name: 'push', startS: t, durationS: dt });
    s.clocks[w] = c + 1;
    if (s.waiters.length > 0) release(s);
  }
}

// Wakes the SSP waiters whose condition now holds.
function release(s: Server): void {
  const m = minClock(s);
  const still: Server['waiters'] = [];
  for (const wt of s.waiters) {
    if (m >= wt.clock) wt.ev.succeed();
    else still.push(wt);
  }
  s.waiters = still;
}

function apply(ctx: ScheduleContext, o: Options, s: Server, w: number, j: number, grad: GradientRef | null, read: number): void {
  const { trainer, recorder, progress } = ctx;
  const at = s.versions[j]!;
  const tau = at - read;
  const lr = trainer.lr(at) / (o.staleLr ? Math.max(1, tau) : 1);
  const [start, end] = s.ranges[j]!;
  s.model = trainer.apply(s.opts[j]!, s.model, grad, lr, s.model.version + 1, start, end);
  s.versions[j] = at + 1;
  progress.current = s.model;
  recorder.update({ timeS: ctx.sim.now as number, worker: w, stage: j, versionRead: read, versionApplied: at, loss: grad === null ? undefined : grad.value().loss });
}

/** Asynchronous parameter server. */
export const asyncPs = defineSchedule({
  name: 'async-ps',
  summary: 'workers pull, compute and push with no barrier; the server applies each gradient on arrival; staleness recorded per update',
  reference: 'Dean et al., "Large Scale Distributed Deep Networks" (Downpour), NIPS 2012; SSP: Ho et al., NIPS 2013; lr/τ: Zhang et al., IJCAI 2016',
  semantics: 'asynchronous',
  retiredOptions: {
    maxStaleness:
      '"maxStaleness" was renamed clockBound: it bounds SSP clocks (iterations a worker may run ahead of the slowest), ' +
      'not the staleness τ = version_applied − version_read that the staleness columns count in model versions; ' +
      'even clockBound: 0 (lock-step) gives τ up to workers − 1',
  },
  options: {
    shards: { type: 'number', integer: true, min: 1, default: 1, description: 'parameter-server shards k, each holding 1/k of the parameters, co-located on ranks 0..k-1' },
    clockBound: {
      type: 'number',
      integer: true,
      min: 0,
      description:
        'SSP bound s in clocks (iterations per worker, not model versions): a worker may start clock c only when the slowest worker has finished clock c−s; absent: fully asynchronous',
    },
    lrScaling: { type: 'enum', values: ['none', 'staleness'], default: 'none', description: "'staleness': each gradient's learning rate is lr / max(1, τ)" },
    stagger: { type: 'boolean', default: true, description: 'start each worker at a seeded random offset within its first step, as real asynchronous workers drift apart' },
  },
  check(o, { workers }) {
    if (o.shards <= workers) return [];
    return [`shards must be an integer in [1, ${workers}] (servers are co-located on ranks 0..k-1), got ${o.shards}`];
  },
  start(ctx: ScheduleContext, options: OptionValues): ProcessGenerator<void> {
    const shards = Number(options['shards'] ?? 1);
    const bound = options['clockBound'];
    const o: Options = {
      shards,
      clockBound: bound === undefined ? undefined : Number(bound),
      staleLr: options['lrScaling'] === 'staleness',
      stagger: options['stagger'] !== false,
    };
    const p = ctx.trainer.paramCount;
    const ranges = Array.from({ length: shards }, (_, j) => [Math.floor((j * p) / shards), Math.floor(((j + 1) * p) / shards)] as const);
    const server: Server = {
      model: ctx.progress.current,
      versions: new Int32Array(shards),
      opts: ranges.map(() => ctx.trainer.optimizer()),
      ranges,
      shardBytes: ctx.compute.gradBytes / shards,
      clocks: new Int32Array(ctx.workers),
      waiters: [],
    };
    const sim = ctx.sim;
    return (function* (): ProcessGenerator<void> {
      const procs = Array.from({ length: ctx.workers }, (_, w) => sim.process(worker(ctx, o, server, w), `async-ps worker ${w}`));
      yield sim.allOf(procs);
    })();
  },
});
