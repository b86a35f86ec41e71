/**
 * Asynchronous parameter-server SGD (Downpour-style ASP; spec/algorithms.md §3), with the
 * staleness-aware learning rate (§6) as an option. The worker loop is lib/async-workers.ts.
 *
 * Timeline of one worker, with no barrier (lib/param-server.ts):
 *   pull ─ forward+backward on its own batch ─ push the k slices ─ each server applies its slice on
 *   arrival and replies with its shard ─ (SSP: wait at the clock gate) ─ compute on the reply ─ …
 * A gradient read at shard version v and applied when the shard is at version u has staleness
 * τ = u − v, recorded per shard. A worker's pull reads the model just after its own push was applied,
 * which makes the mean staleness N − 1 on N workers, with or without staggered starts.
 *
 * SSP's bounded staleness (Ho et al., NIPS 2013) is the `ssp` schedule: its clock gate counts clocks,
 * not versions, and comes with SSP's client cache and read visibilities. async-ps's former
 * `clockBound` option (once `maxStaleness`) is rejected with a note pointing there.
 *
 * With `compressor`, each push is compressed by its worker (error feedback per worker) and travels
 * as the compressor's bytes; the server applies what it decodes to. Pulls stay uncompressed.
 *
 * Workers start at seeded random offsets within their first step by default, as real asynchronous
 * workers drift apart.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { lrScaling, runAsyncWorkers, PS_OPTIONS } from './lib/async-workers.ts';
import { Crew } from './lib/crew.ts';
import { asyncCompressorProblems, compressionFor, COMPRESSOR_OPTION } from './lib/gradient-compression.ts';
import { ParamServer, serverLayout, serverLayoutProblems } from './lib/param-server.ts';
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
      '"maxStaleness" (later clockBound) moved to the ssp schedule as its option staleness: it bounds SSP clocks ' +
      '(iterations a worker may run ahead of the slowest), ' +
      'not the staleness τ = version_applied − version_read that the staleness columns count in model versions; ' +
      'even staleness: 0 (lock-step) gives τ up to workers − 1',
    clockBound:
      'SSP bounded staleness is the ssp schedule now (kind: ssp, staleness: s): clockBound counted clocks ' +
      '(iterations a worker may run ahead of the slowest), not the versions τ = version_applied − version_read ' +
      'that the staleness columns count; ssp adds the client cache and lazy/eager reads',
  },
  options: {
    ...PS_OPTIONS,
    compressor: COMPRESSOR_OPTION,
  },
  check(o, shape) {
    return [
      ...serverLayoutProblems(shape.workers, o.shards, o.servers),
      ...asyncCompressorProblems(o.compressor, 'async-ps'),
    ];
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { trainers, servers } = serverLayout(ctx.workers, o.shards, o.servers);
    const crew = new Crew(ctx, trainers);
    const compression = compressionFor(ctx, crew, o.compressor, { accordion: false });
    const ps = new ParamServer(
      ctx,
      crew,
      servers,
      lrScaling(o.lrScaling),
      compression === undefined ? {} : { pushBytes: compression.pushBytes() },
    );
    yield* runAsyncWorkers(ctx, crew, ps, trainers, {
      stagger: o.stagger,
      name: 'async-ps',
      ...(compression === undefined ? {} : { compression }),
    });
  },
});
