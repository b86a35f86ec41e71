import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { RunResult } from '../../src/results/recorder.ts';
import { tinyScenario, type TinyOptions, maxAbsDiff } from './fixtures.ts';

const rows = (r: RunResult): string[] =>
  [...r.updateRows].map((u) => `${u.timeS} ${u.worker} ${u.versionRead} ${u.versionApplied} ${u.loss}`);
const post = (switchAt: number, localSteps: number, o: TinyOptions): RunResult =>
  runScenario(tinyScenario({ ...o, schedule: 'post-local-sgd', scheduleOptions: { switchAt, localSteps } }), 0);

describe('post-local-sgd', () => {
  it('with switchAt 0 is local-sgd: the same rows and bit-identical parameters', async () => {
    await initBackend('wasm');
    // The fork of a fresh optimizer state is N fresh states, which is how local-sgd starts; then both
    // run the same averaging rounds (lib/averaging-round.ts) on the same batches.
    const common = { workers: 4, updates: 12, optimizer: 'momentum', lr: 0.2 };
    const p = post(0, 4, common);
    const l = runScenario(tinyScenario({ ...common, schedule: 'local-sgd', scheduleOptions: { localSteps: 4 } }), 0);
    expect(rows(p)).toEqual(rows(l));
    expect(Array.from(p.finalParams!)).toEqual(Array.from(l.finalParams!));
    expect(p.bytesSent).toBe(l.bytesSent);
    expect(p.simTimeS).toBe(l.simTimeS);
  });

  it('with switchAt at or past the end of the run is sync-allreduce', async () => {
    await initBackend('wasm');
    const common = { workers: 4, updates: 10, optimizer: 'momentum', lr: 0.2 };
    const s = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    for (const switchAt of [10, 1000]) {
      const p = post(switchAt, 4, common);
      expect(rows(p)).toEqual(rows(s));
      expect(Array.from(p.finalParams!)).toEqual(Array.from(s.finalParams!));
      expect(p.bytesSent).toBe(s.bytesSent);
      expect(p.simTimeS).toBe(s.simTimeS);
    }
  });

  it('forks the optimizer state with its momentum at the switch (H = 1 after it is still sync momentum SGD)', async () => {
    await initBackend('wasm');
    // Heavy-ball momentum without weight decay is linear in (p, b, g). If every replica forks the same
    // buffer b at the switch, then after a local step replica k holds p − η(μb + g_k) and buffer μb + g_k,
    // and the mean of the parameters is exactly the synchronous step with buffer μb + ḡ; each later
    // round (H = 1) again averages to the synchronous step, since Σ_k b_k / N is the synchronous buffer.
    // A fork that dropped the buffer (fresh states) breaks this at the first step after the switch.
    const common = { workers: 4, updates: 10, optimizer: 'momentum', lr: 0.2 };
    const s = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    const p = post(4, 1, common);
    expect(maxAbsDiff(p.finalParams!, s.finalParams!)).toBeLessThan(1e-5);
    // …and with H = 3 after the switch it really runs Local SGD.
    expect(maxAbsDiff(post(4, 3, common).finalParams!, s.finalParams!)).toBeGreaterThan(1e-4);
  });

  it('all-reduces the gradient every step before the switch and the model every H steps after it', () => {
    // Timing-only, 4 workers, 10 ms steps, no stragglers: each all-reduce is a ring of n = 4 MB
    // (α = 6 µs, B = 12.5 GB/s): 2(N − 1)α + 2(N − 1)/N · n/B, and sends 2(N − 1)/N · n per rank.
    // switchAt S = 6, H = 4, U = 22 updates: S all-reduces of gradients, then (U − S)/H = 4 of models.
    const n = 4e6;
    const N = 4;
    const ar = 2 * (N - 1) * 6e-6 + ((2 * (N - 1)) / N) * (n / 12.5e9);
    const base = { mode: 'timing-only', workers: N, stepTimeS: 0.01, paramBytes: n, updates: 22 } as const;
    const p = post(6, 4, base);
    const perAllReduce = 2 * (N - 1) * n; // over all ranks
    expect(p.bytesSent).toBeCloseTo((6 + 4) * perAllReduce, 0);
    expect(p.simTimeS).toBeCloseTo(6 * (0.01 + ar) + 4 * (4 * 0.01 + ar), 12);
    // Against the two base schedules: sync sends one all-reduce per step, local-sgd one per H steps.
    const sync = runScenario(tinyScenario({ ...base, schedule: 'sync-allreduce' }), 0);
    expect(sync.bytesSent).toBeCloseTo(22 * perAllReduce, 0);
    expect(p.maxStaleness).toBe(0);
    for (const w of p.workerRows) expect(w.updates).toBe(22);
  });
});
