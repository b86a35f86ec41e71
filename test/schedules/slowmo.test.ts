import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { RunResult } from '../../src/results/recorder.ts';
import { getSchedule } from '../../src/schedules/index.ts';
import type { OptionValues } from '../../src/schedules/options.ts';
import { tinyScenario, withScheduleDefaults, type TinyOptions, maxAbsDiff } from './fixtures.ts';

const rows = (r: RunResult): string[] =>
  [...r.updateRows].map((u) => `${u.timeS} ${u.worker} ${u.versionRead} ${u.versionApplied} ${u.loss}`);
const slowmo = (o: TinyOptions, options: OptionValues): RunResult =>
  runScenario(tinyScenario({ ...o, schedule: 'slowmo', scheduleOptions: options }), 0);
const localSgd = (o: TinyOptions, h: number): RunResult =>
  runScenario(tinyScenario({ ...o, schedule: 'local-sgd', scheduleOptions: { localSteps: h } }), 0);

describe('slowmo', () => {
  it('with β = 0 and α = 1 reproduces its base algorithm, local-sgd with H = localsgdFrequency', async () => {
    await initBackend('wasm');
    // u = (x₀ − x_τ)/γ and x₀ − 1·γ·u = x_τ (spec §26.3 item 7). Not bit-identical: (x₀ − x_τ) and its
    // quotient by γ are each rounded to float32 (the slow buffer is a float32 state, as fairscale's),
    // so x₀ − γ·u lands within a few float32 ulps of |x₀ − x_τ| of x_τ; the rows (times, versions,
    // losses of the steps before the last slow step) are identical.
    const common = { workers: 4, updates: 24, optimizer: 'momentum', lr: 0.1 };
    const s = slowmo(common, { slowmoFrequency: 6, localsgdFrequency: 3, momentum: 0, lr: 1 });
    const l = localSgd(common, 3);
    expect(maxAbsDiff(s.finalParams!, l.finalParams!)).toBeLessThan(1e-6);
    expect(rows(s).length).toBe(rows(l).length);
    // Rows up to the first slow step (6 steps × 4 workers) are bit-identical; later losses may differ
    // in the last float32 digit because the models differ by a few ulps.
    expect(rows(s).slice(0, 24)).toEqual(rows(l).slice(0, 24));
    for (let i = 0; i < rows(s).length; i++) {
      const a = s.updateRows.at(i)!;
      const b = l.updateRows.at(i)!;
      expect([a.timeS, a.worker, a.versionRead, a.versionApplied]).toEqual([
        b.timeS,
        b.worker,
        b.versionRead,
        b.versionApplied,
      ]);
      expect(a.loss!).toBeCloseTo(b.loss!, 5);
    }
    expect(s.bytesSent).toBe(l.bytesSent);
    expect(s.simTimeS).toBe(l.simTimeS);
  });

  it('takes the slow step x₁ = x₀ − α·(x₀ − x_τ) first, then remembers u with momentum β', async () => {
    await initBackend('wasm');
    // First outer iteration from u = 0: u = Δ/γ, x₁ = x₀ − α·γ·Δ/γ = x₀ − αΔ, whatever β. So with one
    // iteration (τ = updates) the result depends on α but not on β; with two it depends on β too.
    // Reference for α = 2 without the slow machinery: DiLoCo with outer SGD at lr 2 and H = τ = 6
    // (localsgdFrequency = τ: the last average is the only one), the same rounds and batches.
    const common = { workers: 3, optimizer: 'sgd', lr: 0.2 };
    const one = { ...common, updates: 6 };
    const ref = runScenario(
      tinyScenario({
        ...one,
        schedule: 'diloco',
        scheduleOptions: { localSteps: 6, outer: { kind: 'sgd', lr: 2, options: { weightDecay: 0 } } },
      }),
      0,
    );
    const a = slowmo(one, { slowmoFrequency: 6, localsgdFrequency: 6, momentum: 0.5, lr: 2 });
    const b = slowmo(one, { slowmoFrequency: 6, localsgdFrequency: 6, momentum: 0, lr: 2 });
    expect(maxAbsDiff(a.finalParams!, ref.finalParams!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.finalParams!, b.finalParams!)).toBe(0);
    const two = { ...common, updates: 12 };
    const a2 = slowmo(two, { slowmoFrequency: 6, localsgdFrequency: 6, momentum: 0.5, lr: 2 });
    const b2 = slowmo(two, { slowmoFrequency: 6, localsgdFrequency: 6, momentum: 0, lr: 2 });
    expect(maxAbsDiff(a2.finalParams!, b2.finalParams!)).toBeGreaterThan(1e-4);
  });

  it('steps from the model at the start of the τ steps, not from the last Local SGD average', async () => {
    await initBackend('wasm');
    // τ = 6, H = 3: the averages after steps 3 and 6 are local-sgd's (x₃, x₆); the slow step is
    // x₀ − α·(x₀ − x₆) with x₀ the initial model (read as a run at learning rate 0), so with α = 2 it is
    // 2·x₆ − x₀; stepping from x₃ instead would give 2·x₆ − x₃.
    const common = { workers: 3, optimizer: 'sgd', lr: 0.2, updates: 6 };
    const x0 = runScenario(tinyScenario({ ...common, lr: 0, schedule: 'sync-allreduce' }), 0).finalParams!;
    const x6 = localSgd(common, 3).finalParams!;
    const s = slowmo(common, { slowmoFrequency: 6, localsgdFrequency: 3, momentum: 0.5, lr: 2 }).finalParams!;
    const expected = x6.map((v, i) => 2 * v - x0[i]!);
    expect(maxAbsDiff(s, expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(x0, localSgd({ ...common, updates: 3 }, 3).finalParams!)).toBeGreaterThan(1e-3);
  });

  it('communicates as its base algorithm: one model all-reduce per localsgdFrequency steps', () => {
    // Timing-only, 4 workers, 10 ms steps, τ = 8, H = 2, U = 16: 8 rounds of 2 steps and a ring
    // all-reduce (2(N − 1)α + 2(N − 1)/N · n/B); the slow step adds no message of its own.
    const n = 4e6;
    const N = 4;
    const ar = 2 * (N - 1) * 6e-6 + ((2 * (N - 1)) / N) * (n / 12.5e9);
    const base = { mode: 'timing-only', workers: N, stepTimeS: 0.01, paramBytes: n, updates: 16 } as const;
    const s = slowmo(base, { slowmoFrequency: 8, localsgdFrequency: 2 });
    expect(s.bytesSent).toBeCloseTo(8 * 2 * (N - 1) * n, 0);
    expect(s.simTimeS).toBeCloseTo(8 * (2 * 0.01 + ar), 12);
    expect(s.maxStaleness).toBe(0);
    for (const w of s.workerRows) expect(w.updates).toBe(16);
  });

  it('requires slowmoFrequency to be a multiple of localsgdFrequency, and β < 1', () => {
    const def = getSchedule('slowmo');
    const shape = { workers: 4, nodes: 4, gpusPerNode: [1, 1, 1, 1] };
    const check = (o: OptionValues): readonly string[] => def.check!(withScheduleDefaults('slowmo', o), shape);
    expect(check({})).toEqual([]);
    expect(check({ slowmoFrequency: 10, localsgdFrequency: 3 })[0]).toMatch(/^slowmoFrequency must be a multiple/);
    expect(check({ momentum: 1 })[0]).toMatch(/^momentum must be in \[0, 1\)/);
  });
});
