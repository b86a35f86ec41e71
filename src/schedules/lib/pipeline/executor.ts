/**
 * The flush pipeline executor on the simulated clock (spec §14, §16.2, §19; review schedule-api.md
 * §4.4): plays a flush schedule's per-rank op lists ({@link PipeProgram}) one batch at a time, on the
 * layout of layout.ts (p stages × d replicas × t tensor-parallel GPUs).
 *
 * Timeline of one batch: every (replica, stage) group runs its program's ops in order through
 * pipe-run.ts (waits for data, compute × the group's straggler factor, non-blocking sends); after the
 * last op of every group, with d > 1 replicas, each stage's data-parallel all-reduce of its gradients
 * (stage parameters × bytes per value / t, among the d GPUs holding the same tensor shard; one per
 * stage and shard, all at once), as Megatron does after the flush; then one optimizer step on every
 * stage, version v + 1. Every GPU is credited one update per batch; the batch's samples are counted
 * once.
 *
 * Math (flush fast path, review §2): every F and B of the batch reads version v, so the stage-wise
 * gradients together are exactly the whole model's gradient on the batch: `meanGradient` over the data
 * keys of every (replica, stage) group, each one per-worker batch, applied once. Every τ is 0.
 * test/schedules/lib/full-staged.test.ts shows the staged path gives the same gradient.
 */
import type { Process, ProcessGenerator } from '../../../core/process.ts';
import type { ScheduleContext } from '../../context.ts';
import { Crew } from '../crew.ts';
import type { PipeComputeOp, PipeProgram } from './pipe-op.ts';
import { setUpPipeline, type PipeSetup, type PipeSetupOptions } from './setup.ts';
import { checkProgram } from './timeline.ts';

export { PIPE_OPTIONS } from './setup.ts';

/** What to run. */
export interface PipelineOptions extends PipeSetupOptions {
  /** The schedule as data. */
  readonly program: PipeProgram;
}

/**
 * Runs the pipeline until the run stops (see the file header).
 * @throws RangeError as `setUpPipeline`.
 */
export function* runPipeline(ctx: ScheduleContext, o: PipelineOptions): ProcessGenerator<void> {
  const pipe = setUpPipeline(ctx, o);
  const { layout, crew } = pipe;
  const p = layout.stages;
  const v = o.chunks ?? 1;
  const programs = Array.from({ length: p }, (_, s) => {
    const ops = o.program(s, p, pipe.microBatches, v);
    checkProgram(s, ops, pipe.microBatches, v);
    return ops.filter((x): x is PipeComputeOp => x.op !== 'step');
  });
  const keys = Array.from({ length: layout.replicas * p }, (_, k) => k);
  const opt = ctx.trainer.optimizer();
  while (ctx.progress.running) {
    const snap = ctx.progress.current;
    const ver = snap.version;
    yield* oneBatch(ctx, pipe, programs);
    if (layout.replicas > 1) yield* stageAllReduces(ctx, pipe);
    const grad = ctx.trainer.meanGradient(snap, keys);
    const next = ctx.trainer.apply(opt, snap, grad, ver + 1);
    for (const r of crew.ranks)
      crew.row({ worker: r, stage: ctx.stats.stage[r]!, versionRead: ver, versionApplied: ver, grad });
    crew.commit(next, 1, crew.ranks, 1, pipe.batchSamples);
  }
}

/** Plays one batch of every group's ops; returns when the last op has finished. */
function* oneBatch(
  ctx: ScheduleContext,
  pipe: PipeSetup,
  programs: readonly (readonly PipeComputeOp[])[],
): ProcessGenerator<void> {
  const { sim } = ctx;
  const { layout, run } = pipe;
  run.reset();
  const group = function* (r: number, s: number): ProcessGenerator<void> {
    for (const x of programs[s]!) yield* run.op(r, s, x);
  };
  const running: Process<void>[] = [];
  for (let r = 0; r < layout.replicas; r++)
    for (let s = 0; s < layout.stages; s++) running.push(sim.process(group(r, s), `pipeline replica ${r} stage ${s}`));
  yield sim.allOf(running);
}

/**
 * Stage gradient all-reduces among the d replicas, one per stage of `stages` (default all) and tensor
 * shard, all at once; returns when the last ends. Bytes: the stage's parameters (over its chunks) ×
 * bytes per value / t.
 */
export function* stageAllReduces(
  ctx: ScheduleContext,
  pipe: PipeSetup,
  stages: readonly number[] = Array.from({ length: pipe.layout.stages }, (_, s) => s),
): ProcessGenerator<void> {
  const { layout, footprints } = pipe;
  const p = layout.stages;
  const sim = ctx.sim;
  const running: Process<unknown>[] = [];
  // The gradients travel at the communication precision; the footprints hold them at the profile's.
  const wire = ctx.compute.wireBytesPerValue / ctx.compute.profile.bytesPerValue;
  for (const s of stages) {
    let bytes = 0;
    for (let vs = s; vs < footprints.length; vs += p) bytes += footprints[vs]!.weightBytes * wire;
    for (let k = 0; k < layout.tensor; k++) {
      const crew = new Crew(ctx, layout.dataGroup(s, k));
      running.push(sim.process(crew.allReduce(bytes, { label: (x) => `dp all-reduce stage ${s} ${x.algorithm}` })));
    }
  }
  yield sim.allOf(running);
}
