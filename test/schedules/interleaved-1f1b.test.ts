import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { interleaved1F1B, oneFOneB } from '../../src/schedules/lib/pipeline/programs.ts';
import { timeline } from '../../src/schedules/lib/pipeline/timeline.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario } from './fixtures.ts';

// S = 4 ranks, v = 2 chunks, M = 8: the model is cut into v·S = 8 virtual stages, so with a custom
// 12 ms step at batch 16 (micro-batch 4·16/8 = 8) each chunk's t_F = 12 / 3 × 8/16 / 8 = 0.25 ms and
// t_B = 0.5 ms; a 0-byte send costs α = 6 µs.
const tF = 0.00025;
const tB = 0.0005;
const alpha = 6e-6;
const timing = { kind: 'custom' as const, stepTimeS: 0.012, paramBytes: 4e6, activationBytesPerSample: 0 };

describe('interleaved-1f1b', () => {
  it('plays Megatron’s interleaved program op for op, with the smaller bubble of spec F3', () => {
    const r = runScenario(
      tinyScenario({
        schedule: 'interleaved-1f1b',
        mode: 'timing-only',
        workers: 4,
        updates: 2,
        timing,
        trace: true,
        scheduleOptions: { microBatches: 8, chunks: 2 },
      }),
      0,
    );
    const t = timeline(interleaved1F1B, { stages: 4, microBatches: 8, chunks: 2, tF, tB, tComm: alpha });
    expect(r.simTimeS).toBeCloseTo(2 * t.makespan, 12);
    // F3 without transfers: bubble (S − 1)/(v·M + S − 1) = 3/19, against 1F1B's 3/11 on the same work.
    const free = timeline(interleaved1F1B, { stages: 4, microBatches: 8, chunks: 2, tF, tB });
    expect(free.bubble).toBeCloseTo(3 / 19, 12);
    expect(timeline(oneFOneB, { stages: 4, microBatches: 8, tF: 2 * tF, tB: 2 * tB }).bubble).toBeCloseTo(3 / 11, 12);
    for (let s = 0; s < 4; s++) {
      const spans = r.spans.filter((x) => x.worker === s && x.kind === 'compute').slice(0, 32);
      expect(spans.map((x) => x.name)).toEqual(t.byRank[s]!.map((o) => `${o.op.op}${o.op.mb}.${o.op.chunk}`));
      spans.forEach((x, i) => expect(x.startS).toBeCloseTo(t.byRank[s]![i]!.start, 12));
    }
  });

  it('rejects micro-batches that are not a multiple of the stages, and gives 1F1B’s parameters (a flush)', async () => {
    const bad = tinyScenario({ schedule: 'interleaved-1f1b', workers: 4, scheduleOptions: { microBatches: 6 } });
    expect(() => runScenario(bad, 0)).toThrow(/microBatches must be a multiple of the 4 pipeline stages/);
    await initBackend('wasm');
    const common = { updates: 3, workers: 4, batchSize: 40 };
    const a = runScenario(
      tinyScenario({ ...common, schedule: 'interleaved-1f1b', scheduleOptions: { microBatches: 8, chunks: 2 } }),
      0,
    ).finalParams!;
    const b = runScenario(
      tinyScenario({ ...common, schedule: '1f1b', scheduleOptions: { microBatches: 8 } }),
      0,
    ).finalParams!;
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
