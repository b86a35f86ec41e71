/**
 * The asynchronous pipeline executor (spec §15–18, §0.2–0.3; review schedule-api.md §4.4): plays the
 * endless 1F1B streams of streams.ts on the layout of layout.ts, with real stage-wise math, and lets a
 * {@link WeightPolicy} decide what each schedule decides differently: which weights a forward and a
 * backward read, and how a stage steps.
 *
 * Per stage s (shared by its d replicas, whose weights are identical):
 * - `current`: the stage's weights, version = steps taken; a store of older versions that in-flight
 *   micro-batches still need (stashing: the forward's version is pinned until its backward; vertical
 *   sync: the version stage 0 read is pinned on every stage, and versions from stage 0's current one
 *   up are kept, since micro-batches entering later will ask for them). The store's size is the
 *   stage's weight-version count: memory (stage-memory.ts) and workers.csv's `peak_weight_versions`.
 * - Gradients of its backwards since the last step, over all replicas. At a step op every replica
 *   waits for the others (with d > 1, then the stage's all-reduce among them), then the mean of the
 *   gradients is applied once: the policy's step, or the scenario's optimizer (one state per stage)
 *   with the policy's learning-rate scale. One update row per gradient and GPU of its group:
 *   version_read = the version its forward read, version_backward = the one its backward read (when
 *   they differ: δ ≠ 0), version_applied = the version it was applied to (τ = applied − read).
 *
 * Math per op, at the op's start (after its data arrived), through `StagedTrainer`: F of micro-batch
 * j on stage s reads the previous stage's output (stage 0 draws p × batch size / M rows from data key
 * r·p + j mod p); B reads the next stage's input gradient. Requests are lazy and grouped per (stage,
 * snapshot): micro-batches that read one version run as one pass when their gradients are read, at
 * the step. In timing-only mode every vector is empty and the same code runs.
 *
 * The global model: when stage 0 steps (the last stage to step for a batch, since backwards end
 * there), the stages' current weights joined are published as the next version (one update; the
 * samples of the gradients stage 0 applied). Each GPU is credited the gradients its stage applied
 * (one per update row), so workers.csv's `updates` of stage s counts its own steps' micro-batches.
 */
import type { Event } from '../../../core/events.ts';
import type { ProcessGenerator } from '../../../core/process.ts';
import type { ParamSnapshot } from '../../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../../context.ts';
import type { ActRef, StagedTrainer } from '../staged.ts';
import type { GradientRef, ParamMath, Vec } from '../trainer.ts';
import { stageAllReduces } from './executor.ts';
import type { PipeComputeOp } from './pipe-op.ts';
import { setUpPipeline, type PipeSetupOptions } from './setup.ts';
import { asyncOneFOneB } from './streams.ts';

/** One stage as a policy sees it. */
export interface AsyncStage {
  readonly stage: number;
  /** The stage's weights now (version = steps taken). */
  readonly current: ParamSnapshot;
  /** Steps taken. */
  readonly steps: number;
  /**
   * The stage's delay D in updates, measured: τ of the last gradient it applied (before any, the
   * stream's warm-up in steps, ⌈(p − 1 − s) / every⌉).
   */
  readonly delay: number;
}

/** What an asynchronous pipeline schedule decides (see the file header). */
export interface WeightPolicy {
  /** Steps after every `every` backwards: 1 (PipeDream, Pipelined Backprop) or M (2BW, PipeMare). */
  readonly every: number;
  /** The backward reuses the forward's weights (weight stashing; δ = 0). */
  readonly stash: boolean;
  /** Every stage's forward reads the version stage 0 read for the micro-batch (PipeDream's vertical sync). */
  readonly verticalSync?: boolean;
  /** Parameter-sized vectors per stage the policy keeps beyond the optimizer (memory). */
  readonly buffers?: number;
  /** The weights a forward computes with, from the stored version it reads (Pipelined Backprop's prediction). */
  forwardWeights?(st: AsyncStage, w: ParamSnapshot): ParamSnapshot;
  /** Without stashing: the weights a backward reads (default: current; PipeMare's discrepancy correction). */
  backwardWeights?(st: AsyncStage, versionRead: number): ParamSnapshot;
  /** The learning-rate scale of the stage's optimizer step (PipeMare's T1); default 1. */
  lrScale?(st: AsyncStage): number;
  /** A step of its own instead of the optimizer's (Pipelined Backprop's spike compensation). */
  step?(st: AsyncStage, grad: Vec, version: number): ParamSnapshot;
  /** Called after every step with the weights before and after (PipeMare's Δ̄). */
  afterStep?(st: AsyncStage, before: ParamSnapshot, after: ParamSnapshot): void;
}

/** What a policy is built from. */
export interface PolicyEnv {
  readonly staged: StagedTrainer;
  readonly math: ParamMath;
  /** The scenario's learning rate at step k. */
  lr(k: number): number;
  /** p. */
  readonly stages: number;
  /** M. */
  readonly microBatches: number;
}

/** What to run. */
export interface AsyncPipelineOptions extends PipeSetupOptions {
  readonly policy: (env: PolicyEnv) => WeightPolicy;
}

interface Version {
  readonly snap: ParamSnapshot;
  pins: number;
}

interface Forward {
  readonly y: ActRef;
  readonly wF: ParamSnapshot;
  readonly vF: number;
}

interface Pending {
  readonly r: number;
  readonly grad: GradientRef;
  readonly vF: number;
  readonly vB: number;
}

class StageState implements AsyncStage {
  current: ParamSnapshot;
  steps = 0;
  delay: number;
  readonly versions = new Map<number, Version>();
  pending: Pending[] = [];
  arrivals = 0;

  constructor(
    readonly stage: number,
    w: ParamSnapshot,
    delay: number,
    readonly opt: ReturnType<ScheduleContext['trainer']['optimizer']>,
    public released: Event<void>,
  ) {
    this.current = w;
    this.delay = delay;
    this.versions.set(0, { snap: w, pins: 0 });
  }
}

/**
 * Runs the asynchronous pipeline until the run stops (see the file header).
 * @throws RangeError as `setUpPipeline`, or for chunks other than 1.
 */
export function* runAsyncPipeline(ctx: ScheduleContext, o: AsyncPipelineOptions): ProcessGenerator<void> {
  if ((o.chunks ?? 1) !== 1) throw new RangeError('asynchronous pipelines run one chunk per rank');
  const pipe = setUpPipeline(ctx, o);
  const { layout, crew, run, memory } = pipe;
  const { sim, trainer } = ctx;
  const p = layout.stages;
  const d = layout.replicas;
  const staged = trainer.staged(p);
  const policy = o.policy({
    staged,
    math: trainer.math,
    lr: (k) => trainer.lr(k),
    stages: p,
    microBatches: pipe.microBatches,
  });
  const every = policy.every;
  const stash = policy.stash;
  const vsync = policy.verticalSync === true;
  const stages = staged
    .split(ctx.progress.current)
    .map((w, s) => new StageState(s, w, Math.ceil((p - 1 - s) / every), trainer.optimizer(), sim.event<void>()));
  if ((policy.buffers ?? 0) > 0) for (let s = 0; s < p; s++) memory.buffers(s, policy.buffers!);

  const fwd = new Map<number, Forward>();
  const dIns = new Map<number, ActRef>();
  const entry = new Map<number, number>();
  const key = (r: number, s: number, mb: number): number => (mb * p + s) * d + r;

  const prune = (st: StageState): void => {
    const floor = vsync ? stages[0]!.steps : Infinity;
    for (const [v, x] of st.versions) if (x.pins === 0 && v !== st.steps && v < floor) st.versions.delete(v);
    memory.setVersions(st.stage, st.versions.size);
  };
  const pin = (st: StageState, v: number): void => {
    st.versions.get(v)!.pins++;
  };
  const unpin = (st: StageState, v: number): void => {
    st.versions.get(v)!.pins--;
    prune(st);
  };

  const forward = (r: number, s: number, mb: number): void => {
    const st = stages[s]!;
    let vF = st.steps;
    if (vsync) {
      if (s === 0) {
        entry.set(mb * d + r, vF);
        for (const x of stages) pin(x, vF);
      } else vF = entry.get(mb * d + r)!;
    } else if (stash) pin(st, vF);
    const stored = st.versions.get(vF)!.snap;
    const wF = policy.forwardWeights?.(st, stored) ?? stored;
    const x = s === 0 ? staged.input(layout.dataKey(r, mb % p), pipe.microBatchRows) : fwd.get(key(r, s - 1, mb))!.y;
    fwd.set(key(r, s, mb), { y: staged.forward(s, wF, x), wF, vF });
  };

  const backward = (r: number, s: number, mb: number): void => {
    const st = stages[s]!;
    const k = key(r, s, mb);
    const f = fwd.get(k)!;
    let wB: ParamSnapshot;
    let vB: number;
    if (stash || vsync) {
      wB = f.wF;
      vB = f.vF;
    } else {
      wB = policy.backwardWeights?.(st, f.vF) ?? st.current;
      vB = st.steps;
    }
    const dOut = s === p - 1 ? null : dIns.get(k)!;
    dIns.delete(k);
    const b = staged.backward(s, wB, f.y, dOut);
    if (s > 0) dIns.set(key(r, s - 1, mb), b.dIn);
    // Stage s − 1's forward output stays until its own backward; this stage's is done with.
    fwd.delete(k);
    if (vsync && s === p - 1) entry.delete(mb * d + r);
    st.pending.push({ r, grad: b.grad, vF: f.vF, vB });
    if (stash || vsync) unpin(st, f.vF);
  };

  function* step(s: number): ProcessGenerator<void> {
    const st = stages[s]!;
    if (++st.arrivals < d) {
      yield st.released;
      return;
    }
    if (d > 1) yield* stageAllReduces(ctx, pipe, [s]);
    const applied = st.steps;
    const got = st.pending;
    const grad = got.length === 1 ? got[0]!.grad.value().grad : trainer.math.mean(got.map((x) => x.grad.value().grad));
    // The delay of the gradients arriving now, before the policy's step reads it.
    st.delay = applied - got[got.length - 1]!.vF;
    const before = st.current;
    const next =
      policy.step?.(st, grad, applied + 1) ??
      staged.apply(st.opt, s, before, grad, applied + 1, { lrScale: policy.lrScale?.(st) ?? 1 });
    for (const x of got)
      for (const g of layout.group(x.r, s)) {
        crew.credit(g, 1);
        crew.row({
          worker: g,
          stage: s,
          versionRead: x.vF,
          versionApplied: applied,
          ...(x.vB !== x.vF ? { versionBackward: x.vB } : {}),
          grad: x.grad,
        });
      }
    policy.afterStep?.(st, before, next);
    st.current = next;
    st.steps = applied + 1;
    st.versions.set(st.steps, { snap: next, pins: 0 });
    st.pending = [];
    st.arrivals = 0;
    if (s === 0) for (const x of stages) prune(x);
    else prune(st);
    const released = st.released;
    st.released = sim.event<void>();
    released.succeed();
    if (s === 0) {
      const joined = staged.join(
        stages.map((x) => x.current),
        st.steps,
      );
      crew.commit(joined, 1, [], 0, got.length * pipe.microBatchRows);
    }
  }

  function* group(r: number, s: number): ProcessGenerator<void> {
    for (const x of asyncOneFOneB(s, p, every)) {
      if (!ctx.progress.running) return;
      if (x.op === 'step') {
        yield* step(s);
        continue;
      }
      const op: PipeComputeOp = x;
      yield* run.op(r, s, op, () => (op.op === 'F' ? forward(r, s, op.mb) : backward(r, s, op.mb)));
    }
  }

  const running = [];
  for (let r = 0; r < d; r++)
    for (let s = 0; s < p; s++) running.push(sim.process(group(r, s), `pipeline replica ${r} stage ${s}`));
  yield sim.allOf(running);
}
