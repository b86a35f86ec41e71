import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import type { RunResult } from '../../src/results/recorder.ts';
import { tinyScenario, type TinyOptions } from './fixtures.ts';

/** Step time of every thread (custom timing, no stragglers). */
const C = 0.01;
/** The tiny task's logistic regression: 8 features × 3 classes + 3 biases. */
const P = 8 * 3 + 3;

function run(o: TinyOptions, simTimeS?: number): RunResult {
  const s: Scenario = tinyScenario({ stepTimeS: C, ...o });
  const scenario =
    simTimeS === undefined
      ? s
      : { ...s, training: { ...s.training, stop: { simTimeS } as Scenario['training']['stop'] } };
  return runScenario(scenario, 0);
}

function total(r: RunResult, name: string): number {
  return r.metrics.filter((m) => m.name === name).reduce((a, m) => a + m.value, 0);
}

describe('hogwild', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('with one thread is plain SGD: the same parameters as sync-allreduce on one worker, whatever the options', () => {
    // One thread: nothing else ever writes, so every read is the last model, every store adds
    // −lr·g to the value it read, with lr(k) at the k-th update: SGD, x ← x − lr(k)·g(x), computed per
    // coordinate in float64 and rounded once, as the SGD optimizer does. Coordinates outside the
    // support have g = 0 and are unchanged either way. Locks, racy stores and granules change nothing.
    const base = { workers: 1, updates: 25, lr: 0.2 };
    const ref = run({ ...base, schedule: 'sync-allreduce' });
    for (const scheduleOptions of [
      {},
      { locking: 'lock' },
      { writes: 'racy', granule: 4 },
      { granule: 100, writeShare: 0, stagger: false },
    ]) {
      const r = run({ ...base, schedule: 'hogwild', scheduleOptions });
      expect(r.updates).toBe(25);
      expect(Array.from(r.finalParams!), JSON.stringify(scheduleOptions)).toEqual(Array.from(ref.finalParams!));
      expect(total(r, 'conflicts')).toBe(0);
      expect(total(r, 'lost_updates')).toBe(0);
      expect(r.maxStaleness).toBe(0);
    }
  });

  it('scales each update by 1/max(1, τ) with lrScaling: staleness, and only when updates are stale', () => {
    // One thread: τ = 0 always, so the scaled rate is the rate itself. Four threads: τ reaches 3,
    // so the scaled run takes smaller steps and ends elsewhere.
    const one = { workers: 1, updates: 20, schedule: 'hogwild' };
    const a = run({ ...one, scheduleOptions: { lrScaling: 'none' } });
    const b = run({ ...one, scheduleOptions: { lrScaling: 'staleness' } });
    expect(Array.from(b.finalParams!)).toEqual(Array.from(a.finalParams!));
    const four = { workers: 4, updates: 40, schedule: 'hogwild' };
    const c = run({ ...four, scheduleOptions: { lrScaling: 'none' } });
    const d = run({ ...four, scheduleOptions: { lrScaling: 'staleness' } });
    expect(c.maxStaleness!).toBeGreaterThan(1);
    expect(Array.from(d.finalParams!)).not.toEqual(Array.from(c.finalParams!));
  });

  it('counts conflicts and lost updates exactly when N threads run in lock-step', () => {
    // Same step time, no stagger, dense gradients (the Gaussian mixture: every coordinate of the
    // logistic regression's gradient is non-zero, so each write stores all P granules). Every round
    // the N threads read together, compute, and store granule i at the same instant (the middle of the
    // i-th P-th of the write), so of the N stores on a granule the first finds the version read and
    // the other N − 1 conflict: (N − 1)·P conflicts per round. Racy: every thread loaded all granules
    // when the write began; the k-th store (k = 0 .. N−1) on a granule overwrites the k stores before
    // it: P·N(N − 1)/2 lost per round. The run stops at R·c + c/4, after R rounds of N updates.
    const n = 4;
    const rounds = 5;
    for (const writes of ['atomic', 'racy'] as const) {
      const r = run(
        { workers: n, schedule: 'hogwild', scheduleOptions: { writes, stagger: false }, updates: 10_000 },
        rounds * C + C / 4,
      );
      expect(r.updates).toBe(n * rounds);
      expect(total(r, 'conflicts')).toBe(rounds * (n - 1) * P);
      if (writes === 'racy') expect(total(r, 'lost_updates')).toBe((rounds * P * n * (n - 1)) / 2);
      else expect(r.metrics.some((m) => m.name === 'lost_updates')).toBe(false);
      // τ: in round r (from 0) all N read version N·r and count one after another: τ = 0 .. N−1.
      expect(r.meanStaleness).toBe((n - 1) / 2);
      expect(r.notes.some((s) => s.startsWith('metrics.csv: conflicts total'))).toBe(true);
    }
  });

  it('a lock caps throughput at 1/(f·c); without it N threads make N/c updates per second', () => {
    // Timing only. Without a lock each thread finishes an update every c: N·⌊T/c⌋ updates by T (no
    // stagger). With the lock, writes (f·c each) never overlap, so at most ⌊T/(f·c)⌋ + 1 writes finish
    // by T. And each thread's cycle is at most c plus the waits for the lock: before its read (FIFO:
    // at most the N − 1 other writes) and before its write (at most N − 1 again), so each thread
    // finishes at least ⌊T/(c + 2(N − 1)·f·c)⌋ updates.
    const n = 4;
    const f = 0.5;
    const T = 100 * C + C / 4;
    const opts = { mode: 'timing-only' as const, workers: n, schedule: 'hogwild', updates: 1e9 };
    const free = run({ ...opts, scheduleOptions: { stagger: false, writeShare: f } }, T);
    expect(free.updates).toBe(n * 100);
    const locked = run({ ...opts, scheduleOptions: { stagger: false, writeShare: f, locking: 'lock' } }, T);
    expect(locked.updates).toBeLessThanOrEqual(Math.floor(T / (f * C)) + 1);
    expect(locked.updates).toBeGreaterThanOrEqual(n * Math.floor(T / (C + 2 * (n - 1) * f * C)));
    expect(locked.updates).toBeLessThan(free.updates / 2 + 1);
  });

  it('conflicts fall with sparsity: sparse data conflicts far less than dense per stored granule', () => {
    // The sparse set's samples touch k = 2 of d = 200 features: a batch-1 gradient has support
    // 2 rows × 2 classes + 2 biases = 6 of 402 coordinates, so concurrent threads overlap mostly on
    // the biases. Dense data: every coordinate of every write overlaps every concurrent write.
    const sparse = runScenario(
      {
        ...tinyScenario({ workers: 4, schedule: 'hogwild', batchSize: 1, updates: 200, stepTimeS: C }),
        workload: {
          ...tinyScenario().workload,
          batchSize: 1,
          timing: { kind: 'custom', stepTimeS: C, paramBytes: 1e4 },
          dataset: { kind: 'sparse-synthetic', options: { n: 1000, d: 200, k: 2, testFraction: 0.2 } },
        },
      },
      0,
    );
    const conflictsPerUpdate = total(sparse, 'conflicts') / sparse.updates;
    // At most the 2 biases plus a few feature rows conflict per update, out of 6 granules stored.
    expect(conflictsPerUpdate).toBeGreaterThan(0);
    expect(conflictsPerUpdate).toBeLessThan(4);
    const dense = run({ workers: 4, schedule: 'hogwild', batchSize: 1, updates: 200 });
    expect(total(dense, 'conflicts') / dense.updates).toBeGreaterThan(0.5 * P);
  });

  it('refuses an optimizer with state: Hogwild! is plain SGD on the support', () => {
    expect(() =>
      run({ workers: 2, schedule: 'hogwild', optimizer: 'momentum', optimizerOptions: { momentum: 0.9 } }),
    ).toThrow(/hogwild applies plain SGD/);
  });
});
