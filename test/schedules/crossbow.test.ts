/**
 * Crossbow (SMA with m learners per GPU, spec §12). What the tests prove:
 *
 * - SMA's central update conserves the corrections: z_new − z = Σ_j c_j + μ(z − z_prev) exactly, the
 *   corrections summed per GPU and then across GPUs (spec §26.3 item 10).
 * - With α = 0 and μ = 0 the learners evolve independently and z never moves (§26.3 item 10): the run's
 *   model stays the initial one, and each learner's losses are exactly those of an independent SGD on
 *   its shard, i.e. Local SGD's replicas inside one long round (same data keys, same batches).
 *   There is no exact reduction of SMA to synchronous SGD: c_j is taken from the learner's weights
 *   before its step, so in the first iteration z does not move at all (every w_j = z, every c_j = 0),
 *   and afterwards z trails the learners by an iteration; with one learner, α = 1 and μ = 0 the
 *   recurrence is z_{t+1} = w_t, w_{t+1} = z_t − η∇ℓ(w_t), not SGD.
 * - Timing: on one GPU (no all-reduce) with no stragglers, an iteration of m equal learners takes
 *   m·t/speedup(m) (processor sharing), so throughput(m)/throughput(1) = speedup(m) exactly: it rises
 *   with m and saturates at maxSpeedup.
 * - The auto-tuner adds learners while throughput improves by > 10% and stops at the memory bound; with
 *   no speed-up it tries a second learner, finds no gain, removes it and stays at one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { saturatingSpeedup } from '../../src/hardware/gpu-share.ts';
import type { RunResult } from '../../src/results/recorder.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { smaCentral } from '../../src/schedules/crossbow.ts';
import { PARAM_MATH } from '../../src/schedules/lib/param-math.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario, withScheduleDefaults } from './fixtures.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const f32 = (...x: number[]): Float32Array => Float32Array.from(x);

/** Rows of each worker as (time, loss) lists. */
function lossesByWorker(r: RunResult): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const u of r.updateRows) {
    const l = m.get(u.worker) ?? [];
    l.push(u.loss!);
    m.set(u.worker, l);
  }
  return m;
}

/** Update rows written at the run's last row time, per worker: the learners of the last iteration. */
function lastIterationLearners(r: RunResult): number {
  const rows = [...r.updateRows];
  const t = rows[rows.length - 1]!.timeS;
  return rows.filter((u) => u.timeS === t && u.worker === 0).length;
}

describe('crossbow: SMA', () => {
  it('moves z by exactly Σ corrections (per GPU, then across GPUs) + μ(z − z_prev)', () => {
    const z = f32(1, 2);
    const zPrev = f32(0.5, 3);
    const c = [
      [f32(0.25, -0.5), f32(0.125, 0)],
      [f32(-1, 0.75), f32(0.5, 0.25)],
    ];
    // Σ c = (−0.125, 0.5); μ(z − z_prev) = 0.5·(0.5, −1) = (0.25, −0.5).
    expect(Array.from(smaCentral(PARAM_MATH, z, zPrev, c, 0.5))).toEqual([1 - 0.125 + 0.25, 2 + 0.5 - 0.5]);
    expect(Array.from(smaCentral(PARAM_MATH, z, zPrev, c, 0))).toEqual([0.875, 2.5]);
  });

  it('with α = 0 and μ = 0: z never moves and every learner is an independent SGD on its shard', () => {
    const updates = 6;
    const base = { workers: 2, updates, mode: 'full' as const, lr: 0.2 };
    const cb = runScenario(
      tinyScenario({ ...base, schedule: 'crossbow', scheduleOptions: { learnersPerGpu: 1, alpha: 0, momentum: 0 } }),
      0,
    );
    // Local SGD with one round longer than the run: replicas evolve independently on keys 0 and 1.
    const ls = runScenario(
      tinyScenario({ ...base, updates: 2 * updates, schedule: 'local-sgd', scheduleOptions: { localSteps: updates } }),
      0,
    );
    const init = runScenario(
      tinyScenario({
        ...base,
        updates: 1,
        schedule: 'crossbow',
        scheduleOptions: { learnersPerGpu: 1, alpha: 0, momentum: 0 },
      }),
      0,
    );
    expect(cb.updates).toBe(updates);
    expect(Array.from(cb.finalParams!)).toEqual(Array.from(init.finalParams!));
    const a = lossesByWorker(cb);
    const b = lossesByWorker(ls);
    for (const w of [0, 1]) expect(a.get(w)).toEqual(b.get(w)!.slice(0, updates));
    // And the learners did learn: their losses changed.
    expect(a.get(0)![0]).not.toBe(a.get(0)![updates - 1]);
  });

  it('with α > 0 the central model moves', () => {
    const r = (alpha: number): Float32Array =>
      runScenario(
        tinyScenario({ workers: 2, updates: 8, schedule: 'crossbow', scheduleOptions: { learnersPerGpu: 2, alpha } }),
        0,
      ).finalParams!;
    expect(Array.from(r(0.1))).not.toEqual(Array.from(r(0)));
  });
});

describe('crossbow: GPU sharing', () => {
  it('throughput(m)/throughput(1) = speedup(m) on one GPU: rises with m, saturates at maxSpeedup', () => {
    const speedup = saturatingSpeedup(3, 1);
    const tp = (m: number): number => {
      const r = runScenario(
        tinyScenario({
          workers: 1,
          mode: 'timing-only',
          updates: 8 * 8,
          schedule: 'crossbow',
          scheduleOptions: { learnersPerGpu: m, maxSpeedup: 3, speedupScale: 1 },
        }),
        0,
      );
      return r.samples / r.simTimeS;
    };
    const t1 = tp(1);
    let prev = t1;
    for (const m of [2, 4, 8]) {
      const t = tp(m);
      expect(t / t1).toBeCloseTo(speedup(m), 9);
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
    expect(prev / t1).toBeGreaterThan(2.99);
    expect(prev / t1).toBeLessThan(3);
  });
});

describe('crossbow: auto-tuner', () => {
  // One GPU whose memory holds 3 learners of a 4 MB model (plain SGD, no activations in custom timing):
  // the run books 2w (weights, grads); crossbow adds 3w (z, z_prev, accumulator) and per learner w (its
  // pre-step copy) plus 2w beyond the first: m learners use 3w + 3mw; 13w holds m = 3, not 4.
  const w = 4e6;
  const tuned = (memoryBytes: number, maxSpeedup: number): Scenario => {
    const s = tinyScenario({
      workers: 1,
      mode: 'full',
      updates: 400,
      paramBytes: w,
      schedule: 'crossbow',
      scheduleOptions: { learnersPerGpu: 1, autotune: true, autotuneInterval: 4, maxSpeedup, speedupScale: 1 },
    });
    const gpu = { name: 'small-GPU', peakFlops: { fp32: 19.5e12, fp16: 312e12 }, memoryBandwidth: 2e12, memoryBytes };
    return { ...s, cluster: { ...s.cluster, nodes: [{ ...s.cluster.nodes[0]!, gpu }] } };
  };

  it('adds learners while throughput gains > 10% and stops at the memory bound', () => {
    const r = runScenario(tuned(13 * w, 8), 0);
    expect(lastIterationLearners(r)).toBe(3);
    expect(r.peakMemoryBytes).toBe(3 * w + 3 * 3 * w);
    // With room for more, the same curve goes further (speedup(4)/speedup(3) > 1.1).
    expect(lastIterationLearners(runScenario(tuned(1e12, 8), 0))).toBeGreaterThan(3);
  });

  it('with no speed-up it tries a second learner, finds no gain and goes back to one', () => {
    const r = runScenario(tuned(1e12, 1), 0);
    expect(lastIterationLearners(r)).toBe(1);
  });

  it('keeps the options it was given when the check passes', () => {
    expect(withScheduleDefaults('crossbow', {})).toMatchObject({ learnersPerGpu: 2, alpha: 0.1, momentum: 0.9 });
  });
});
