/**
 * Local SGD with periodic model averaging (spec/algorithms.md §8; Lin, Stich, Patel, Jaggi, "Don't Use
 * Large Mini-Batches, Use Local SGD", ICLR 2020).
 *
 * Timeline of one round: every worker starts from the same averaged model and takes H local steps on
 * its own replica with its own optimizer state (local momentum stays local), each step timed on its
 * own GPU with its own straggler factor; when the slowest worker has finished its H steps, the
 * replicas' parameters are averaged by one all-reduce of the full model, and the next round starts.
 * Communication is one all-reduce per H steps instead of one per step.
 *
 * Versions: the global model advances H steps per round (so `updates` counts steps, as for
 * sync-allreduce); local step h of a round starting at version g reads and writes the worker's own
 * replica at version g+h, so every staleness is 0 (replicas drift; they are not stale). With H = 1 and
 * plain SGD the average of the N updated replicas equals one step on the mean gradient: sync-allreduce.
 */
import type { ProcessGenerator } from '../core/process.ts';
import { seconds } from '../core/units.ts';
import type { CollectiveOutcome } from '../collectives/communicator.ts';
import type { ParamSnapshot } from '../training/engine/snapshot.ts';
import type { ScheduleContext } from './context.ts';
import type { OptionValues } from './options.ts';
import type { GradientRef } from './lib/trainer.ts';
import type { ScheduleDefinition } from './types.ts';

function* run(ctx: ScheduleContext, h: number, algorithm: string): ProcessGenerator<void> {
  const { sim, workers: n, compute, trainer, recorder, stats, progress } = ctx;
  const group = Array.from({ length: n }, (_, i) => i);
  const opts = group.map(() => trainer.optimizer());
  const spans = recorder.wantsSpans;
  const replicas: ParamSnapshot[] = new Array<ParamSnapshot>(n);
  const grads: (GradientRef | null)[] = new Array<GradientRef | null>(n);
  const clock = new Float64Array(n);
  while (progress.running) {
    const t0 = sim.now as number;
    const g = progress.current.version;
    for (let i = 0; i < n; i++) {
      replicas[i] = progress.current;
      clock[i] = t0;
    }
    for (let step = 0; step < h; step++) {
      // Request every worker's step first, so the engine computes them in one flush.
      for (let i = 0; i < n; i++) {
        grads[i] = trainer.gradient(replicas[i]!, i);
        progress.addSamples(ctx.batchSize);
        const c = compute.stepS(i) * compute.factor(i, clock[i]!);
        stats.compute(i, c);
        if (spans) recorder.span({ worker: i, kind: 'compute', name: `local step ${step + 1}/${h}`, startS: clock[i]!, durationS: c });
        clock[i]! += c;
      }
      for (let i = 0; i < n; i++) {
        const gr = grads[i]!;
        const loss = gr === null ? undefined : gr.value().loss;
        replicas[i] = trainer.apply(opts[i]!, replicas[i]!, gr, trainer.lr(g + step), g + step + 1);
        // The update lands when the worker's step ends; the row carries that time.
        recorder.update({ timeS: clock[i]!, worker: i, stage: 0, versionRead: g + step, versionApplied: g + step, loss });
        stats.updates[i]!++;
      }
      // A diverged replica makes the rest of the round NaN arithmetic: end the round after this step
      // (the run stops when the step that diverged ends), so no later step is booked as compute.
      if (progress.divergence !== undefined) break;
    }
    let slowest = t0;
    for (let i = 0; i < n; i++) slowest = Math.max(slowest, clock[i]!);
    if (slowest > (sim.now as number)) yield sim.timeout(seconds(slowest - (sim.now as number)));
    const out = (yield ctx.comm.allReduce(group, compute.gradBytes, { algorithm })) as CollectiveOutcome<Float32Array>;
    for (let i = 0; i < n; i++) stats.comm(i, out.timeS);
    if (spans) {
      for (let i = 0; i < n; i++) recorder.span({ worker: i, kind: 'comm', name: `average (all-reduce ${out.algorithm})`, startS: out.startS, durationS: out.timeS });
    }
    progress.commit(trainer.average(replicas, g + h), h);
  }
}

/** Local SGD with periodic model averaging. */
export const localSgd: ScheduleDefinition = {
  name: 'local-sgd',
  summary: 'each worker takes H local steps on its own replica, then the replicas are averaged by an all-reduce',
  reference: 'Lin, Stich, Patel, Jaggi, "Don\'t Use Large Mini-Batches, Use Local SGD", ICLR 2020 (spec §8)',
  semantics: 'synchronous',
  options: {
    localSteps: { type: 'number', integer: true, min: 1, default: 4, description: 'H: local steps between averages (H = 1 with plain SGD is sync-allreduce)' },
    algorithm: { type: 'collective', op: 'all-reduce', default: 'ring', description: 'all-reduce algorithm for the averaging' },
  },
  start(ctx: ScheduleContext, options: OptionValues): ProcessGenerator<void> {
    return run(ctx, Number(options['localSteps'] ?? 4), String(options['algorithm'] ?? 'ring'));
  },
};
