/**
 * Wavelet: tick-tock data parallelism (Wang, Wang, Jiang, Li, Stoica, "Wavelet: Efficient DNN Training
 * with Tick-Tock Scheduling", MLSys 2021; spec/algorithms.md §13).
 *
 * Two waves of tasks on the same N GPUs: the tick wave (one task per GPU, data key = rank) and the tock
 * wave (one task per GPU, data key = N + rank), each of the run's per-worker batch. The tock wave starts
 * `offset` of a forward-backward cycle later (default ½), so its forward pass (activations growing)
 * runs while the tick wave's backward pass frees activations. While both run on a GPU they share it by
 * processor sharing (lib/tick-tock.ts): each progresses at speedup(2)/2 of its solo rate. Each wave has
 * its own all-reduce of the full gradient at the end of its backward pass, overlapping the other
 * wave's compute.
 *
 * The cross-wave synchronisation rule is not confirmed from the paper (spec §13), so both are here,
 * labelled by the `sync` option:
 *
 *   merged (synchronous, τ = 0):
 *     t0: every tick task reads version v ─ fwd+bwd ─ tick all-reduce
 *     t0 + offset·cycle: every tock task reads v ─ fwd+bwd ─ tock all-reduce
 *     both all-reduces done ─ one update with the mean of the 2N gradients ─ v + 1 ─ next iteration.
 *     Math: one merged request over keys 0 .. 2N − 1, i.e. exactly sync-allreduce on 2N workers.
 *   alternating (τ = 1):
 *     each wave loops on its own: read the current model ─ fwd+bwd ─ all-reduce ─ apply its own mean
 *     gradient to the current model. Updates strictly alternate tick, tock, tick, …, so while one wave
 *     computes exactly one update of the other wave lands: every update after the first has τ = 1.
 *
 * Counting: `updates` counts applied gradients (one batch each), as for async-ps: a merged update is
 * 2N of them (two per GPU), an alternating wave update N (one per GPU); each GPU writes one update row
 * per gradient it contributed. So summary samples = batch × Σ workers' updates, and stopping at the
 * same `updates` or `epochs` means the same samples trained.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import { activationLives, activationPeak, pairSpeedup, waveAllReduce, waveTasks, WaveShare } from './lib/tick-tock.ts';
import type { GradientRef, OptimizerState } from './lib/trainer.ts';
import { defineSchedule } from './types.ts';

/** Wavelet tick-tock data parallelism. */
export const wavelet = defineSchedule({
  name: 'wavelet',
  summary:
    'two waves of tasks per GPU (tick and tock), the tock wave half a forward-backward cycle later so one ' +
    "wave's forward overlaps the other's backward; each wave all-reduces its own gradient",
  reference:
    'Wang, Wang, Jiang, Li, Stoica, "Wavelet: Efficient DNN Training with Tick-Tock Scheduling", MLSys 2021 (spec §13)',
  semantics: 'asynchronous',
  options: {
    sync: {
      type: 'enum',
      values: ['merged', 'alternating'],
      default: 'merged',
      description:
        "cross-wave synchronisation (the paper's rule is unconfirmed, spec §13): 'merged' = one update per " +
        "iteration from both waves' gradients (τ = 0); 'alternating' = each wave applies its own update (τ = 1)",
    },
    offset: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.5,
      description: "tock wave's start delay as a fraction of the slowest GPU's nominal forward-backward time",
    },
    pairSpeedup: {
      type: 'number',
      min: 1,
      max: 2,
      default: 1,
      description:
        'aggregate throughput of two tasks sharing one GPU relative to one alone (1: pure time sharing, ' +
        '2: no interference)',
    },
    algorithm: { type: 'collective', op: 'all-reduce', default: 'ring', description: 'all-reduce algorithm' },
  },
  dataKeys: (_o, shape) => 2 * shape.workers,
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const crew = new Crew(ctx);
    const share = new WaveShare(ctx, pairSpeedup(o.pairSpeedup));
    const n = crew.size;
    const tickKeys = crew.ranks.map((r) => r);
    const tockKeys = crew.ranks.map((r) => n + r);
    // One offset for the wave: a fraction of the slowest GPU's nominal cycle (it sets the wave's pace).
    let cycle = 0;
    for (const r of crew.ranks) cycle = Math.max(cycle, ctx.compute.stepS(r));
    const offsetS = o.offset * cycle;
    const bytes = ctx.compute.gradBytes;
    const opt = ctx.trainer.optimizer();
    bookSecondWave(ctx, o.offset, o.sync === 'alternating');
    if (o.sync === 'merged') {
      const tockWave = function* (): ProcessGenerator<void> {
        yield* crew.until(crew.nowS + offsetS);
        yield* waveTasks(ctx, crew, share, 'tock fwd+bwd');
      };
      while (ctx.progress.running) {
        const snap = ctx.progress.current;
        const v = snap.version;
        const tock = ctx.sim.process(tockWave());
        yield* waveTasks(ctx, crew, share, 'tick fwd+bwd');
        yield* waveAllReduce(crew, share, bytes, o.algorithm, 'tick');
        yield tock;
        yield* waveAllReduce(crew, share, bytes, o.algorithm, 'tock');
        const grad = ctx.trainer.meanGradient(snap, [...tickKeys, ...tockKeys]);
        const next = ctx.trainer.apply(opt, snap, grad, v + 1);
        for (let k = 0; k < 2; k++)
          for (const w of crew.ranks) crew.row({ worker: w, versionRead: v, versionApplied: v, grad });
        crew.commit(next, 2 * n, crew.ranks, 2);
      }
      return;
    }
    // Alternating: two wave processes; `turn` counts updates, even = tick's, odd = tock's.
    const state = { turn: 0, waiting: null as (() => void) | null };
    const wave = function* (w: 0 | 1): ProcessGenerator<void> {
      const keys = w === 0 ? tickKeys : tockKeys;
      if (w === 1) yield* crew.until(crew.nowS + offsetS);
      while (ctx.progress.running) {
        // Each task reads the model when it starts: right after its own wave's previous update.
        const snap = ctx.progress.current;
        yield* waveTasks(ctx, crew, share, w === 0 ? 'tick fwd+bwd' : 'tock fwd+bwd');
        yield* waveAllReduce(crew, share, bytes, o.algorithm, w === 0 ? 'tick' : 'tock');
        while (state.turn % 2 !== w) {
          const ev = ctx.sim.event<void>();
          state.waiting = () => ev.succeed();
          yield ev;
        }
        applyWave(ctx, crew, opt, snap.version, ctx.trainer.meanGradient(snap, keys));
        state.turn++;
        const wake = state.waiting;
        state.waiting = null;
        if (wake !== null) wake();
      }
    };
    yield ctx.sim.allOf([ctx.sim.process(wave(0)), ctx.sim.process(wave(1))]);
  },
});

/**
 * GPU memory: the run books one replica's state and one batch of activations on every rank
 * (`ScheduleContext.memory`); the second wave adds what the two waves' interleaved
 * activations need beyond one batch at their peak (lib/tick-tock.ts `activationPeak`, tasks at 0 and
 * at the offset, and for alternating also the tick wave's next task at 1, which may start before the
 * tock task ends), so the run's peak_memory_bytes shows the two-wave peak. Booked once, at the start:
 * the pattern repeats every iteration. OutOfMemoryError when it does not fit (unless the cluster
 * allows oversubscription).
 */
function bookSecondWave(ctx: ScheduleContext, offset: number, alternating: boolean): void {
  const memory = ctx.memory;
  const lives = activationLives(ctx.compute.profile.layers, ctx.batchSize);
  const extra = activationPeak(lives, alternating ? [0, offset, 1] : [0, offset]) - activationPeak(lives, [0]);
  for (let r = 0; r < ctx.workers; r++) memory.alloc(r, extra, 'activations');
}

/** Applies one wave's mean gradient (read at `read`) to the current model: N rows, N gradients. */
function applyWave(ctx: ScheduleContext, crew: Crew, opt: OptimizerState, read: number, grad: GradientRef): void {
  const cur = ctx.progress.current;
  const next = ctx.trainer.apply(opt, cur, grad, cur.version + 1);
  for (const w of crew.ranks) crew.row({ worker: w, versionRead: read, versionApplied: cur.version, grad });
  crew.commit(next, crew.size, crew.ranks, 1);
}
