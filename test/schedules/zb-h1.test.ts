import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { oneFOneB, zbH1 } from '../../src/schedules/lib/pipeline/programs.ts';
import { timeline } from '../../src/schedules/lib/pipeline/timeline.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario } from './fixtures.ts';

// As 1f1b.test.ts: S = 4, M = 4, custom step 12 ms at batch 16 on 4 stages: t_F = 12 / 3 / 4 = 1 ms,
// the 2 ms backward split evenly, t_I = t_W = 1 ms; a 0-byte send costs α = 6 µs.
const tF = 0.001;
const tI = 0.001;
const tW = 0.001;
const alpha = 6e-6;
const timing = { kind: 'custom' as const, stepTimeS: 0.012, paramBytes: 4e6, activationBytesPerSample: 0 };

describe('zb-h1', () => {
  it('plays the zero-bubble program op for op: I before the gradient is sent back, W deferred', () => {
    const r = runScenario(
      tinyScenario({ schedule: 'zb-h1', mode: 'timing-only', workers: 4, updates: 2, timing, trace: true }),
      0,
    );
    // ZB-H1 with equal stages and t_W ≤ t_F, t_I: M(t_F + t_I + t_W) + (S − 1)(t_F + t_I − t_W) = 12 + 3 = 15 ms
    // without transfers, against 1F1B's (M + S − 1)(t_F + t_I + t_W) = 21 ms.
    expect(timeline(zbH1, { stages: 4, microBatches: 4, tF, tB: tI + tW, tI, tW }).makespan).toBeCloseTo(0.015, 15);
    const t = timeline(zbH1, { stages: 4, microBatches: 4, tF, tB: tI + tW, tI, tW, tComm: alpha });
    expect(r.simTimeS).toBeCloseTo(2 * t.makespan, 12);
    const oneF = timeline(oneFOneB, { stages: 4, microBatches: 4, tF, tB: tI + tW, tComm: alpha });
    expect(t.makespan).toBeLessThan(oneF.makespan);
    for (let s = 0; s < 4; s++) {
      const spans = r.spans.filter((x) => x.worker === s && x.kind === 'compute').slice(0, 12);
      expect(spans.map((x) => x.name)).toEqual(t.byRank[s]!.map((o) => `${o.op.op}${o.op.mb}`));
      spans.forEach((x, i) => expect(x.startS).toBeCloseTo(t.byRank[s]![i]!.start, 12));
    }
    for (const u of r.updateRows) expect(u.versionApplied - u.versionRead).toBe(0);
  });

  it('gives the same parameters as 1F1B (both flush: every op reads version v)', async () => {
    await initBackend('wasm');
    const common = { updates: 3, workers: 4, batchSize: 40, scheduleOptions: { microBatches: 8 } };
    const a = runScenario(tinyScenario({ ...common, schedule: 'zb-h1' }), 0).finalParams!;
    const b = runScenario(tinyScenario({ ...common, schedule: '1f1b' }), 0).finalParams!;
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
