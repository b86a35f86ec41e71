/**
 * The flush executor's memory counters and its data-parallel replicas (spec §24.2, F5, F8).
 *
 * Memory, with custom timing (one layer, so the model is split into S equal parts, stage-times.ts):
 * stage s of S holds W = paramBytes / S of weights, the same of gradients, and 0 of optimizer state
 * (plain SGD), plus one activation set per micro-batch in flight, A = activationBytesPerSample ×
 * micro-batch rows / S. A micro-batch's set is held from its F to the end of its B (or W), so the
 * peak count per stage is the analytic timeline's `peakActivations`: M for GPipe, min(S − s, M) for
 * 1F1B (F5), and the peak bytes are 2W + peak × A.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../../src/scenario/run-scenario.ts';
import { PIPE_PROGRAMS } from '../../../../src/schedules/lib/pipeline/programs.ts';
import { timeline } from '../../../../src/schedules/lib/pipeline/timeline.ts';
import { initBackend } from '../../../../src/training/tensor-backend.ts';
import { tinyScenario } from '../../fixtures.ts';

const paramBytes = 4e6;
const actPerSample = 1000;
const timing = { kind: 'custom' as const, stepTimeS: 0.012, paramBytes, activationBytesPerSample: actPerSample };

describe('flush pipelines: memory per stage', () => {
  for (const [schedule, opts, M, v] of [
    ['gpipe', {}, 4, 1],
    ['1f1b', {}, 4, 1],
    ['1f1b', { microBatches: 8 }, 8, 1],
    ['zb-h1', {}, 4, 1],
    ['interleaved-1f1b', {}, 8, 2],
  ] as const) {
    it(`${schedule} ${JSON.stringify(opts)}: peak activation sets are the timeline's, peak bytes 2W + peak × A`, () => {
      const S = 4;
      const b = 16;
      const r = runScenario(
        tinyScenario({
          schedule,
          mode: 'timing-only',
          workers: S,
          batchSize: b,
          updates: 2,
          timing,
          scheduleOptions: opts as never,
        }),
        0,
      );
      const t = timeline(PIPE_PROGRAMS[schedule]!, { stages: S, microBatches: M, chunks: v, tF: 1, tB: 2 });
      const rows = (S * b) / M;
      for (let s = 0; s < S; s++) {
        const w = r.workerRows[s]!;
        expect(w.stage).toBe(s);
        expect(w.peakWeightVersions).toBe(1);
        expect(w.peakActivations).toBe(t.peakActivations[s]);
        // Each chunk is 1/(v·S) of the model; a rank holds v chunks of weights.
        const W = paramBytes / S;
        const A = (actPerSample * rows) / (S * v);
        expect(w.peakMemoryBytes).toBeCloseTo(2 * W + t.peakActivations[s]! * A, 3);
      }
      if (schedule === 'gpipe') expect(r.workerRows.map((w) => w.peakActivations)).toEqual([M, M, M, M]);
      if (schedule === '1f1b')
        expect(r.workerRows.map((w) => w.peakActivations)).toEqual([0, 1, 2, 3].map((s) => Math.min(S - s, M)));
    });
  }

  it('fails a stage that does not fit its GPU, naming it, unless oversubscription is allowed', () => {
    const big = { ...timing, paramBytes: 4e11 };
    const sc = tinyScenario({ schedule: '1f1b', mode: 'timing-only', workers: 4, updates: 1, timing: big });
    expect(() => runScenario(sc, 0)).toThrow(/out of GPU memory on rank 0 \(A100-80GB.*weights/);
    const r = runScenario({ ...sc, cluster: { ...sc.cluster, allowOversubscribe: true } }, 0);
    // 1e11 bytes of weights and as many of gradients per stage: past the 80 GiB.
    expect(r.workerRows[0]!.peakMemoryBytes).toBeGreaterThan(2e11);
  });
});

describe('flush pipelines × data parallelism', () => {
  it('two stages × two replicas: the same parameters as sync-allreduce on the global batch, with a per-stage all-reduce', async () => {
    await initBackend('wasm');
    const common = { workers: 4, batchSize: 20, updates: 3, trace: true };
    const pipe = runScenario(
      tinyScenario({ ...common, schedule: 'gpipe', scheduleOptions: { stages: 2, microBatches: 4 } }),
      0,
    );
    const sync = runScenario(tinyScenario({ ...common, schedule: 'sync-allreduce' }), 0);
    // Both apply the mean gradient over the four data keys' batches of 20 (gpipe: (replica, stage) groups).
    expect(Array.from(pipe.finalParams!)).toEqual(Array.from(sync.finalParams!));
    expect(pipe.samples).toBe(sync.samples);
    // Stage s of replica r is rank 2s + r: ranks 0, 1 hold stage 0, ranks 2, 3 stage 1.
    expect(pipe.workerRows.map((w) => w.stage)).toEqual([0, 0, 1, 1]);
    const ar = pipe.spans.filter((x) => x.kind === 'comm' && x.name.startsWith('dp all-reduce stage'));
    expect(new Set(ar.map((x) => x.worker))).toEqual(new Set([0, 1, 2, 3]));
    expect(ar.length).toBe(4 * 3);
  });

  it('rejects a layout that does not divide the cluster', () => {
    const sc = tinyScenario({
      schedule: '1f1b',
      mode: 'timing-only',
      workers: 4,
      updates: 1,
      timing,
      scheduleOptions: { stages: 3 },
    });
    expect(() => runScenario(sc, 0)).toThrow(/stages × tensorParallel must divide the 4 workers/);
  });
});

describe('flush pipelines × tensor parallelism', () => {
  it('runs each stage on t GPUs of one node: the same compute on each, t parallel sends of 1/t, the same memory', () => {
    // gpt2-small on 2 nodes × 4 A100s: tensorParallel 2, stages 2, so 2 data-parallel replicas.
    // Rank of (stage s, replica r, shard k) = s·4 + r·2 + k.
    const t0 = tinyScenario({
      schedule: '1f1b',
      mode: 'timing-only',
      workers: 8,
      batchSize: 2,
      updates: 2,
      trace: true,
    });
    const sc = {
      ...t0,
      cluster: { ...t0.cluster, nodes: [{ ...t0.cluster.nodes[0]!, count: 2, gpusPerNode: 4 }] },
      workload: {
        ...t0.workload,
        timing: { kind: 'profile' as const, name: 'gpt2-small' },
        precision: 'bf16' as const,
      },
      training: {
        ...t0.training,
        schedule: {
          kind: '1f1b',
          options: { microBatches: 4, stages: 2, tensorParallel: 2, sequenceParallel: false, recompute: 'none' },
        },
      },
    };
    const r = runScenario(sc, 0);
    expect(r.workerRows.map((w) => w.stage)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    const spans = (w: number) => r.spans.filter((x) => x.worker === w && x.kind === 'compute');
    // The two GPUs of a tensor group compute in lock step (one op, the slower factor: none here).
    for (const [a, b] of [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ] as const) {
      expect(spans(a).map((x) => [x.name, x.startS, x.durationS])).toEqual(
        spans(b).map((x) => [x.name, x.startS, x.durationS]),
      );
      expect(r.workerRows[a]!.peakMemoryBytes).toBe(r.workerRows[b]!.peakMemoryBytes);
    }
    // Every forward of stage 0 sends one activation share from each GPU of its group.
    const acts = r.spans.filter((x) => x.kind === 'comm' && x.name.startsWith('act'));
    for (const w of [0, 1, 2, 3]) expect(acts.filter((x) => x.worker === w)).toHaveLength(4 * 2);
    // Replicas all-reduce each stage's gradients among the GPUs holding the same shard: {0, 2}, {1, 3}, …
    const ar = r.spans.filter((x) => x.kind === 'comm' && x.name.startsWith('dp all-reduce'));
    expect(new Set(ar.map((x) => x.worker))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });
});
