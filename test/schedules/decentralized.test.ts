import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { setUpRun } from '../../src/scenario/run-setup.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { shiftOnePeer } from '../../src/schedules/lib/peer-selection.ts';
import type { ParamSnapshot } from '../../src/training/engine/snapshot.ts';
import { tinyScenario, maxAbsDiff } from './fixtures.ts';

/** α and B of a node-to-node path of `tinyScenario` (its doc: 1 µs + 5 µs, 12.5 GB/s). */
const ALPHA = 6e-6;
const B = 12.5e9;

/**
 * D-PSGD as BAGUA computes it, by hand on a fresh trainer of the same scenario (same data, initial
 * weights and per-worker batch streams): at a communicating step x_i ← opt_i(avg_{i ∪ peers} x^t,
 * g_i(x_i^t)), else x_i ← opt_i(x_i^t, g_i(x_i^t)); the global model is the mean of the replicas.
 */
function byHand(s: Scenario, steps: number, selection: 'all' | 'shift-one', interval: number): Float32Array {
  const { trainer } = setUpRun(s);
  const n = s.cluster.nodes[0]!.count;
  let x: ParamSnapshot[] = Array.from({ length: n }, () => trainer.initial());
  const opts = x.map(() => trainer.optimizer());
  for (let t = 0; t < steps; t++) {
    const g = x.map((xi, i) => trainer.gradient(xi, i));
    const comm = t % interval === 0;
    const mean = trainer.average(x, t);
    x = x.map((xi, i) => {
      let base = xi;
      if (comm) base = selection === 'all' ? mean : trainer.average([xi, x[shiftOnePeer(i, n, t / interval)]!], t);
      return trainer.apply(opts[i]!, base, g[i]!, t + 1);
    });
  }
  return trainer.average(x, steps).params;
}

describe('decentralized', () => {
  it('computes D-PSGD exactly: the average before the local step, the gradient on the replica (all and shift-one)', async () => {
    await initBackend('wasm');
    for (const [peerSelection, interval] of [
      ['all', 1],
      ['shift-one', 1],
      ['all', 3],
      ['shift-one', 2],
    ] as const) {
      const s = tinyScenario({
        schedule: 'decentralized',
        scheduleOptions: { peerSelection, communicationInterval: interval },
        workers: 4,
        updates: 7,
        lr: 0.3,
        optimizer: 'momentum',
        optimizerOptions: { momentum: 0.9 },
      });
      const r = runScenario(s, 0);
      expect(r.updates).toBe(7);
      // The same float operations in the same order: equal bit for bit.
      expect(maxAbsDiff(r.finalParams!, byHand(s, 7, peerSelection, interval)), `${peerSelection} H ${interval}`).toBe(
        0,
      );
      expect(r.maxStaleness).toBe(0);
    }
  });

  it('with all and interval 1 is close to, but not, sync-allreduce (gradients on the replicas, not their mean)', async () => {
    await initBackend('wasm');
    // x_i^t = x̄^{t−1} − η·g_i(x_i^{t−1}) differ from their mean, so g_i(x_i^t) ≠ g_i(x̄^t): not float rounding.
    const common = { workers: 4, updates: 6, lr: 0.3 };
    const d = runScenario(tinyScenario({ ...common, schedule: 'decentralized' }), 0);
    const sync = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    const gap = maxAbsDiff(d.finalParams!, sync.finalParams!);
    expect(gap).toBeGreaterThan(1e-6);
    expect(gap).toBeLessThan(0.05);
  });

  it('with one worker is plain SGD: sync-allreduce on one worker', async () => {
    await initBackend('wasm');
    // The average of one replica is itself (0 + x, divided by 1: exact), so x ← opt(x, g(x)): bit for bit.
    const common = { workers: 1, updates: 5, lr: 0.3 };
    const d = runScenario(tinyScenario({ ...common, schedule: 'decentralized' }), 0);
    const sync = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    expect(maxAbsDiff(d.finalParams!, sync.finalParams!)).toBe(0);
    expect(d.simTimeS).toBeCloseTo(sync.simTimeS, 12);
  });

  it('hides the all-reduce under the step: K steps take K·max(c, A), with interval H (K/H)·max(c, A) + (K − K/H)·c', () => {
    // 4 homogeneous workers, c = 1 ms, n = 40 MB of weights: a ring all-reduce on the analytical
    // network takes A = 2(N−1)α + 2(N−1)/N·n/B = 36 µs + 4.8 ms > c. Every worker is ready (its forward
    // pre-hook) when its step starts, so the all-reduce of step t starts when they all start it and the
    // step ends at start + max(c, A). Local SGD with H = interval would take (K/H)(H·c + A) instead:
    // its average waits for the compute.
    const A = 6 * ALPHA + 1.5 * (40e6 / B);
    const c = 1e-3;
    const run = (H: number, K: number) =>
      runScenario(
        tinyScenario({
          mode: 'timing-only',
          schedule: 'decentralized',
          scheduleOptions: { communicationInterval: H },
          workers: 4,
          updates: K,
          stepTimeS: c,
          paramBytes: 40e6,
        }),
        0,
      );
    expect(run(1, 6).simTimeS).toBeCloseTo(6 * Math.max(c, A), 12);
    expect(run(2, 6).simTimeS).toBeCloseTo(3 * Math.max(c, A) + 3 * c, 12);
  });

  it('shift-one: each worker sends its weights to one peer per step, the pairs at once', () => {
    // 4 workers, c = 10 ms, n = 4 MB: a pair exchange is one α + n/B = 326 µs message each way, under the
    // step, so a step is c. Stopped at 4.5 steps, five steps have begun, and each began with every worker
    // sending its n bytes once: 5 × 4 × n bytes. With n = 400 MB (32 ms > c) the exchange sets the pace.
    const s = tinyScenario({
      mode: 'timing-only',
      schedule: 'decentralized',
      scheduleOptions: { peerSelection: 'shift-one' },
      workers: 4,
      stepTimeS: 0.01,
      paramBytes: 4e6,
    });
    const r = runScenario({ ...s, training: { ...s.training, stop: { simTimeS: 0.045 } } }, 0);
    expect(r.bytesSent).toBe(5 * 4 * 4e6);
    expect(r.updates).toBe(4);
    const slow = runScenario(
      tinyScenario({
        mode: 'timing-only',
        schedule: 'decentralized',
        scheduleOptions: { peerSelection: 'shift-one' },
        workers: 4,
        updates: 3,
        stepTimeS: 0.01,
        paramBytes: 400e6,
      }),
      0,
    );
    expect(slow.simTimeS).toBeCloseTo(3 * (ALPHA + 400e6 / B), 12);
  });

  it('rejects shift-one on an odd number of workers', () => {
    expect(() =>
      runScenario(
        tinyScenario({ schedule: 'decentralized', scheduleOptions: { peerSelection: 'shift-one' }, workers: 3 }),
        0,
      ),
    ).toThrow(/shift-one' needs an even number of workers .*got 3/);
  });

  it('records the consensus distance of the replicas (full mode) and is deterministic', async () => {
    await initBackend('wasm');
    const s = tinyScenario({ schedule: 'decentralized', scheduleOptions: { peerSelection: 'shift-one' }, updates: 5 });
    const a = runScenario(s, 0);
    const b = runScenario(s, 0);
    const cd = a.metrics.filter((m) => m.name === 'consensus_distance');
    expect(cd.length).toBe(5);
    expect(cd.every((m) => m.value > 0 && Number.isFinite(m.value))).toBe(true);
    expect(b.finalParams).toStrictEqual(a.finalParams);
    expect([...b.updateRows]).toStrictEqual([...a.updateRows]);
  });
});
