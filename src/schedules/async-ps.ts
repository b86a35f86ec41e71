/**
 * Asynchronous parameter-server SGD (Downpour-style ASP; spec/algorithms.md §3), with SSP bounded
 * staleness (§4) and the staleness-aware learning rate (§6) as options.
 *
 * Timeline of one worker, with no barrier (lib/param-server.ts):
 *   pull ─ forward+backward on its own batch ─ push the k slices ─ each server applies its slice on
 *   arrival and replies with its shard ─ (SSP: wait at the clock gate) ─ compute on the reply ─ …
 * A gradient read at shard version v and applied when the shard is at version u has staleness
 * τ = u − v, recorded per shard. A worker's pull reads the model just after its own push was applied,
 * which makes the mean staleness N − 1 on N workers, with or without staggered starts.
 *
 * `clockBound: s` is SSP's gate (Ho et al., NIPS 2013): a worker may start clock c only when every
 * worker has finished clock c − s, and reads afresh after waiting; s = 0 is lock-step, absent is fully
 * asynchronous. It counts clocks (iterations per worker), not versions: even at s = 0 the N gradients
 * of a round land one after another, so τ reaches N − 1. It was once called `maxStaleness`, which
 * read like the staleness columns; that name is rejected with this note.
 *
 * Workers start at seeded random offsets within their first step by default, as real asynchronous
 * workers drift apart.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { ClockGate } from './lib/clock-gate.ts';
import { Crew } from './lib/crew.ts';
import { ParamServer, serverLayout, serverLayoutProblems, type PsPolicy } from './lib/param-server.ts';
import { defineSchedule } from './types.ts';

/** Asynchronous parameter server. */
export const asyncPs = defineSchedule({
  name: 'async-ps',
  summary:
    'workers pull, compute and push with no barrier; the server applies each gradient on arrival; ' +
    'staleness recorded per update',
  reference:
    'Dean et al., "Large Scale Distributed Deep Networks" (Downpour), NIPS 2012; SSP: Ho et al., NIPS 2013; ' +
    'lr/τ: Zhang et al., IJCAI 2016',
  semantics: 'asynchronous',
  retiredOptions: {
    maxStaleness:
      '"maxStaleness" was renamed clockBound: it bounds SSP clocks ' +
      '(iterations a worker may run ahead of the slowest), ' +
      'not the staleness τ = version_applied − version_read that the staleness columns count in model versions; ' +
      'even clockBound: 0 (lock-step) gives τ up to workers − 1',
  },
  options: {
    shards: {
      type: 'number',
      integer: true,
      min: 1,
      default: 1,
      description: 'parameter-server shards k, each holding 1/k of the parameters',
    },
    servers: {
      type: 'enum',
      values: ['colocated', 'dedicated'],
      default: 'colocated',
      description:
        "where shard servers run: 'colocated' on worker ranks 0..k-1, or 'dedicated' on the last k ranks, " +
        'which then do not train (give them a node group of their own for server nodes)',
    },
    clockBound: {
      type: 'number',
      integer: true,
      min: 0,
      description:
        'SSP bound s in clocks (iterations per worker, not model versions): a worker may start clock c only ' +
        'when the slowest worker has finished clock c−s; absent: fully asynchronous',
    },
    lrScaling: {
      type: 'enum',
      values: ['none', 'staleness'],
      default: 'none',
      description: "'staleness': each gradient's learning rate is lr / max(1, τ)",
    },
    stagger: {
      type: 'boolean',
      default: true,
      description:
        'start each worker at a seeded random offset within its first step, as real asynchronous workers drift apart',
    },
  },
  check(o, shape) {
    return serverLayoutProblems(shape.workers, o.shards, o.servers);
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { sim, progress, trainer } = ctx;
    const { trainers, servers } = serverLayout(ctx.workers, o.shards, o.servers);
    const crew = new Crew(ctx, trainers);
    const policy: PsPolicy = o.lrScaling === 'staleness' ? { lrScale: (at) => 1 / Math.max(1, at.tau) } : {};
    const ps = new ParamServer(ctx, crew, servers, policy);
    const gate = o.clockBound === undefined ? null : new ClockGate(sim, trainers.length, o.clockBound);
    function* worker(i: number, w: number): ProcessGenerator<void> {
      if (o.stagger)
        yield* crew.until(crew.nowS + ctx.rng.fork('stagger').fork(`worker-${w}`).uniform() * ctx.compute.stepS(w));
      let read = yield* ps.pull(w);
      while (progress.running) {
        const wait = gate?.enter(i) ?? null;
        if (wait !== null) {
          const t = crew.nowS;
          yield wait;
          crew.waitSpan(w, 'SSP bound', t, crew.nowS - t);
          read = yield* ps.pull(w);
        }
        const grad = trainer.gradient(read.snapshot, w);
        yield* crew.compute(w, 'fwd+bwd');
        read = yield* ps.push(w, grad, read);
        gate?.done(i);
      }
    }
    yield sim.allOf(trainers.map((w, i) => sim.process(worker(i, w), `async-ps worker ${w}`)));
  },
});
