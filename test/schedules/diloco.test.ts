import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { RunResult } from '../../src/results/recorder.ts';
import type { OptimizerSpec } from '../../src/schedules/options.ts';
import { tinyScenario, type TinyOptions, maxAbsDiff } from './fixtures.ts';

const SGD_LR1: OptimizerSpec = { kind: 'sgd', lr: 1, options: { weightDecay: 0 } };
const diloco = (localSteps: number, outer: OptimizerSpec | undefined, o: TinyOptions): RunResult =>
  runScenario(
    tinyScenario({
      ...o,
      schedule: 'diloco',
      scheduleOptions: { localSteps, ...(outer === undefined ? {} : { outer }) },
    }),
    0,
  );

describe('diloco', () => {
  it('with H = 1, inner plain SGD and outer SGD at lr 1 without momentum is sync-allreduce', async () => {
    await initBackend('wasm');
    // Outer step: x₀ − 1·(x₀ − mean_k(x₀ − η g_k)) = x₀ − η ḡ, one synchronous step (spec §26.3 item 8);
    // the only difference is the float32 rounding of Δ = x₀ − mean before it is subtracted again.
    const common = { workers: 4, updates: 8, optimizer: 'sgd', lr: 0.3 };
    const d = diloco(1, SGD_LR1, common);
    const s = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    expect(maxAbsDiff(d.finalParams!, s.finalParams!)).toBeLessThan(1e-6);
    expect(d.simTimeS).toBeCloseTo(s.simTimeS, 12);
    expect(d.bytesSent).toBe(s.bytesSent);
    // The same with an inner heavy-ball momentum: it is linear, so averaging the replicas after one step
    // each is the synchronous momentum step (not so for Adam/AdamW, whose per-replica states are not).
    const m = { ...common, optimizer: 'momentum', lr: 0.1 };
    const dm = diloco(1, SGD_LR1, m);
    const sm = runScenario(tinyScenario({ ...m, schedule: 'sync-allreduce' }), 0);
    expect(maxAbsDiff(dm.finalParams!, sm.finalParams!)).toBeLessThan(1e-5);
  });

  it('with outer SGD at lr 1 is local-sgd with the same H; the default outer Nesterov is not', async () => {
    await initBackend('wasm');
    const common = { workers: 4, updates: 12, optimizer: 'sgd', lr: 0.3 };
    const d = diloco(4, SGD_LR1, common);
    const l = runScenario(tinyScenario({ ...common, schedule: 'local-sgd', scheduleOptions: { localSteps: 4 } }), 0);
    expect(maxAbsDiff(d.finalParams!, l.finalParams!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(diloco(4, undefined, common).finalParams!, l.finalParams!)).toBeGreaterThan(1e-3);
  });

  it('steps the outer Nesterov optimizer on Δ = x₀ − mean, keeping its momentum across rounds', async () => {
    await initBackend('wasm');
    // PyTorch Nesterov from b = 0: the first outer step is b = Δ, x₁ = x₀ − lr·(Δ + μΔ), i.e. plain SGD
    // at lr·(1 + μ) = 0.7 · 1.9 = 1.33. From the second round on, b remembers Δ₁ and they part.
    const nesterov: OptimizerSpec = { kind: 'nesterov', lr: 0.7, options: { momentum: 0.9, weightDecay: 0 } };
    const sgd133: OptimizerSpec = { kind: 'sgd', lr: 0.7 * 1.9, options: { weightDecay: 0 } };
    const one = { workers: 3, updates: 4, optimizer: 'sgd', lr: 0.3 };
    expect(maxAbsDiff(diloco(4, nesterov, one).finalParams!, diloco(4, sgd133, one).finalParams!)).toBeLessThan(1e-6);
    const two = { ...one, updates: 8 };
    expect(maxAbsDiff(diloco(4, nesterov, two).finalParams!, diloco(4, sgd133, two).finalParams!)).toBeGreaterThan(
      1e-4,
    );
  });

  it('all-reduces the model once per H inner steps: local-sgd’s traffic and time', () => {
    // Timing-only, 4 workers, 10 ms steps: U = 24 updates at H = 8 are 3 rounds, each H steps and one
    // ring all-reduce of n = 4 MB: 2(N − 1)α + 2(N − 1)/N · n/B, sending 2(N − 1)·n bytes over all ranks.
    const n = 4e6;
    const N = 4;
    const ar = 2 * (N - 1) * 6e-6 + ((2 * (N - 1)) / N) * (n / 12.5e9);
    const base = { mode: 'timing-only', workers: N, stepTimeS: 0.01, paramBytes: n, updates: 24 } as const;
    const d = diloco(8, undefined, base);
    expect(d.bytesSent).toBeCloseTo(3 * 2 * (N - 1) * n, 0);
    expect(d.simTimeS).toBeCloseTo(3 * (8 * 0.01 + ar), 12);
    const l = runScenario(tinyScenario({ ...base, schedule: 'local-sgd', scheduleOptions: { localSteps: 8 } }), 0);
    expect(d.bytesSent).toBe(l.bytesSent);
    expect(d.simTimeS).toBe(l.simTimeS);
    expect(d.maxStaleness).toBe(0);
  });
});
