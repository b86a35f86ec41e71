/**
 * Tick-tock pieces for schedules that run two waves of tasks on the same GPUs (Wavelet, spec §13):
 *
 * - `WaveShare`: `hardware/gpu-share.ts` (processor sharing: k tasks on a GPU each progress at
 *   speedup(k)/k of their solo rate, re-timed when a task starts or ends) plus the booking a schedule
 *   needs: the GPU's busy time (the union of its tasks, so two tasks at once never count twice) is
 *   booked as compute on the rank, segment by segment as the task count changes, so a run stopped
 *   mid-task keeps only what happened before the stop.
 * - Activation lifetimes: one task's activations grow layer by layer through the forward pass and
 *   fall in reverse through the backward pass; `activationPeak` sweeps several such tasks started at
 *   given fractions of a cycle (tick at 0, tock at the offset) and returns the per-GPU peak, and
 *   `bookActivationSweep` books the same sweep in a `MemoryLedger`.
 */
import type { Event } from '../../core/events.ts';
import { wait, type ProcessGenerator } from '../../core/process.ts';
import { GpuShare, type SpeedupCurve } from '../../hardware/gpu-share.ts';
import type { Allocation, MemoryLedger } from '../../hardware/memory-ledger.ts';
import type { LayerProfile } from '../../workload/types.ts';
import type { ScheduleContext } from '../context.ts';
import type { Crew } from './crew.ts';

/** k ↦ 1 for one task, `pair` for two or more (a GPU gains nothing beyond two waves). */
export function pairSpeedup(pair: number): SpeedupCurve {
  if (!(pair >= 1 && pair <= 2)) throw new RangeError(`pair speedup must be in [1, 2], got ${pair}`);
  return (k) => (k <= 0 ? 0 : k === 1 ? 1 : pair);
}

/** Processor sharing of each rank's GPU with its busy time booked as compute (see the file header). */
export class WaveShare {
  private readonly gpus: GpuShare;
  private readonly count: Int32Array;
  /** When each rank's busy time was last brought up to date. */
  private readonly last: Float64Array;
  /** Busy seconds booked per rank so far (up to `last`). */
  private readonly busy: Float64Array;

  constructor(
    private readonly ctx: ScheduleContext,
    curve: SpeedupCurve,
  ) {
    const n = ctx.workers;
    this.gpus = new GpuShare(ctx.sim, n, curve);
    this.count = new Int32Array(n);
    this.last = new Float64Array(n);
    this.busy = new Float64Array(n);
  }

  private get now(): number {
    return this.ctx.sim.now as number;
  }

  /** Tasks running on `rank` now. */
  running(rank: number): number {
    return this.gpus.running(rank);
  }

  /** Busy seconds of `rank`'s GPU from the start of the run until now (tasks still running included). */
  busyS(rank: number): number {
    return this.busy[rank]! + (this.count[rank]! > 0 ? this.now - this.last[rank]! : 0);
  }

  /** Runs `soloS` seconds of work on `rank`'s GPU, sharing it with whatever else runs there. */
  run(rank: number, soloS: number): Event<void> {
    this.advance(rank);
    this.count[rank]!++;
    const done = this.gpus.run(rank, soloS);
    done.onProcessed(() => {
      this.advance(rank);
      this.count[rank]!--;
    });
    return done;
  }

  /** Books `rank`'s busy time since the last change of its task count. */
  private advance(rank: number): void {
    const now = this.now;
    const dt = now - this.last[rank]!;
    if (this.count[rank]! > 0 && dt > 0) {
      this.ctx.stats.compute(rank, this.last[rank]!, dt);
      this.busy[rank]! += dt;
    }
    this.last[rank] = now;
  }
}

/**
 * Starts one fwd+bwd task of a wave on every rank of `crew` now (each with its straggler factor drawn
 * now) and waits for all of them. The GPU time is booked by `share`; with the trace on, each task is a
 * compute span named `label` from its start to its end (the two waves' spans overlap on a GPU).
 */
export function* waveTasks(ctx: ScheduleContext, crew: Crew, share: WaveShare, label: string): ProcessGenerator<void> {
  const t0 = crew.nowS;
  const spans = ctx.recorder.wantsSpans;
  const events = crew.ranks.map((r) => {
    const done = share.run(r, crew.stepTime(r, t0));
    if (spans)
      done.onProcessed(() =>
        ctx.recorder.span({ worker: r, kind: 'compute', name: label, startS: t0, durationS: crew.nowS - t0 }),
      );
    return done;
  });
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

/** When one layer's activations are held, as fractions of one task's solo fwd+bwd time. */
export interface LayerLife {
  readonly allocAt: number;
  readonly freeAt: number;
  readonly bytes: number;
}

/**
 * One task's activations: each forward layer keeps its activations (activationBytesPerSample × batch)
 * from its forward until the backward pass has gone back through it; the backward takes twice the
 * forward per layer (spec §0.4). Layer times are in proportion to the layer's forward FLOPs (equal
 * shares when the profile has none). The peak, at the end of the forward pass, is Σ layers'
 * activations, what workload/memory.ts's `activationBytes` books for one batch.
 */
export function activationLives(layers: readonly LayerProfile[], batch: number): LayerLife[] {
  const flops = layers.reduce((s, l) => s + l.forwardFlopsPerSample, 0);
  const L = layers.length;
  const fwd = layers.map((l) => (flops > 0 ? l.forwardFlopsPerSample / flops : 1 / L) / 3);
  const start: number[] = [];
  let t = 0;
  for (let i = 0; i < L; i++) {
    start.push(t);
    t += fwd[i]!;
  }
  const free: number[] = new Array<number>(L);
  for (let i = L - 1; i >= 0; i--) {
    t += 2 * fwd[i]!;
    free[i] = i === 0 ? 1 : t;
  }
  return layers.map((l, i) => ({ allocAt: start[i]!, freeAt: free[i]!, bytes: l.activationBytesPerSample * batch }));
}

/**
 * The alloc (+bytes) and free (−bytes) steps of tasks started at `starts` (fractions of a cycle), in
 * time order; at a tie frees come first (a layer's memory is released before the next one claims it).
 */
function sweep(lives: readonly LayerLife[], starts: readonly number[]): { t: number; bytes: number; k: number }[] {
  const ev: { t: number; bytes: number; k: number }[] = [];
  starts.forEach((s, task) =>
    lives.forEach((l, i) => {
      ev.push({ t: s + l.allocAt, bytes: l.bytes, k: task * lives.length + i });
      ev.push({ t: s + l.freeAt, bytes: -l.bytes, k: task * lives.length + i });
    }),
  );
  return ev.sort((a, b) => a.t - b.t || a.bytes - b.bytes || a.k - b.k);
}

/** Peak activation bytes on one GPU of tasks started at `starts` (fractions of a cycle). */
export function activationPeak(lives: readonly LayerLife[], starts: readonly number[]): number {
  let held = 0;
  let peak = 0;
  for (const e of sweep(lives, starts)) peak = Math.max(peak, (held += e.bytes));
  return peak;
}

/** Books the sweep of `activationPeak` on `rank` (allocs and frees in time order; nothing left held). */
export function bookActivationSweep(
  ledger: MemoryLedger,
  rank: number,
  lives: readonly LayerLife[],
  starts: readonly number[],
): void {
  const live = new Map<number, Allocation>();
  for (const e of sweep(lives, starts)) {
    if (e.bytes >= 0) live.set(e.k, ledger.alloc(rank, e.bytes, 'activations'));
    else {
      ledger.free(live.get(e.k)!);
      live.delete(e.k);
    }
  }
}
