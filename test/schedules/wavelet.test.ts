/**
 * Wavelet (spec §13): reductions and analytic checks.
 *
 * - merged: one update from the 2N gradients of both waves (keys 0 .. 2N − 1, one merged request) is
 *   by construction the gradient of sync-allreduce on 2N workers with the same data keys, so with the
 *   same seed the parameters are identical, whatever the offset.
 * - timing: with solo step S, pair speedup s and an all-reduce of A ≤ S/2:
 *     offset 0: both tasks run together at s/2 each and end at 2S/s; then the tick and the tock
 *       all-reduces run one after the other: an iteration takes 2S/s + 2A.
 *     offset ½: the tick task runs alone for S/2, then both share the GPU: the tick task's last S/2
 *       takes S/s, so it ends at S/2 + S/s; the tock task has done S/2 by then and does the rest alone,
 *       ending at S + S/s. The tick all-reduce (from S/2 + S/s, A long) is hidden behind the tock task;
 *       the tock all-reduce follows: an iteration takes S + S/s + A.
 * - alternating: updates strictly alternate tick, tock; each task reads the model right after its own
 *   wave's previous update, so exactly one update of the other wave lands before its own: τ = 1 on
 *   every row but the first update's (τ = 0).
 * - memory: L equal layers of a bytes, layer i's activations held from its forward to the end of its
 *   backward (backward 2× forward). One task peaks at La. With the tock task at offset ½, the peak comes
 *   just after the tock task's last forward layer is allocated, at t = ½ + (L − 1)/(3L): the tick task
 *   has freed ⌊(t − ⅓)·3L/2⌋ = 3L/4 − 1 layers (L divisible by 4), so it holds L/4 + 1, and the
 *   peak is (5L/4 + 1)a, against 2La for two plain copies started together.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../src/hardware/memory-ledger.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { activationLives, activationPeak, bookActivationSweep } from '../../src/schedules/lib/tick-tock.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import type { LayerProfile } from '../../src/workload/types.ts';
import { getProfile } from '../../src/workload/registry.ts';
import { tinyScenario } from './fixtures.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const ALPHA = 6e-6;
const B = 12.5e9;

describe('wavelet', () => {
  it.each([0, 0.5])('merged (offset %s) on N GPUs trains exactly as sync-allreduce on 2N workers', (offset) => {
    const common = { updates: 20, optimizer: 'sgd', lr: 0.3 };
    const wave = runScenario(
      tinyScenario({ ...common, workers: 2, schedule: 'wavelet', scheduleOptions: { sync: 'merged', offset } }),
      0,
    );
    // 20 gradients = 5 merged updates of 2 × 2; sync-allreduce on 4 workers: 5 steps.
    const sync = runScenario(tinyScenario({ ...common, updates: 5, workers: 4, schedule: 'sync-allreduce' }), 0);
    expect(wave.samples).toBe(sync.samples);
    expect(wave.finalParams!.length).toBeGreaterThan(0);
    expect([...wave.finalParams!]).toEqual([...sync.finalParams!]);
    expect(wave.maxStaleness).toBe(0);
  });

  it('alternating differs from merged and has τ = 1 on every update but the first', () => {
    for (const mode of ['full', 'timing-only'] as const) {
      const r = runScenario(
        tinyScenario({ mode, workers: 3, updates: 30, schedule: 'wavelet', scheduleOptions: { sync: 'alternating' } }),
        0,
      );
      const taus = [...r.updateRows].map((u) => u.versionApplied - u.versionRead);
      expect(taus.length).toBe(30);
      expect(taus.slice(0, 3)).toEqual([0, 0, 0]);
      expect(taus.slice(3)).toEqual(new Array<number>(27).fill(1));
      // Updates alternate: versions applied 0, 1, 2, … each by 3 rows.
      expect([...r.updateRows].map((u) => u.versionApplied)).toEqual(
        Array.from({ length: 30 }, (_, i) => Math.floor(i / 3)),
      );
    }
    const common = { workers: 2, updates: 12, optimizer: 'sgd', lr: 0.3 };
    const alt = runScenario(
      tinyScenario({ ...common, schedule: 'wavelet', scheduleOptions: { sync: 'alternating' } }),
      0,
    );
    const merged = runScenario(
      tinyScenario({ ...common, schedule: 'wavelet', scheduleOptions: { sync: 'merged' } }),
      0,
    );
    let diff = 0;
    for (let i = 0; i < alt.finalParams!.length; i++)
      diff = Math.max(diff, Math.abs(alt.finalParams![i]! - merged.finalParams![i]!));
    expect(diff).toBeGreaterThan(1e-4);
  });

  it.each([
    [0, 1],
    [0, 1.5],
    [0.5, 1],
    [0.5, 1.5],
  ])('merged iteration time, offset %s, pair speedup %s (see the header)', (offset, s) => {
    const S = 0.01;
    const bytes = 4e6;
    const A = 2 * ALPHA + bytes / B; // ring of 2: 2(N − 1)α + 2(N − 1)/N · n/B
    const iters = 3;
    const r = runScenario(
      tinyScenario({
        mode: 'timing-only',
        workers: 2,
        updates: 4 * iters,
        stepTimeS: S,
        paramBytes: bytes,
        schedule: 'wavelet',
        scheduleOptions: { sync: 'merged', offset, pairSpeedup: s },
      }),
      0,
    );
    const iteration = offset === 0 ? (2 * S) / s + 2 * A : S + S / s + A;
    expect(r.simTimeS).toBeCloseTo(iters * iteration, 12);
    // Utilization ≤ 1: the GPU's busy time is the union of its two tasks.
    for (const w of r.workerRows) expect(w.utilization!).toBeLessThanOrEqual(1 + 1e-12);
  });

  it('memory: the tock wave at offset ½ peaks at (5L/4 + 1)a per GPU, not 2La (see the header)', () => {
    const a = 1e6;
    for (const L of [4, 8, 16]) {
      const layers: LayerProfile[] = Array.from({ length: L }, (_, i) => ({
        name: `l${i}`,
        params: 10,
        forwardFlopsPerSample: 1e6,
        activationBytesPerSample: a / 4,
      }));
      const lives = activationLives(layers, 4);
      expect(activationPeak(lives, [0])).toBe(L * a);
      expect(activationPeak(lives, [0, 0])).toBe(2 * L * a);
      expect(activationPeak(lives, [0, 0.5])).toBe(((5 * L) / 4 + 1) * a);
      // The same sweep booked in a ledger on top of the model state gives the same peak, and frees all.
      const state = 3e6;
      const ledger = new MemoryLedger([80e9, 80e9], false);
      ledger.alloc(1, state, 'weights');
      bookActivationSweep(ledger, 1, lives, [0, 0.5]);
      expect(ledger.peak(1)).toBe(state + ((5 * L) / 4 + 1) * a);
      expect(ledger.used(1)).toBe(state);
      expect(ledger.peak(0)).toBe(0);
    }
  });

  it('books the second wave in the run: peak memory = sync-allreduce’s + two-wave peak − one batch', () => {
    // ResNet-50 timing at batch 8: the run books one replica's state and one batch of activations on
    // every rank (run-setup); wavelet adds the interleaved waves' peak beyond one batch.
    const timing = { kind: 'profile', name: 'resnet50' } as const;
    const common = { mode: 'timing-only' as const, workers: 2, batchSize: 8, updates: 4, timing };
    const sync = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    const lives = activationLives(getProfile('resnet50').build({ bytesPerValue: 4 }).layers, 8);
    const one = activationPeak(lives, [0]);
    for (const [sync_, starts] of [
      ['merged', [0, 0.5]],
      ['alternating', [0, 0.5, 1]],
    ] as const) {
      const wave = runScenario(tinyScenario({ ...common, schedule: 'wavelet', scheduleOptions: { sync: sync_ } }), 0);
      const extra = activationPeak(lives, starts) - one;
      expect(extra).toBeGreaterThan(0.4 * one);
      expect(extra).toBeLessThan(one);
      expect(wave.peakMemoryBytes).toBeCloseTo(sync.peakMemoryBytes + extra, 0);
      for (const w of wave.workerRows) expect(w.peakMemoryBytes).toBeCloseTo(sync.peakMemoryBytes + extra, 0);
    }
  });
});
