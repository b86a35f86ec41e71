/**
 * Tick-tock pieces for schedules that run two waves of tasks on the same GPUs (Wavelet, spec §13):
 *
 * - `WaveShare`: processor sharing of one GPU by the tasks that run on it now, on core events. k tasks
 *   on a GPU each progress at speedup(k)/k of their solo rate; when a task starts or ends, the others'
 *   remaining work is re-timed. It books the GPU's busy time (the union of its tasks, so two tasks at
 *   once never count twice) as compute on the rank, segment by segment as the task count changes, so
 *   a run stopped mid-task keeps only what happened before the stop.
 *   This is a minimal private stand-in for `hardware/gpu-share.ts` (being written on branch fam-mem,
 *   same `run(rank, soloS)` / `running(rank)` surface); it adds the stats booking a schedule needs.
 * - `waveMemory`: the activation memory of one task as it runs (grows layer by layer through the
 *   forward pass, falls in reverse through the backward pass) and the per-GPU peak of two such tasks
 *   offset by a fraction of the cycle, against one task and against two tasks started together.
 */
import type { Event } from '../../core/events.ts';
import { wait, type ProcessGenerator } from '../../core/process.ts';
import { seconds } from '../../core/units.ts';
import type { LayerProfile } from '../../workload/types.ts';
import type { ScheduleContext } from '../context.ts';
import type { Crew } from './crew.ts';

/** Aggregate throughput of k co-running tasks relative to one (speedup(1) = 1, non-decreasing, ≤ k). */
export type SpeedupCurve = (k: number) => number;

/** k ↦ min(k, s)·… : 1 for one task, `pair` for two or more (a GPU gains nothing beyond two waves). */
export function pairSpeedup(pair: number): SpeedupCurve {
  if (!(pair >= 1 && pair <= 2)) throw new RangeError(`pair speedup must be in [1, 2], got ${pair}`);
  return (k) => (k <= 1 ? 1 : pair);
}

interface Task {
  /** Solo seconds of work left at `WaveShare.last[rank]`. */
  left: number;
  readonly done: Event<void>;
}

/** Processor sharing of each rank's GPU by its running tasks (see the file header). */
export class WaveShare {
  private readonly tasks: Task[][];
  /** When each rank's remaining work was last brought up to date. */
  private readonly last: Float64Array;
  /** Bumped on every change of a rank's task set: a completion timer of an older generation is void. */
  private readonly gen: Int32Array;
  /** Busy seconds booked per rank so far (up to `last`). */
  private readonly busy: Float64Array;

  constructor(
    private readonly ctx: ScheduleContext,
    private readonly curve: SpeedupCurve,
  ) {
    const n = ctx.workers;
    this.tasks = Array.from({ length: n }, () => []);
    this.last = new Float64Array(n);
    this.gen = new Int32Array(n);
    this.busy = new Float64Array(n);
  }

  private get now(): number {
    return this.ctx.sim.now as number;
  }

  /** Tasks running on `rank` now. */
  running(rank: number): number {
    return this.tasks[rank]!.length;
  }

  /** Busy seconds of `rank`'s GPU from the start of the run until now (tasks still running included). */
  busyS(rank: number): number {
    return this.busy[rank]! + (this.tasks[rank]!.length > 0 ? this.now - this.last[rank]! : 0);
  }

  /** Runs `soloS` seconds of work on `rank`'s GPU, sharing it with whatever else runs there. */
  run(rank: number, soloS: number): Event<void> {
    this.advance(rank);
    const done = this.ctx.sim.event<void>();
    this.tasks[rank]!.push({ left: soloS, done });
    this.reschedule(rank);
    return done;
  }

  /** Brings the remaining work of `rank`'s tasks and its busy time up to now. */
  private advance(rank: number): void {
    const now = this.now;
    const ts = this.tasks[rank]!;
    const dt = now - this.last[rank]!;
    if (ts.length > 0 && dt > 0) {
      const rate = this.curve(ts.length) / ts.length;
      for (const t of ts) t.left -= dt * rate;
      this.ctx.stats.compute(rank, this.last[rank]!, dt);
      this.busy[rank]! += dt;
    }
    this.last[rank] = now;
  }

  /** Sets a timer for the first task of `rank` to finish at the current rate. */
  private reschedule(rank: number): void {
    const g = ++this.gen[rank]!;
    const ts = this.tasks[rank]!;
    if (ts.length === 0) return;
    let least = Infinity;
    for (const t of ts) least = Math.min(least, t.left);
    const rate = this.curve(ts.length) / ts.length;
    this.ctx.sim.schedule(seconds(Math.max(0, least / rate)), () => {
      if (this.gen[rank] !== g) return;
      this.advance(rank);
      // Finish every task whose work is (to rounding) done, in start order.
      const eps = 1e-12 * Math.max(1, least);
      const finished = ts.filter((t) => t.left <= eps);
      this.tasks[rank] = ts.filter((t) => t.left > eps);
      this.reschedule(rank);
      for (const t of finished) t.done.succeed();
    });
  }
}

/**
 * Starts one fwd+bwd task of a wave on every rank of `crew` now (each with its straggler factor drawn
 * now) and waits for all of them. The GPU time is booked by `share`.
 */
export function* waveTasks(ctx: ScheduleContext, crew: Crew, share: WaveShare): ProcessGenerator<void> {
  const t0 = crew.nowS;
  const events = crew.ranks.map((r) => share.run(r, crew.stepTime(r, t0)));
  yield* wait(ctx.sim.allOf(events));
}

/**
 * An all-reduce of `bytes` over the crew whose time on each rank is communication, only the part
 * during which the rank's GPU was idle counting as exposed (the other wave computes meanwhile).
 */
export function* waveAllReduce(
  crew: Crew,
  share: WaveShare,
  bytes: number,
  algorithm: string,
  label: string,
): ProcessGenerator<void> {
  const before = crew.ranks.map((r) => share.busyS(r));
  const out = yield* crew.allReduce(bytes, { algorithm, record: false });
  for (let i = 0; i < crew.size; i++) {
    const r = crew.ranks[i]!;
    const overlapped = Math.min(out.timeS, share.busyS(r) - before[i]!);
    crew.comm(r, out.startS, out.timeS, Math.max(0, out.timeS - overlapped));
    crew.commSpan(r, `${label} all-reduce ${out.algorithm}`, out.startS, out.timeS);
  }
}

/** Activation memory of one task of batch `batch` over its step, at each layer boundary. */
export interface ActivationTimeline {
  /** Times in [0, 1] of the step (fraction of its solo fwd+bwd time), increasing. */
  readonly at: readonly number[];
  /** Activation bytes held from `at[i]` to `at[i + 1]`. */
  readonly bytes: readonly number[];
}

/**
 * One task's activations: each forward layer keeps its output (activationBytesPerSample × batch) until
 * the backward pass has gone back through that layer; the backward takes twice the forward per layer
 * (spec §0.4). Layer times are in proportion to the layer's FLOPs (equal shares when no FLOPs).
 */
export function activationTimeline(layers: readonly LayerProfile[], batch: number): ActivationTimeline {
  const flops = layers.reduce((s, l) => s + l.forwardFlopsPerSample, 0);
  const L = layers.length;
  const fwd = layers.map((l) => (flops > 0 ? l.forwardFlopsPerSample / flops : 1 / L) / 3);
  const at: number[] = [];
  const bytes: number[] = [];
  let t = 0;
  let held = 0;
  for (let i = 0; i < L; i++) {
    held += layers[i]!.activationBytesPerSample * batch;
    at.push(t);
    bytes.push(held);
    t += fwd[i]!;
  }
  for (let i = L - 1; i >= 0; i--) {
    // The layer's activations are freed when its backward has run.
    at.push(t);
    bytes.push(held);
    t += 2 * fwd[i]!;
    held -= layers[i]!.activationBytesPerSample * batch;
  }
  return { at, bytes };
}

/** Activation bytes of the timeline at fraction `x` of the step (x mod 1: a wave repeats its step). */
function heldAt(tl: ActivationTimeline, x: number): number {
  const f = x - Math.floor(x);
  let b = 0;
  for (let i = 0; i < tl.at.length && tl.at[i]! <= f + 1e-12; i++) b = tl.bytes[i]!;
  return b;
}

/**
 * Peak activation bytes on one GPU of two back-to-back waves of this timeline, the second offset by
 * `offset` of a step (solo timing; with processor sharing both slow down alike, so the phase relation
 * holds while they overlap). offset 0: two plain copies started together (2 × one task's peak).
 */
export function pairedPeak(tl: ActivationTimeline, offset: number): number {
  const points = new Set<number>();
  for (const a of tl.at) {
    points.add(a);
    points.add((((a + offset) % 1) + 1) % 1);
  }
  let peak = 0;
  for (const p of points) peak = Math.max(peak, heldAt(tl, p) + heldAt(tl, p - offset));
  return peak;
}

/** Peak activation bytes of one task alone. */
export function singlePeak(tl: ActivationTimeline): number {
  return Math.max(0, ...tl.bytes);
}
