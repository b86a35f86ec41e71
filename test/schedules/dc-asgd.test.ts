import { describe, expect, it } from 'vitest';
import type { UpdateRecord } from '../../src/results/recorder.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario, type TinyOptions, maxAbsDiff } from './fixtures.ts';

const rowKey = (u: UpdateRecord): string =>
  `${u.timeS}|${u.worker}|${u.stage}|${u.versionRead}|${u.versionApplied}|${u.loss ?? ''}`;

const common = {
  workers: 4,
  updates: 60,
  stragglers: [{ kind: 'lognormal', options: { sigma: 0.5 } }],
  lr: 0.5,
} satisfies TinyOptions;

describe('dc-asgd', () => {
  it('with λ = 0 is async-ps exactly: the same rows and the same final weights', async () => {
    // g + 0·g⊙g⊙(w_now − w_read) = g exactly for finite values, and the loop is async-ps's.
    // stagger: false, because each schedule's random stream is forked by its name.
    await initBackend('wasm');
    for (const shards of [1, 2]) {
      const dc = runScenario(
        tinyScenario({ ...common, schedule: 'dc-asgd', scheduleOptions: { lambda: 0, shards, stagger: false } }),
        0,
      );
      const ps = runScenario(
        tinyScenario({ ...common, schedule: 'async-ps', scheduleOptions: { shards, stagger: false } }),
        0,
      );
      expect([...dc.updateRows].map(rowKey)).toEqual([...ps.updateRows].map(rowKey));
      expect(Array.from(dc.finalParams!)).toEqual(Array.from(ps.finalParams!));
    }
  });

  it('with λ > 0 (constant or adaptive) changes the weights, but not the timeline', async () => {
    await initBackend('wasm');
    const run = (scheduleOptions: NonNullable<TinyOptions['scheduleOptions']>) =>
      runScenario(
        tinyScenario({ ...common, schedule: 'dc-asgd', scheduleOptions: { stagger: false, ...scheduleOptions } }),
        0,
      );
    const plain = run({ lambda: 0 });
    for (const o of [{ lambda: 2 }, { compensation: 'adaptive' }]) {
      const r = run(o);
      expect(maxAbsDiff(r.finalParams!, plain.finalParams!), JSON.stringify(o)).toBeGreaterThan(1e-5);
      expect([...r.updateRows].map((u) => [u.timeS, u.worker, u.versionRead, u.versionApplied])).toEqual(
        [...plain.updateRows].map((u) => [u.timeS, u.worker, u.versionRead, u.versionApplied]),
      );
      expect(r.finalAccuracy).toBeGreaterThan(0.5);
    }
  });

  it('compensates nothing without staleness: one worker (τ = 0, w_now = w_read) gives plain SGD for any λ', async () => {
    // One worker reads the model just after its own push: w_read = w_now at every apply, so the
    // correction term λ·g⊙g⊙0 vanishes, whatever λ (the adaptive form still updates its MeanSquare).
    await initBackend('wasm');
    const one = { ...common, workers: 1 };
    const plain = runScenario(tinyScenario({ ...one, schedule: 'async-ps' }), 0).finalParams!;
    for (const o of [{ lambda: 5 }, { compensation: 'adaptive', lambda0: 5 }]) {
      const r = runScenario(tinyScenario({ ...one, schedule: 'dc-asgd', scheduleOptions: o }), 0);
      expect(Array.from(r.finalParams!)).toEqual(Array.from(plain));
    }
  });

  it('applies exactly g + λ·g⊙g⊙(w_now − w_read): one stale step by hand', async () => {
    // Two workers, no stagger, plain SGD: both read w0 and compute g0 (rank 0) and g1 (rank 1) on it.
    // Rank 0 is co-located with the server, so its push lands first: w1 = w0 − η·g0 (τ = 0, no
    // correction). Rank 1's lands next, τ = 1: w2 = w1 − η·(g1 + λ·g1⊙g1⊙(w1 − w0)).
    // From async-ps on the same batches: a1 = w0 − η·g0 = w1, a2 = a1 − η·g1, so g1 = (a1 − a2)/η and
    // w2 = a2 − ηλ·g1⊙g1⊙(w1 − w0).
    await initBackend('wasm');
    const eta = 0.5;
    const lambda = 3;
    const two = { ...common, workers: 2, stragglers: [], lr: eta };
    const at = (schedule: string, updates: number, scheduleOptions = {}): Float32Array =>
      runScenario(
        tinyScenario({ ...two, schedule, updates, scheduleOptions: { stagger: false, ...scheduleOptions } }),
        0,
      ).finalParams!;
    // Stopped at 5 ms, before any push lands: the initial weights.
    const sc = tinyScenario({ ...two, schedule: 'async-ps', scheduleOptions: { stagger: false } });
    const w0 = runScenario({ ...sc, training: { ...sc.training, stop: { simTimeS: 0.005 } } }, 0).finalParams!;
    const a1 = at('async-ps', 1);
    const a2 = at('async-ps', 2);
    const d2 = at('dc-asgd', 2, { lambda });
    let checked = 0;
    for (let x = 0; x < w0.length; x++) {
      const g1 = (a1[x]! - a2[x]!) / eta;
      const want = a2[x]! - eta * lambda * g1 * g1 * (a1[x]! - w0[x]!);
      expect(d2[x]!).toBeCloseTo(want, 5);
      if (Math.abs(want - a2[x]!) > 1e-4) checked++;
    }
    expect(checked).toBeGreaterThan(0);
    // DC-ASGD-a, m = 0.95, λ0 = 2, ε = 1e-7: the first apply (rank 0) sets MeanSquare = (1 − m)·g0²,
    // the second m·(1 − m)·g0² + (1 − m)·g1², and λ = λ0 / √(MeanSquare + ε) per element.
    const ad = at('dc-asgd', 2, { compensation: 'adaptive' });
    for (let x = 0; x < w0.length; x++) {
      const g0 = (w0[x]! - a1[x]!) / eta;
      const g1 = (a1[x]! - a2[x]!) / eta;
      const ms = 0.95 * 0.05 * g0 * g0 + 0.05 * g1 * g1;
      const want = a2[x]! - eta * (2 / Math.sqrt(ms + 1e-7)) * g1 * g1 * (a1[x]! - w0[x]!);
      expect(ad[x]!).toBeCloseTo(want, 4);
    }
  });
});
