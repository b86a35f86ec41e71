import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import { buildCluster } from '../../src/hardware/cluster.ts';
import { Slowdown } from '../../src/hardware/slowdown.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { ComputeModel } from '../../src/schedules/lib/compute-model.ts';
import { pipelineStageTimes } from '../../src/schedules/lib/pipeline/stage-times.ts';
import { getProfile } from '../../src/workload/registry.ts';
import { gpipe } from '../../src/schedules/lib/pipeline/programs.ts';
import { timeline } from '../../src/schedules/lib/pipeline/timeline.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario } from './fixtures.ts';

// Custom step time 12 ms for batch b on an A100 (speed 1), S = 4 stages, M = 4 micro-batches of
// S·b/M = b samples: each stage runs 1/S of the model, so t_F = 12 ms / 3 × (b / b) / 4 = 1 ms and
// t_B = 2 ms (stage-times.ts). Activations of 0 bytes: a send costs the path latency
// α = 1 µs (GPU↔NIC) + 5 µs (NIC) = 6 µs (fixtures.ts).
const tF = 0.001;
const tB = 0.002;
const alpha = 6e-6;
const timing = { kind: 'custom' as const, stepTimeS: 0.012, paramBytes: 4e6, activationBytesPerSample: 0 };

describe('gpipe', () => {
  it('takes (M + S − 1)(t_F + t_B) per batch with equal stages and free transfers (spec F1), and the analytic timeline with latency', () => {
    const batches = 3;
    const r = runScenario(
      tinyScenario({ schedule: 'gpipe', mode: 'timing-only', workers: 4, updates: batches, timing }),
      0,
    );
    // F1: (4 + 4 − 1)(1 + 2) ms = 21 ms; each cross-stage dependency adds α on the critical path.
    const f1 = (4 + 4 - 1) * (tF + tB);
    const t = timeline(gpipe, { stages: 4, microBatches: 4, tF, tB, tComm: alpha });
    expect(timeline(gpipe, { stages: 4, microBatches: 4, tF, tB }).makespan).toBeCloseTo(f1, 15);
    expect(r.simTimeS).toBeCloseTo(batches * t.makespan, 12);
    // Every stage computes M(t_F + t_B) per batch.
    for (const w of r.workerRows) expect(w.computeS).toBeCloseTo(batches * 4 * (tF + tB), 12);
    expect(r.updateRows.length).toBe(4 * batches);
    for (const u of r.updateRows) {
      expect(u.stage).toBe(u.worker);
      expect(u.versionApplied - u.versionRead).toBe(0);
    }
  });

  it('is paced by a straggler stage: a 2× stage 1 runs as the timeline with doubled op times there', () => {
    const r = runScenario(
      tinyScenario({
        schedule: 'gpipe',
        mode: 'timing-only',
        workers: 4,
        updates: 1,
        timing,
        stragglers: [{ kind: 'constant', options: { factor: 2 }, workers: [1] }],
      }),
      0,
    );
    // With one slow stage of 2(t_F + t_B) per micro-batch and free transfers, GPipe's batch is
    // (S − 1)(t_F + t_B) of fill/drain on the other stages + M · 2(t_F + t_B) on the slow one:
    // 3 × 3 ms + 4 × 6 ms = 33 ms, plus the transfers' latency on the critical path (< 14 sends).
    const ideal = 3 * (tF + tB) + 4 * 2 * (tF + tB);
    expect(r.simTimeS).toBeGreaterThanOrEqual(ideal);
    expect(r.simTimeS).toBeLessThan(ideal + 14 * alpha);
    expect(r.workerRows[1]!.computeS).toBeCloseTo(4 * 2 * (tF + tB), 12);
    expect(r.workerRows[1]!.idleS).toBeLessThan(r.workerRows[0]!.idleS);
  });

  it('with M micro-batches gives the parameters of single-worker SGD on the whole batch (to 1e-5)', async () => {
    await initBackend('wasm');
    // As sync-allreduce.test.ts: 800 training samples in 4 iid shards of 200; with b = 200 the pipeline's
    // batch (S·b = 800) is the whole training set, as is one worker's batch of 800. Every op of a flush
    // schedule reads version v, so the stage-wise gradients are the full model's gradient on the batch.
    const common = { updates: 5, optimizer: 'momentum', optimizerOptions: { momentum: 0.9 }, lr: 0.5, n: 1001 };
    const pipe = runScenario(
      tinyScenario({ ...common, schedule: 'gpipe', scheduleOptions: { microBatches: 8 }, workers: 4, batchSize: 200 }),
      0,
    );
    const one = runScenario(tinyScenario({ ...common, workers: 1, batchSize: 800 }), 0);
    expect(pipe.samples).toBe(5 * 800);
    const a = pipe.finalParams!;
    const b = one.finalParams!;
    expect(a.length).toBe(b.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
    const init = runScenario(tinyScenario({ ...common, workers: 1, batchSize: 800, updates: 1 }), 0).finalParams!;
    let moved = 0;
    for (let i = 0; i < a.length; i++) moved = Math.max(moved, Math.abs(a[i]! - init[i]!));
    expect(moved).toBeGreaterThan(1e-3);
  });

  it('splits a layered profile (ResNet-50) with planPartition: each stage computes M × its own t_F + t_B', () => {
    const r = runScenario(
      tinyScenario({
        schedule: 'gpipe',
        mode: 'timing-only',
        workers: 4,
        updates: 2,
        timing: { kind: 'profile', name: 'resnet50' },
      }),
      0,
    );
    // The same devices, micro-batch 4 × 16 / 4 = 16 and profile as the run (fixtures.ts: 4 A100s, fp32).
    const devices = buildCluster([
      {
        count: 4,
        gpusPerNode: 1,
        gpu: 'A100-80GB',
        nic: { bandwidth: bytesPerSecond(12.5e9), latency: seconds(5e-6) },
      },
    ]).devices;
    const profile = getProfile('resnet50').build({ bytesPerValue: 4 });
    const compute = new ComputeModel({
      devices,
      profile,
      batchSize: 16,
      precision: 'fp32',
      slowdown: new Slowdown([], new Rng(1).fork('stragglers')),
    });
    const times = pipelineStageTimes(compute, devices, 16);
    expect(times.reduce((a, s) => a + s.layers, 0)).toBe(profile.layers.length);
    expect(times.every((s) => s.layers > 0)).toBe(true);
    r.workerRows.forEach((w, s) => expect(w.computeS).toBeCloseTo(2 * 4 * (times[s]!.tF + times[s]!.tB), 12));
  });

  it('rejects micro-batches that do not divide the batch', () => {
    expect(() =>
      runScenario(
        tinyScenario({ schedule: 'gpipe', mode: 'timing-only', scheduleOptions: { microBatches: 7 }, updates: 1 }),
        0,
      ),
    ).toThrow(/microBatches must divide/);
  });
});
