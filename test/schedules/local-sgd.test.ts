import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { tinyScenario, maxAbsDiff } from './fixtures.ts';

describe('local-sgd', () => {
  it('with H = 1 and plain SGD reproduces sync-allreduce', async () => {
    await initBackend('wasm');
    // mean_k(w − η·g_k) = w − η·mean_k(g_k): averaging after one plain SGD step is one step on the
    // mean gradient, with the same batches (both draw each worker's batches from its own stream).
    const common = { workers: 4, updates: 6, optimizer: 'sgd', lr: 0.3 };
    const local = runScenario(
      tinyScenario({ ...common, schedule: 'local-sgd', scheduleOptions: { localSteps: 1 } }),
      0,
    );
    const sync = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    expect(maxAbsDiff(local.finalParams!, sync.finalParams!)).toBeLessThan(1e-5);
    expect(local.simTimeS).toBeCloseTo(sync.simTimeS, 12);
  });

  it('with H > 1 differs from sync and communicates H× less', async () => {
    await initBackend('wasm');
    const common = { workers: 4, updates: 8, optimizer: 'sgd', lr: 0.3 };
    const local = runScenario(
      tinyScenario({ ...common, schedule: 'local-sgd', scheduleOptions: { localSteps: 4 } }),
      0,
    );
    const sync = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    expect(maxAbsDiff(local.finalParams!, sync.finalParams!)).toBeGreaterThan(1e-4);
    expect(local.bytesSent).toBeCloseTo(sync.bytesSent / 4, 0);
    expect(local.simTimeS).toBeLessThan(sync.simTimeS);
    expect(local.maxStaleness).toBe(0);
  });

  it('waits at each average for the slowest worker’s H steps', () => {
    const h = 4;
    const r = runScenario(
      tinyScenario({
        mode: 'timing-only',
        workers: 3,
        updates: 2 * h,
        schedule: 'local-sgd',
        scheduleOptions: { localSteps: h },
        stepTimeS: 0.01,
        paramBytes: 3e6,
        stragglers: [{ kind: 'constant', options: { factor: 1.5 }, workers: [0] }],
      }),
      0,
    );
    // Two rounds; each: worker 0 takes 4 × 15 ms, then a ring all-reduce of 3 MB among 3 ranks
    // (α = 6 µs, B = 12.5 GB/s): 2·2·α + 2·2/3·n/B.
    const ar = 4 * 6e-6 + (4 / 3) * (3e6 / 12.5e9);
    expect(r.simTimeS).toBeCloseTo(2 * (h * 0.015 + ar), 12);
  });
});
