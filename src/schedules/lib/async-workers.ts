/**
 * The asynchronous parameter-server worker loop (spec §3) that async-ps and dc-asgd share, and the
 * pieces every asynchronous schedule on `ParamServer` uses: the seeded start offset and the
 * staleness-aware learning rate (spec §6).
 *
 * Timeline of one worker, with no barrier: (start offset) ─ pull ─ forward+backward on its own batch
 * ─ push the k slices ─ each server applies its slice on arrival and replies with its shard ─ compute
 * on the reply ─ … The schedule's behaviour lives in the server's `PsPolicy`.
 */
import type { ProcessGenerator } from '../../core/process.ts';
import type { OptionSpecs } from '../../core/options.ts';
import { seconds } from '../../core/units.ts';
import type { ScheduleContext } from '../context.ts';
import type { Crew } from './crew.ts';
import type { GradientCompression } from './gradient-compression.ts';
import type { ParamServer, PsPolicy } from './param-server.ts';
import type { GradientRef } from './trainer.ts';

/**
 * The options every schedule on `ParamServer` shares, declared once: shards, their placement, the
 * staleness-aware learning rate and the staggered start. Spread last into a schedule's own options.
 */
export const PS_OPTIONS = {
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
} as const satisfies OptionSpecs;

/** Waits a seeded random offset within worker `w`'s first step, as real asynchronous workers drift apart. */
export function* staggerStart(ctx: ScheduleContext, crew: Crew, w: number): ProcessGenerator<void> {
  yield* crew.until(crew.nowS + ctx.rng.fork('stagger').fork(`worker-${w}`).uniform() * ctx.compute.stepS(w));
}

/** The staleness-aware learning rate (spec §6) as a server policy: lr / max(1, τ), or nothing. */
export function lrScaling(kind: 'none' | 'staleness'): PsPolicy {
  return kind === 'staleness' ? { lrScale: (at) => 1 / Math.max(1, at.tau) } : {};
}

/** Runs every trainer rank as a free-running asynchronous worker on `ps` until the run stops. */
export function* runAsyncWorkers(
  ctx: ScheduleContext,
  crew: Crew,
  ps: ParamServer,
  trainers: readonly number[],
  o: {
    readonly stagger: boolean;
    readonly name: string;
    /** Compresses each push (the server applies what the message decodes to); absent: none. */
    readonly compression?: GradientCompression;
  },
): ProcessGenerator<void> {
  const comp = o.compression;
  const { sim, progress, trainer } = ctx;
  // `crew.compute` and `ps.push` written out (the same calls in the same order): at 4,096 workers an
  // update costs a few microseconds, and two generators per update were a good part of it.
  function* worker(w: number): ProcessGenerator<void> {
    if (o.stagger) yield* staggerStart(ctx, crew, w);
    let read = yield* ps.pull(w);
    while (progress.running) {
      const raw = trainer.gradient(read.snapshot, w);
      const grad = comp === undefined ? raw : compressedPush(raw, comp, w);
      const t = crew.nowS;
      const c = crew.stepTime(w, t);
      yield sim.timeout(seconds(c));
      crew.book(w, t, c, 'fwd+bwd');
      const replies = ps.beginPush(w, grad, read);
      if (replies !== null) yield replies;
      read = ps.endPush(w);
    }
  }
  yield sim.allOf(trainers.map((w) => sim.process(worker(w), `${o.name} worker ${w}`)));
}

/**
 * Worker `w`'s gradient as its compressed push decodes at the server, compressed once, when first read
 * (the worker's error-feedback residual advances once per push).
 */
export function compressedPush(raw: GradientRef, comp: GradientCompression, w: number): GradientRef {
  let value: { grad: Float32Array; loss: number } | undefined;
  return {
    value: () => {
      if (value === undefined) {
        const v = raw.value();
        value = { grad: comp.one(v.grad, w), loss: v.loss };
      }
      return value;
    },
  };
}
