import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { oneFOneB } from '../../src/schedules/lib/pipeline/programs.ts';
import { timeline } from '../../src/schedules/lib/pipeline/timeline.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario } from './fixtures.ts';

// As gpipe.test.ts: S = 4, M = 4, t_F = 12 ms / 3 / 4 = 1 ms, t_B = 2 ms, a 0-byte send costs α = 6 µs.
const tF = 0.001;
const tB = 0.002;
const alpha = 6e-6;
const timing = { kind: 'custom' as const, stepTimeS: 0.012, paramBytes: 4e6, activationBytesPerSample: 0 };

describe('1f1b', () => {
  it('takes (M + S − 1)(t_F + t_B) per batch with free transfers (spec F2), and runs each rank’s ops in 1F1B order', () => {
    const r = runScenario(
      tinyScenario({ schedule: '1f1b', mode: 'timing-only', workers: 4, updates: 2, timing, trace: true }),
      0,
    );
    // F2: the same (4 + 4 − 1)(1 + 2) ms = 21 ms as GPipe; with latency, the analytic timeline's makespan.
    expect(timeline(oneFOneB, { stages: 4, microBatches: 4, tF, tB }).makespan).toBeCloseTo(7 * (tF + tB), 15);
    const t = timeline(oneFOneB, { stages: 4, microBatches: 4, tF, tB, tComm: alpha });
    expect(r.simTimeS).toBeCloseTo(2 * t.makespan, 12);
    // Per rank, the compute spans of the first batch start when the timeline's ops do, in program order.
    for (let s = 0; s < 4; s++) {
      const spans = r.spans.filter((x) => x.worker === s && x.kind === 'compute').slice(0, 8);
      expect(spans.map((x) => x.name)).toEqual(t.byRank[s]!.map((o) => `${o.op.op}${o.op.mb}`));
      spans.forEach((x, i) => expect(x.startS).toBeCloseTo(t.byRank[s]![i]!.start, 12));
    }
    for (const u of r.updateRows) expect(u.versionApplied - u.versionRead).toBe(0);
  });

  it('gives the same parameters as GPipe (both flush: every op reads version v)', async () => {
    await initBackend('wasm');
    const common = { updates: 4, workers: 4, batchSize: 40, scheduleOptions: { microBatches: 8 } };
    const a = runScenario(tinyScenario({ ...common, schedule: '1f1b' }), 0).finalParams!;
    const b = runScenario(tinyScenario({ ...common, schedule: 'gpipe' }), 0).finalParams!;
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('1f1b on replicas of different speeds', () => {
  // 4 GPUs, 2 stages × 2 replicas; replica 1 on GPUs at half speed (Megatron's rank order, layout.ts:
  // rank = s·d + r, so replica 1 is ranks 1 and 3). Each replica runs its own 1F1B
  // with its own GPUs' op times, and the per-stage all-reduce after the flush waits for both, so the
  // iteration is the slow replica's: the same time as a cluster that is slow everywhere (the
  // all-reduces start at the same moment and carry the same bytes), and longer than a fast one.
  const run = (speeds: [number, number]) => {
    const t = tinyScenario({
      schedule: '1f1b',
      mode: 'timing-only',
      workers: 4,
      updates: 2,
      timing,
      scheduleOptions: { stages: 2, microBatches: 4 },
    });
    const g = t.cluster.nodes[0]!;
    return runScenario(
      {
        ...t,
        cluster: {
          ...t.cluster,
          nodes: [0, 1, 0, 1].map((r) => ({ ...g, count: 1, speed: speeds[r]! })),
        },
      },
      0,
    ).simTimeS;
  };
  it('times each replica on its own GPUs', () => {
    const mixed = run([1, 0.5]);
    expect(mixed).toBeCloseTo(run([0.5, 0.5]), 12);
    expect(mixed).toBeGreaterThan(1.5 * run([1, 1]));
  });
});
