/**
 * Asynchronous model averaging as BAGUA's `AsyncModelAverageAlgorithm` runs it (spec/algorithms.md
 * §22; Gan et al., "BAGUA: Scaling up Distributed Learning with System Relaxations", VLDB 2022; code
 * followed: `bagua/torch_api/algorithms/async_model_average.py`, `peer_selection_mode="all"`).
 *
 * Timeline:
 *   `warmupSteps` synchronous steps with a gradient all-reduce (lib/sync-step.ts, BAGUA's centralized
 *   synchronous op) ─ then every worker trains its own replica with no barrier, one step after the
 *   other (forward+backward and its optimizer step, its own optimizer state forked from the warm-up's),
 *   while a background process averages the replicas every `syncInterval` with an all-reduce of the
 *   weights that runs beside the compute (lib/timer-averager.ts): workers never wait for it; the
 *   average reaches a worker when its current backward pass ends, as x_i += mean − copy_i, so local
 *   steps taken while the all-reduce was in flight are kept. The interval is BAGUA's sleep between
 *   rounds, so rounds start every all-reduce + write + interval, not every interval.
 *
 * Counting: after the warm-up one global update is one worker's local step (as for async-ps), and the
 * global model that evaluation reads is the mean of the replicas, committed after every local step.
 * A warm-up step is one global update of every worker's gradient, as in sync-allreduce.
 * Versions (spec §0.2), per replica: a replica's version counts what was written into it (its own
 * steps and the averages it received); a step reads its replica at version v and is applied at the
 * version just before its own write, so τ = 1 when an average landed between the forward pass and
 * the optimizer step, else 0.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import { SyncStep } from './lib/sync-step.ts';
import { TimerAverager } from './lib/timer-averager.ts';
import { defineSchedule } from './types.ts';

/** BAGUA's asynchronous model averaging. */
export const asyncModelAverage = defineSchedule({
  name: 'async-model-average',
  summary:
    'every worker trains its own replica without waiting; a background all-reduce averages the replicas every syncInterval, keeping the local steps taken meanwhile',
  reference:
    'Gan et al., "BAGUA: Scaling up Distributed Learning with System Relaxations", VLDB 2022 (AsyncModelAverageAlgorithm; spec §22)',
  semantics: 'asynchronous',
  options: {
    syncInterval: {
      type: 'quantity',
      dimension: 'duration',
      greaterThan: 0,
      default: '500 ms',
      description: 'sleep between the end of one averaging round and the start of the next (BAGUA sync_interval_ms)',
    },
    warmupSteps: {
      type: 'number',
      integer: true,
      min: 0,
      default: 0,
      description: 'synchronous gradient all-reduce steps before the asynchronous averaging starts',
    },
    algorithm: {
      type: 'collective',
      op: 'all-reduce',
      default: 'ring',
      description: 'all-reduce algorithm, for the warm-up gradients and the model averages',
    },
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { sim, trainer, progress } = ctx;
    const crew = new Crew(ctx);
    const opt = trainer.optimizer();
    const sync = new SyncStep(ctx, crew, opt, { kind: 'all-reduce', algorithm: o.algorithm });
    for (let t = 0; t < o.warmupSteps && progress.running; t++) yield* sync.step();
    if (!progress.running) return;
    const avg = new TimerAverager(ctx, crew, progress.current);
    const opts = crew.ranks.map(() => opt.clone());

    function* worker(i: number): ProcessGenerator<void> {
      const rank = crew.ranks[i]!;
      while (progress.running) {
        const t0 = crew.nowS;
        const versionRead = avg.versions[i]!;
        const grad = trainer.gradient(avg.replicas[i]!, rank);
        const c = crew.stepTime(rank, t0);
        crew.book(rank, t0, c, 'fwd+bwd+step');
        yield* crew.until(t0 + c);
        avg.take(i);
        const versionApplied = avg.versions[i]!;
        avg.replicas[i] = trainer.apply(opts[i]!, avg.replicas[i]!, grad, versionApplied + 1);
        avg.versions[i] = versionApplied + 1;
        crew.row({ worker: rank, versionRead, versionApplied, grad });
        crew.commit(trainer.average(avg.replicas, progress.updates + 1), 1, rank, 1);
      }
    }
    const workers = crew.ranks.map((_, i) => sim.process(worker(i), `async-model-average worker ${i}`));
    sim.process(avg.run(o.syncInterval, o.algorithm), 'async-model-average averager');
    yield sim.allOf(workers);
  },
});
