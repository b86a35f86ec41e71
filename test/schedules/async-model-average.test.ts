import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { setUpRun } from '../../src/scenario/run-setup.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import type { ParamSnapshot } from '../../src/training/engine/snapshot.ts';
import { tinyScenario, withScheduleDefaults, maxAbsDiff } from './fixtures.ts';

/** α and B of a node-to-node path of `tinyScenario` (its doc: 1 µs + 5 µs, 12.5 GB/s). */
const ALPHA = 6e-6;
const B = 12.5e9;

/** `tinyScenario` of async-model-average with `options`, stopped by `stop`. */
function ama(
  o: Parameters<typeof tinyScenario>[0] & { readonly options: Record<string, number> },
  stop: Scenario['training']['stop'],
): Scenario {
  const s = tinyScenario({ ...o, schedule: 'async-model-average' });
  return {
    ...s,
    training: {
      ...s.training,
      schedule: { kind: 'async-model-average', options: withScheduleDefaults('async-model-average', o.options) },
      stop,
    },
  };
}

describe('async-model-average', () => {
  it('starts a round every c + I on step boundaries: floor((T − c)/(c + I)) + 1 rounds by T', () => {
    // 4 homogeneous workers, steps of c = 10 ms, n = 4 MB: the all-reduce takes A = 6α + 1.5·n/B =
    // 516 µs < c. Round 1 copies the replicas at 0 and ends mid-step; each worker receives it when its
    // step ends (10 ms); every rank sleeps I = 20 ms; round 2 starts at 30 ms, a step boundary again, and
    // is written at 40 ms, … Round k is complete at (k − 1)(c + I) + c, so by T = 105 ms four rounds are
    // (10, 40, 70, 100 ms): floor((T − c)/(c + I)) + 1, and T/I = 5.25 would overcount (BAGUA sleeps I
    // after each round, it does not start one every I).
    const r = runScenario(
      ama(
        { mode: 'timing-only', workers: 4, stepTimeS: 0.01, paramBytes: 4e6, options: { syncInterval: 0.02 } },
        { simTimeS: 0.105 },
      ),
      0,
    );
    const rounds = r.metrics.filter((m) => m.name === 'averaging_round');
    expect(rounds.map((m) => m.value)).toEqual([1, 1, 1, 1]);
    for (const [k, m] of rounds.entries()) expect(m.timeS).toBeCloseTo(k * 0.03 + 0.01, 12);
    // Every worker's step that received an average has τ = 1, the others 0: 4 rounds × 4 workers.
    expect([...r.updateRows].filter((u) => u.versionApplied - u.versionRead === 1).length).toBe(16);
    expect([...r.updateRows].every((u) => u.versionApplied - u.versionRead <= 1)).toBe(true);
    // The all-reduces ran beside the compute: no worker waited, 10 steps each.
    expect(r.updates).toBe(40);
    // Four ring all-reduces of n = 4 MB on 4 ranks, each rank sending 2(N − 1)/N·n: 4 × 6n bytes.
    expect(r.bytesSent).toBe(4 * 6 * 4e6);
  });

  it('keeps the local steps taken while an all-reduce was in flight: x_i += mean(copies) − copy_i before the step', async () => {
    await initBackend('wasm');
    // c = 10 ms, n = 200 MB: A = 6α + 1.5·n/B = 24.036 ms. Round 1 (copies of x₀, a no-op) is written at
    // 30 ms (end of step 3); round 2 starts at 30 + I = 55 ms, mid-step 6, so it copies the replicas
    // after 5 steps; it ends at 79.036 ms, in step 8, and is written when step 8's backward ends, before
    // its optimizer step: x_i ← x_i⁽⁷⁾ + (mean − copy_i), then x_i ← opt(that, g_i(x_i⁽⁷⁾)). Stopped after
    // 8 steps each (32 updates).
    const A = 6 * ALPHA + 1.5 * (200e6 / B);
    expect(A).toBeGreaterThan(0.02);
    expect(A).toBeLessThan(0.025);
    const s = ama(
      {
        workers: 4,
        stepTimeS: 0.01,
        paramBytes: 200e6,
        lr: 0.3,
        optimizer: 'momentum',
        optimizerOptions: { momentum: 0.9 },
        options: { syncInterval: 0.025 },
      },
      { updates: 32 },
    );
    const r = runScenario(s, 0);
    /** The expected model; `keep` false: the average replaces the replica (the in-flight steps dropped). */
    const byHand = (keep: boolean): Float32Array => {
      const { trainer } = setUpRun(s);
      const { math } = trainer;
      const opts = [0, 1, 2, 3].map(() => trainer.optimizer());
      const step = (i: number, xi: ParamSnapshot, g = trainer.gradient(xi, i)): ParamSnapshot =>
        trainer.apply(opts[i]!, xi, g, 0);
      let x: ParamSnapshot[] = [0, 1, 2, 3].map(() => trainer.initial());
      for (let k = 1; k <= 5; k++) x = x.map((xi, i) => step(i, xi));
      const copies = x.slice();
      const mean = trainer.average(copies, 0);
      for (let k = 6; k <= 7; k++) x = x.map((xi, i) => step(i, xi));
      x = x.map((xi, i) => {
        const g = trainer.gradient(xi, i);
        const moved = keep
          ? trainer.snapshot(math.axpy(1, math.sub(mean.params, copies[i]!.params), xi.params), 0)
          : mean;
        return step(i, moved, g);
      });
      return trainer.average(x, 0).params;
    };
    expect(maxAbsDiff(r.finalParams!, byHand(true))).toBe(0);
    // The test can tell: dropping the in-flight steps gives another model.
    expect(maxAbsDiff(r.finalParams!, byHand(false))).toBeGreaterThan(1e-5);
    // τ = 1 exactly on the steps that received an average (steps 3 and 8 of every worker).
    const tau1 = [...r.updateRows].filter((u) => u.versionApplied - u.versionRead === 1).map((u) => u.timeS);
    expect(tau1.length).toBe(8);
    for (const [k, t] of tau1.entries()) expect(t).toBeCloseTo(k < 4 ? 0.03 : 0.08, 12);
  });

  it('with no second round is local SGD with H = the whole run (the first round averages equal copies of x₀)', async () => {
    await initBackend('wasm');
    const common = { workers: 4, lr: 0.3, optimizer: 'momentum', optimizerOptions: { momentum: 0.9 } };
    const a = runScenario(ama({ ...common, options: { syncInterval: 10 } }, { updates: 4 * 6 }), 0);
    const l = runScenario(
      tinyScenario({ ...common, schedule: 'local-sgd', scheduleOptions: { localSteps: 6 }, updates: 6 }),
      0,
    );
    expect(maxAbsDiff(a.finalParams!, l.finalParams!)).toBe(0);
  });

  it('warms up with synchronous gradient all-reduce steps: warm-up only is sync-allreduce', async () => {
    await initBackend('wasm');
    // Each warm-up step is one global update of every worker's gradient, as sync-allreduce counts it.
    const a = runScenario(ama({ workers: 4, lr: 0.3, options: { warmupSteps: 5 } }, { updates: 5 }), 0);
    const s = runScenario(tinyScenario({ workers: 4, lr: 0.3, schedule: 'sync-allreduce', updates: 5 }), 0);
    expect(maxAbsDiff(a.finalParams!, s.finalParams!)).toBe(0);
    expect(a.simTimeS).toBeCloseTo(s.simTimeS, 12);
    // Past the warm-up, one local step is one update: 2 warm-up updates + 8 local steps.
    const b = runScenario(ama({ workers: 4, lr: 0.3, options: { warmupSteps: 2 } }, { updates: 10 }), 0);
    expect(b.workerRows.reduce((t, w) => t + w.updates, 0)).toBe(2 * 4 + 8);
  });
});
