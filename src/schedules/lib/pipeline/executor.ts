/**
 * The pipeline executor on the simulated clock (spec §14–16, review schedule-api.md §4.4): plays a
 * flush schedule's per-rank op lists ({@link PipeProgram}) as simulator processes, one batch at a time.
 *
 * Shape (this slice): a pure pipeline, stage s on rank s for every worker, no data-parallel replicas.
 * The batch is workers × batchSize samples, the global batch a data-parallel run on the same GPUs
 * takes, cut into M micro-batches of workers × batchSize / M. Each stage-rank applies one update to its
 * stage's parameters per batch, and is credited one per-worker batch (batchSize samples) for it, so
 * samples = batchSize × Σ workers' updates counts exactly the global batch once.
 *
 * Timeline of one batch: every rank runs its ops in program order, one at a time; an op starts when its
 * rank is free and its data has arrived: F of micro-batch j on stage s > 0 after stage s − 1's F of j
 * has been sent to it, B on stage s < S − 1 after stage s + 1's B of j has sent the gradient back (the
 * last stage's B follows its own F by program order). Each op lasts its stage's nominal time
 * (stage-times.ts) × the rank's straggler factor drawn at its start. Sends go through the communicator
 * (`crew.send`, the stage boundary's bytes) without blocking the sender, which is how PyTorch's
 * pipelining issues `isend`s; the send is recorded as communication of the sender hidden by compute.
 * After every rank's last op, the flush: one optimizer step on every stage, version v + 1.
 *
 * Math (flush fast path, review §2): every F and B of the batch reads version v, so the stage-wise
 * gradients together are exactly the full model's gradient on the batch, `meanGradient` over the data
 * keys of the ranks (the same call sync-allreduce makes); it is applied once. Every τ is 0.
 */
import type { Event } from '../../../core/events.ts';
import type { Process, ProcessGenerator } from '../../../core/process.ts';
import type { OptionSpecs } from '../../../core/options.ts';
import type { ScheduleContext } from '../../context.ts';
import { Crew } from '../crew.ts';
import type { PipeComputeOp, PipeProgram } from './pipe-op.ts';
import { pipelineStageTimes, type StageTimes } from './stage-times.ts';
import { checkProgram } from './timeline.ts';

/** The option every pure-pipeline schedule takes; spread into its options. */
export const PIPE_OPTIONS = {
  microBatches: {
    type: 'number',
    integer: true,
    min: 1,
    default: 4,
    description: 'M: micro-batches per batch (the batch is workers × batch size samples)',
  },
} as const satisfies OptionSpecs;

/** What to run. */
export interface PipelineOptions {
  /** The schedule as data. */
  readonly program: PipeProgram;
  /** Micro-batches per batch (M). */
  readonly microBatches: number;
  /**
   * Model chunks per rank (v, interleaved schedules): chunk c of rank d is virtual stage c·S + d, and
   * the model is split into v·S parts. Default 1.
   */
  readonly chunks?: number;
  /** Manual layers per stage; absent: `planPartition` (or equal parts, see stage-times.ts). */
  readonly layersPerStage?: readonly number[];
}

/**
 * Runs the pipeline until the run stops (see the file header).
 * @throws RangeError when workers × batchSize is not a multiple of the micro-batches.
 */
export function* runPipeline(ctx: ScheduleContext, o: PipelineOptions): ProcessGenerator<void> {
  const S = ctx.workers;
  const M = o.microBatches;
  const global = S * ctx.batchSize;
  if (!Number.isInteger(M) || M < 1 || global % M !== 0)
    throw new RangeError(
      `microBatches must divide the pipeline's batch (${S} workers × batch size ${ctx.batchSize} = ${global}), got ${M}`,
    );
  const v = o.chunks ?? 1;
  const crew = new Crew(ctx);
  // One entry per virtual stage c·S + d, which runs on device d.
  const devices = Array.from({ length: v * S }, (_, vs) => ctx.devices[vs % S]!);
  const times = pipelineStageTimes(ctx.compute, devices, global / M, o.layersPerStage);
  const programs = crew.ranks.map((r) => {
    const ops = o.program(r, S, M, v);
    checkProgram(r, ops, M, v);
    return ops.filter((x): x is PipeComputeOp => x.op !== 'step');
  });
  const opt = ctx.trainer.optimizer();
  while (ctx.progress.running) {
    const snap = ctx.progress.current;
    const v = snap.version;
    yield* oneBatch(ctx, crew, programs, times);
    const grad = ctx.trainer.meanGradient(snap, crew.ranks);
    const next = ctx.trainer.apply(opt, snap, grad, v + 1);
    for (const r of crew.ranks) crew.row({ worker: r, stage: r, versionRead: v, versionApplied: v, grad });
    crew.commit(next, 1, crew.ranks, 1);
  }
}

/** Plays one batch of every rank's ops; returns when the last op has finished. */
function* oneBatch(
  ctx: ScheduleContext,
  crew: Crew,
  programs: readonly (readonly PipeComputeOp[])[],
  times: readonly StageTimes[],
): ProcessGenerator<void> {
  const { sim } = ctx;
  const S = programs.length;
  const V = times.length; // virtual stages: S × chunks
  const v = V / S;
  const M = programs[0]!.filter((x) => x.op === 'F').length / v;
  // arrived[vs][j]: the activation of micro-batch j reached virtual stage vs; gradBack[vs][j]: the
  // gradient sent back from vs + 1 did.
  const grid = (): Event<void>[][] => times.map(() => Array.from({ length: M }, () => sim.event<void>()));
  const arrived = grid();
  const gradBack = grid();

  function* send(src: number, dst: number, bytes: number, label: string, done: Event<void>): ProcessGenerator<void> {
    const t = crew.nowS;
    yield crew.send(src, dst, bytes);
    const d = crew.nowS - t;
    crew.comm(src, t, d, 0);
    crew.commSpan(src, label, t, d);
    done.succeed();
  }

  // A split backward (zero-bubble) runs I, the input gradient the previous stage waits for, and later
  // W, the weight gradient, which waits for nothing but its own I (program order on the rank).
  function* stage(s: number): ProcessGenerator<void> {
    for (const x of programs[s]!) {
      const vs = x.chunk * S + s;
      const t = times[vs]!;
      let wait: Event<void> | undefined;
      if (x.op === 'F') wait = vs > 0 ? arrived[vs]![x.mb] : undefined;
      else if (x.op !== 'W') wait = vs < V - 1 ? gradBack[vs]![x.mb] : undefined;
      if (wait !== undefined) yield wait;
      const start = crew.nowS;
      const d = { F: t.tF, B: t.tB, I: t.tI, W: t.tW }[x.op] * ctx.compute.factor(s, start);
      yield* crew.until(start + d);
      crew.book(s, start, d, v === 1 ? `${x.op}${x.mb}` : `${x.op}${x.mb}.${x.chunk}`);
      // The next virtual stage runs on the next device (from the last device, the first one's next chunk).
      if (x.op === 'F' && vs < V - 1)
        sim.process(send(s, (vs + 1) % S, t.boundaryBytes, `act ${x.mb}`, arrived[vs + 1]![x.mb]!));
      if ((x.op === 'B' || x.op === 'I') && vs > 0)
        sim.process(send(s, (vs - 1) % S, times[vs - 1]!.boundaryBytes, `grad ${x.mb}`, gradBack[vs - 1]![x.mb]!));
    }
  }

  const running: Process<void>[] = programs.map((_, s) => sim.process(stage(s), `pipeline stage ${s}`));
  yield sim.allOf(running);
}
