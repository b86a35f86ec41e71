import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { tinyScenario } from './fixtures.ts';

const timing = { mode: 'timing-only' as const, stepTimeS: 0.01, paramBytes: 1e6 };

describe('async-ps', () => {
  it('on N homogeneous workers has a mean staleness close to N−1', () => {
    // Spec §3: in steady state each of the other N−1 workers lands one update between a worker's
    // pull and its push. The pull/push transfers (≈0.1 ms of a 10 ms cycle) shave a little off.
    for (const n of [4, 8]) {
      const r = runScenario(tinyScenario({ ...timing, workers: n, schedule: 'async-ps', updates: 400 }), 0);
      expect(r.meanStaleness).toBeGreaterThan(n - 1 - 0.3);
      expect(r.meanStaleness).toBeLessThanOrEqual(n - 1 + 0.05);
    }
  });

  it('with SSP s = 0 runs in lock-step rounds: staleness 0..N−1, mean (N−1)/2', () => {
    // s = 0: nobody starts clock c before everyone finished c − 1, so each round all N workers pull
    // the same version and their N gradients land one after another: τ = 0, 1, ..., N−1.
    const n = 6;
    const r = runScenario(tinyScenario({ ...timing, workers: n, schedule: 'async-ps', updates: 600, scheduleOptions: { clockBound: 0, stagger: false } }), 0);
    expect(r.meanStaleness).toBeCloseTo((n - 1) / 2, 12);
    expect(r.maxStaleness).toBe(n - 1);
  });

  it('gives a 3× slower worker about 3× the staleness, and fewer updates', () => {
    const n = 6;
    const r = runScenario(
      tinyScenario({ ...timing, workers: n, schedule: 'async-ps', updates: 1200, stragglers: [{ kind: 'constant', options: { factor: 3 }, workers: [2] }] }),
      0,
    );
    const slow = r.workerRows[2]!;
    const fast = r.workerRows[0]!;
    // Spec §3 [D]: τ ≈ c·(N−1)·(rate share); here the slow worker sees ≈ 3× the others' updates per cycle.
    expect(slow.meanStaleness).toBeGreaterThan(2 * fast.meanStaleness!);
    expect(slow.updates).toBeLessThan(fast.updates / 2);
  });

  it('bounds staleness with SSP: s = 0 is lock-step, so τ never exceeds N−1', () => {
    const n = 5;
    const r = runScenario(
      tinyScenario({ ...timing, workers: n, schedule: 'async-ps', updates: 300, scheduleOptions: { clockBound: 0 }, stragglers: [{ kind: 'lognormal', options: { sigma: 0.5 } }] }),
      0,
    );
    expect(r.maxStaleness).toBeLessThanOrEqual(n - 1);
    const free = runScenario(tinyScenario({ ...timing, workers: n, schedule: 'async-ps', updates: 300, stragglers: [{ kind: 'lognormal', options: { sigma: 0.5 } }] }), 0);
    expect(free.maxStaleness).toBeGreaterThan(n - 1);
  });

  it('records one row per shard with its own versions', () => {
    const r = runScenario(tinyScenario({ ...timing, workers: 4, schedule: 'async-ps', updates: 20, scheduleOptions: { shards: 2 } }), 0);
    expect(r.updateRows.length).toBe(2 * 20);
    for (const stage of [0, 1]) {
      const rows = [...r.updateRows].filter((u) => u.stage === stage);
      // Each shard's applied versions count 0, 1, 2, ... in arrival order.
      expect(rows.map((u) => u.versionApplied)).toEqual(rows.map((_, i) => i));
    }
  });

  it('trains for real, and lr/τ changes what it learns', async () => {
    await initBackend('wasm');
    const base = { workers: 4, schedule: 'async-ps', updates: 40 };
    const plain = runScenario(tinyScenario(base), 0);
    const scaled = runScenario(tinyScenario({ ...base, scheduleOptions: { lrScaling: 'staleness' } }), 0);
    expect(plain.finalAccuracy).toBeGreaterThan(0.5);
    expect(Array.from(plain.finalParams!)).not.toEqual(Array.from(scaled.finalParams!));
    for (const u of plain.updateRows) expect(Number.isFinite(u.loss)).toBe(true);
  });
});
