import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { tinyScenario } from './fixtures.ts';

// Ring all-reduce on the fixture's switch: α = 6 µs, B = 12.5 GB/s (see fixtures.ts), so
// T(n, N) = 2(N−1)α + 2(N−1)/N · n/B (spec §1.1).
const ringTime = (n: number, N: number): number => 2 * (N - 1) * 6e-6 + ((2 * (N - 1)) / N) * (n / 12.5e9);

describe('sync-allreduce', () => {
  it('records staleness 0 on every update of a synchronous run', async () => {
    await initBackend('wasm');
    const r = runScenario(tinyScenario({ workers: 4, updates: 6 }), 0);
    expect(r.updateRows.length).toBe(4 * 6);
    for (const u of r.updateRows) expect(u.versionApplied - u.versionRead).toBe(0);
    expect(r.meanStaleness).toBe(0);
    expect(r.maxStaleness).toBe(0);
  });

  it('with one 2× straggler, takes per step the slow worker’s compute plus the all-reduce', () => {
    const steps = 5;
    const r = runScenario(
      tinyScenario({
        mode: 'timing-only',
        workers: 4,
        updates: steps,
        stepTimeS: 0.01,
        paramBytes: 4e6,
        stragglers: [{ kind: 'constant', options: { factor: 2 }, workers: [1] }],
      }),
      0,
    );
    // Each step: worker 1 computes 2 × 10 ms, then the ring all-reduce of 4 MB among 4 ranks.
    const perStep = 2 * 0.01 + ringTime(4e6, 4);
    expect(r.simTimeS).toBeCloseTo(steps * perStep, 12);
    // The fast workers idle while the straggler computes: 10 ms per step each.
    expect(r.workerRows[0]!.idleS).toBeCloseTo(steps * 0.01, 12);
    expect(r.workerRows[1]!.idleS).toBeCloseTo(0, 12);
    expect(r.workerRows[1]!.computeS).toBeCloseTo(steps * 0.02, 12);
  });

  it('overlaps bucketed all-reduces with the backward pass and never beats the compute', () => {
    // ResNet-50 timing: 161 layers and 51 MB of bf16 gradients, so 10 MB buckets make several.
    const base = {
      mode: 'timing-only' as const,
      workers: 4,
      updates: 3,
      timing: { kind: 'profile' as const, name: 'resnet50' },
    };
    const plain = runScenario(tinyScenario(base), 0);
    const bucketed = runScenario(tinyScenario({ ...base, scheduleOptions: { bucketSize: 10e6 } }), 0);
    const computeS = plain.workerRows[0]!.computeS;
    expect(bucketed.simTimeS).toBeLessThan(plain.simTimeS);
    expect(bucketed.simTimeS).toBeGreaterThan(computeS);
    // Same bytes either way: buckets split the gradient, they don't add to it.
    expect(bucketed.bytesSent).toBeCloseTo(plain.bytesSent, 3);
  });

  it('with N workers at batch b gives the parameters of one worker at batch N·b (to 1e-5)', async () => {
    await initBackend('wasm');
    // 1001 samples, stratified 20% test (201) → 800 training samples: 4 iid shards of 200 (the
    // precondition is asserted below). With batch = shard size every
    // worker's batch is its whole shard, and the mean of the 4 shard gradients is the full-set gradient,
    // which is what one worker with batch 800 computes. Momentum applies the same rule to both.
    const common = { updates: 5, optimizer: 'momentum', optimizerOptions: { momentum: 0.9 }, lr: 0.5, n: 1001 };
    const many = runScenario(tinyScenario({ ...common, workers: 4, batchSize: 200 }), 0);
    const one = runScenario(tinyScenario({ ...common, workers: 1, batchSize: 800 }), 0);
    expect(many.samples / 5).toBe(800);
    expect(Math.max(...many.evals.map((e) => e.epoch))).toBeCloseTo(5, 12);
    const a = many.finalParams!;
    const b = one.finalParams!;
    expect(a.length).toBe(b.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
    // And training moved the parameters: the comparison is not between two initial vectors.
    const init = runScenario(tinyScenario({ ...common, workers: 1, batchSize: 800, updates: 1 }), 0).finalParams!;
    let moved = 0;
    for (let i = 0; i < a.length; i++) moved = Math.max(moved, Math.abs(a[i]! - init[i]!));
    expect(moved).toBeGreaterThan(1e-3);
  });
});
