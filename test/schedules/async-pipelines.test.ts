/**
 * The asynchronous pipelines (spec §15–18) against their version and memory counters (spec §24.1):
 * τ = version_applied − version_read, δ = version_backward − version_read, measured from updates.csv
 * rows, and weight versions / activations in flight from workers.csv.
 *
 * Derivations, for the stream of lib/pipeline/streams.ts (stage s of p: w = p − 1 − s warm-up
 * forwards, then F(w + i), B(i) for i = 0, 1, …; a step after every `every`-th backward):
 * - The forward of micro-batch j on stage s runs after the backwards B(0 … j − w − 1) of that stage,
 *   so it reads version ⌊(j − w)/every⌋ (0 while j < w).
 * - Its gradient is applied at the step after B(j): to version ⌊j/every⌋.
 * - PipeDream (every = 1): τ = j − (j − w) = w = p − 1 − s once j ≥ w; the micro-batches between a
 *   forward and its backward on stage s are w + 1 at most, each with its own stashed version, so the
 *   stage holds p − s versions; activations in flight peak at p − s, as 1F1B's.
 * - 2BW (every = M ≥ p): τ = ⌊j/M⌋ − ⌊(j − w)/M⌋ ∈ {0, 1}; at most two versions.
 * - PipeMare (every = M, no stash): the backward B(j) runs after B(0 … j − 1), reading ⌊j/M⌋, so
 *   δ = ⌊j/M⌋ − ⌊(j − w)/M⌋ = τ: nonzero on the early stages (w > 0) for micro-batches that straddle a
 *   step, and 0 on the last stage (w = 0).
 * - Pipelined Backprop (every = 1, no stash): δ = τ = w = p − 1 − s.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { RunResult } from '../../src/results/recorder.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario } from './fixtures.ts';

const timing = { kind: 'custom' as const, stepTimeS: 0.012, paramBytes: 4e6, activationBytesPerSample: 1000 };
const deep = { kind: 'mlp' as const, preset: 'deep8' as const };

function run(
  schedule: string,
  o: Record<string, unknown> = {},
  mode: 'full' | 'timing-only' = 'timing-only',
): RunResult {
  return runScenario(
    tinyScenario({
      schedule,
      mode,
      workers: 4,
      batchSize: 8,
      updates: 24,
      timing,
      model: deep,
      lr: 0.01,
      scheduleOptions: o as never,
    }),
    0,
  );
}

/** τ and δ per stage, from the rows past the warm-up (version_read > 0). */
function counters(r: RunResult): { tau: Set<number>[]; delta: Set<number>[] } {
  const tau = Array.from({ length: 4 }, () => new Set<number>());
  const delta = Array.from({ length: 4 }, () => new Set<number>());
  for (const u of r.updateRows) {
    if (u.versionRead === 0) continue;
    tau[u.stage]!.add(u.versionApplied - u.versionRead);
    delta[u.stage]!.add((u.versionBackward ?? u.versionRead) - u.versionRead);
  }
  return { tau, delta };
}

describe('asynchronous pipelines: version and memory counters', () => {
  it('pipedream: τ = p − 1 − s, δ = 0, p − s weight versions and activations at stage s', () => {
    const r = run('pipedream');
    const { tau, delta } = counters(r);
    for (let s = 0; s < 4; s++) {
      expect([...tau[s]!]).toEqual([3 - s]);
      expect([...delta[s]!]).toEqual([0]);
      const w = r.workerRows.find((x) => x.worker === s)!;
      expect(w.stage).toBe(s);
      expect(w.peakWeightVersions).toBe(4 - s);
      expect(w.peakActivations).toBe(4 - s);
    }
  });

  it('pipedream with vertical sync: τ = p − 1 on every stage', () => {
    const { tau, delta } = counters(run('pipedream', { verticalSync: true }));
    for (let s = 0; s < 4; s++) {
      expect([...tau[s]!]).toEqual([3]);
      expect([...delta[s]!]).toEqual([0]);
    }
  });

  it('pipedream without weight stashing: δ = τ = p − 1 − s, one version per stage', () => {
    const r = run('pipedream', { weightStashing: false });
    const { tau, delta } = counters(r);
    for (let s = 0; s < 4; s++) {
      expect([...tau[s]!]).toEqual([3 - s]);
      expect([...delta[s]!]).toEqual([3 - s]);
      expect(r.workerRows[s]!.peakWeightVersions).toBe(1);
    }
  });

  it('pipedream-2bw: τ ≤ 1 with τ = 1 on the early stages, δ = 0, at most two versions', () => {
    const r = run('pipedream-2bw', { microBatches: 4 });
    const { tau, delta } = counters(r);
    for (let s = 0; s < 4; s++) {
      expect(Math.max(...tau[s]!)).toBeLessThanOrEqual(1);
      expect([...delta[s]!]).toEqual([0]);
      expect(r.workerRows[s]!.peakWeightVersions).toBe(s < 3 ? 2 : 1);
    }
    expect(tau[0]!.has(1)).toBe(true);
  });

  it('pipemare: one weight version, δ = τ ≠ 0 on the early stages, δ = 0 on the last', () => {
    const r = run('pipemare', { microBatches: 4 });
    const { tau, delta } = counters(r);
    expect(delta[0]!.has(0) && delta[0]!.has(1)).toBe(true);
    expect([...delta[3]!]).toEqual([0]);
    for (const u of r.updateRows)
      expect((u.versionBackward ?? u.versionRead) - u.versionRead).toBe(u.versionApplied - u.versionRead);
    for (let s = 0; s < 4; s++) expect(r.workerRows[s]!.peakWeightVersions).toBe(1);
    expect(tau[3]!.size).toBe(1);
  });

  it('pipelined-backprop: δ = τ = p − 1 − s, one version', () => {
    const r = run('pipelined-backprop');
    const { tau, delta } = counters(r);
    for (let s = 0; s < 4; s++) {
      expect([...tau[s]!]).toEqual([3 - s]);
      expect([...delta[s]!]).toEqual([3 - s]);
      expect(r.workerRows[s]!.peakWeightVersions).toBe(1);
    }
  });

  it('on one stage (no delay) each reduces to plain SGD: the same parameters as sync-allreduce on one worker', async () => {
    await initBackend('wasm');
    // p = 1, M = 1: every micro-batch is the worker's batch of 8 drawn from shard 0, as sync-allreduce
    // draws it; τ = δ = 0, so T1 scales by 1^0 = 1, T2's lag is 0, LWP's D = 0 and spike compensation's
    // a = m^0 = 1, b = 0: each step is the optimizer's (pipelined-backprop: momentum SGD with its own m).
    const one = (schedule: string, o: Record<string, unknown>, optimizer?: string, oo?: Record<string, number>) =>
      runScenario(
        tinyScenario({
          schedule,
          workers: 1,
          batchSize: 8,
          updates: 6,
          timing,
          model: deep,
          lr: 0.05,
          ...(optimizer !== undefined ? { optimizer, optimizerOptions: oo ?? {} } : {}),
          scheduleOptions: o as never,
        }),
        0,
      ).finalParams!;
    const sgd = one('sync-allreduce', {});
    for (const s of ['pipedream', 'pipedream-2bw', 'pipemare'])
      one(s, { microBatches: 1 }).forEach((x, i) => expect(x, s).toBeCloseTo(sgd[i]!, 6));
    const momentum = one('sync-allreduce', {}, 'momentum', { momentum: 0.5 });
    one('pipelined-backprop', { microBatches: 1, momentum: 0.5 }).forEach((x, i) =>
      expect(x).toBeCloseTo(momentum[i]!, 6),
    );
  });

  it('every asynchronous pipeline trains the deep MLP in full mode, deterministically', async () => {
    await initBackend('wasm');
    for (const s of ['pipedream', 'pipedream-2bw', 'pipemare', 'pipelined-backprop']) {
      const a = run(s, {}, 'full');
      const b = run(s, {}, 'full');
      expect(a.updates, s).toBe(24);
      expect(Array.from(a.finalParams!)).toEqual(Array.from(b.finalParams!));
      expect(
        a.finalParams!.every((x) => Number.isFinite(x)),
        s,
      ).toBe(true);
    }
  });
});
