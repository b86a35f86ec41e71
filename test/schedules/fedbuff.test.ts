import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario, maxAbsDiff } from './fixtures.ts';

describe('fedbuff', () => {
  it('with bufferSize 1, concurrency 1 and η_g = 1 is sequential local training (one client: plain SGD)', async () => {
    await initBackend('wasm');
    // One client at a time, applied at once: τ = 0, s(0) = 1, x ← x − 1·(x − w_k) = w_k. With a single
    // client (the whole training set, the same batch stream as a 1-worker sync-allreduce) and plain SGD,
    // 3 server steps of 2 local steps are 6 SGD steps. Float: x − (x − w) is rounded twice to float32.
    const common = { workers: 1, optimizer: 'sgd', lr: 0.3 };
    const fb = runScenario(
      tinyScenario({
        ...common,
        schedule: 'fedbuff',
        updates: 3,
        scheduleOptions: { clients: 1, concurrency: 1, bufferSize: 1, localSteps: 2 },
      }),
      0,
    );
    const sgd = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce', updates: 6 }), 0);
    expect(fb.updates).toBe(3);
    expect(fb.updateRows.length).toBe(6);
    expect(fb.maxStaleness).toBe(0);
    expect(maxAbsDiff(fb.finalParams!, sgd.finalParams!)).toBeLessThan(1e-6);
    // It can fail: η_g = 0.5 moves only half way each server step.
    const half = runScenario(
      tinyScenario({
        ...common,
        schedule: 'fedbuff',
        updates: 3,
        scheduleOptions: { clients: 1, concurrency: 1, bufferSize: 1, localSteps: 2, serverLr: 0.5 },
      }),
      0,
    );
    expect(maxAbsDiff(half.finalParams!, sgd.finalParams!)).toBeGreaterThan(1e-4);
  });

  it('on equal GPUs with bufferSize 1, staleness is at most concurrency − 1 (and reaches it)', () => {
    // Four identical client GPUs, a dedicated server (rank 4), equal client work: the C slots cycle in
    // lock-step, their C deltas land together and are applied one after another, and each slot's next
    // client downloads just after its own delta's step. So a delta waits for the other C − 1: τ = C − 1
    // after the first wave (whose τ are 0 .. C − 1).
    for (const c of [1, 2, 4]) {
      const r = runScenario(
        tinyScenario({
          mode: 'timing-only',
          workers: 5,
          updates: 40,
          schedule: 'fedbuff',
          scheduleOptions: { clients: 20, concurrency: c, bufferSize: 1, localSteps: 2, servers: 'dedicated' },
        }),
        0,
      );
      const taus = [...r.updateRows].map((u) => u.versionApplied - u.versionRead);
      expect(Math.max(...taus), `concurrency ${c}`).toBe(c - 1);
      expect(Math.min(...taus)).toBe(0);
      expect(r.workerRows[4]!.updates).toBe(0);
    }
  });

  it('weights stale deltas by 1/√(1+τ): only stale deltas are affected', async () => {
    await initBackend('wasm');
    const run = (concurrency: number, stalenessWeight: string): Float32Array =>
      runScenario(
        tinyScenario({
          workers: 3,
          updates: 6,
          schedule: 'fedbuff',
          optimizer: 'sgd',
          lr: 0.3,
          scheduleOptions: { clients: 6, concurrency, bufferSize: 1, localSteps: 2, stalenessWeight },
        }),
        0,
      ).finalParams!;
    // τ = 0 everywhere with one client at a time: the weight is 1 either way.
    expect(maxAbsDiff(run(1, 'sqrt'), run(1, 'none'))).toBe(0);
    // Three at once: stale deltas are damped.
    expect(maxAbsDiff(run(3, 'sqrt'), run(3, 'none'))).toBeGreaterThan(1e-4);
  });

  it('a server step needs bufferSize deltas: K deltas per update, K·steps rows', () => {
    const r = runScenario(
      tinyScenario({
        mode: 'timing-only',
        workers: 4,
        updates: 5,
        schedule: 'fedbuff',
        scheduleOptions: { clients: 10, concurrency: 4, bufferSize: 3, localSteps: 2 },
      }),
      0,
    );
    expect(r.updates).toBe(5);
    expect(r.updateRows.length).toBe(5 * 3 * 2);
    expect(r.samples).toBe(5 * 3 * 2 * 16);
  });
});
