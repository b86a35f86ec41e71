import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/scenario/types.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { setUpRun } from '../../src/scenario/run-setup.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario, type TinyOptions, maxAbsDiff } from './fixtures.ts';

/** A fedavg tiny scenario, with its sharding replaced when given. */
function fed(o: TinyOptions, sharding?: Scenario['workload']['sharding']): Scenario {
  const s = tinyScenario({ schedule: 'fedavg', optimizer: 'sgd', ...o });
  return sharding === undefined ? s : { ...s, workload: { ...s.workload, sharding } };
}

/**
 * The expected model after one FedAvg round in which the clients `kept` (all sampled, fraction 1) each
 * take `steps` plain local steps from the initial model, computed by hand on a fresh trainer of the same
 * scenario (same split, same initial weights, same per-client batch streams):
 * x₁ = Σ_k n_k w_k / Σ_k n_k over the kept clients, with n_k = the client's shard size.
 */
function oneRoundByHand(
  s: Scenario,
  kept: readonly number[],
  steps: number,
): { weighted: Float64Array; uniform: Float64Array } {
  const { trainer } = setUpRun(s);
  const x0 = trainer.initial();
  const models: Float32Array[] = [];
  const n: number[] = [];
  for (let k = 0; k < trainer.dataKeys; k++) {
    let w = x0;
    const opt = trainer.optimizer();
    for (let h = 0; h < steps; h++) w = trainer.apply(opt, w, trainer.gradient(w, k), 0);
    if (kept.includes(k)) {
      models.push(w.params);
      n.push(trainer.shardSize(k));
    }
  }
  const P = x0.params.length;
  const weighted = new Float64Array(P);
  const uniform = new Float64Array(P);
  const total = n.reduce((a, b) => a + b, 0);
  for (let i = 0; i < models.length; i++)
    for (let j = 0; j < P; j++) {
      weighted[j]! += (n[i]! / total) * models[i]![j]!;
      uniform[j]! += models[i]![j]! / models.length;
    }
  return { weighted, uniform };
}

const diff64 = (a: Float32Array, b: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('fedavg', () => {
  it('with every client, E = 1 and a full-shard batch (one plain SGD step each) on equal shards is sync-allreduce', async () => {
    await initBackend('wasm');
    // 1200 samples, 960 for training, 4 iid shards of 240 = the batch: each client's one step is on its
    // whole shard, w_k = w − η·∇f_k(w), and Σ (n/4n) w_k = w − η·mean_k ∇f_k(w), which is sync-allreduce's
    // step on the 4 workers' full-shard batches (the same shards: both runs split into 4 data keys).
    const common = { workers: 4, updates: 3, batchSize: 240, n: 1200, lr: 0.3 };
    const s = fed({ ...common, scheduleOptions: { clients: 4, fraction: 1, localEpochs: 1 } });
    const { trainer } = setUpRun(s);
    expect([0, 1, 2, 3].map((k) => trainer.shardSize(k))).toEqual([240, 240, 240, 240]);
    const fa = runScenario(s, 0);
    const sync = runScenario(tinyScenario({ ...common, optimizer: 'sgd', schedule: 'sync-allreduce' }), 0);
    expect(fa.updates).toBe(3);
    expect(fa.updateRows.length).toBe(12); // one step per client per round
    expect(maxAbsDiff(fa.finalParams!, sync.finalParams!)).toBeLessThan(1e-6);
    expect(
      maxAbsDiff(
        fa.finalParams!,
        runScenario(fed({ ...common, updates: 2, scheduleOptions: { clients: 4, fraction: 1 } }), 0).finalParams!,
      ),
    ).toBeGreaterThan(1e-4);
  });

  it('weights each client by its shard size n_k (unequal Dirichlet shards)', async () => {
    await initBackend('wasm');
    const s = fed(
      { workers: 2, updates: 1, scheduleOptions: { clients: 5, fraction: 1, localSteps: 2 }, lr: 0.5 },
      { kind: 'dirichlet', alpha: 0.3 },
    );
    const r = runScenario(s, 0);
    const { weighted, uniform } = oneRoundByHand(s, [0, 1, 2, 3, 4], 2);
    expect(diff64(r.finalParams!, weighted)).toBeLessThan(1e-6);
    // The test can tell: the unweighted mean is far from it.
    expect(diff64(r.finalParams!, uniform)).toBeGreaterThan(1e-3);
  });

  it('drops clients whose local training ends after the deadline: no rows, no contribution', async () => {
    await initBackend('wasm');
    // One client per GPU, 2 steps of 10 ms; rank 3 is 2× slow (40 ms) and misses the 30 ms deadline.
    const stragglers = [{ kind: 'constant', options: { factor: 2 }, workers: [3] }];
    const o = { workers: 4, updates: 1, stragglers, lr: 0.5 };
    const s = fed({ ...o, scheduleOptions: { clients: 4, fraction: 1, localSteps: 2, deadline: 0.03 } });
    const r = runScenario(s, 0);
    expect(r.workerRows.map((w) => w.updates)).toEqual([2, 2, 2, 0]);
    expect([...r.updateRows].every((u) => u.worker !== 3)).toBe(true);
    expect(r.samples).toBe(6 * 16);
    const { weighted } = oneRoundByHand(s, [0, 1, 2], 2);
    expect(diff64(r.finalParams!, weighted)).toBeLessThan(1e-6);
    // Without the deadline the straggler's client counts, and the model differs.
    const all = runScenario(fed({ ...o, scheduleOptions: { clients: 4, fraction: 1, localSteps: 2 } }), 0);
    expect(all.workerRows.map((w) => w.updates)).toEqual([2, 2, 2, 2]);
    expect(diff64(all.finalParams!, weighted)).toBeGreaterThan(1e-4);
    // The round waited for the straggler's GPU to go idle (its step in progress is finished, then
    // dropped): both rounds end after its 40 ms, and the model upload of the three kept GPUs follows.
    expect(r.simTimeS).toBeGreaterThan(0.04);
  });

  it('samples max(1, round(C·K)) clients per round and keeps each online with probability `availability`', () => {
    const base = { mode: 'timing-only' as const, workers: 4, updates: 50 };
    const rowsPerRound = (scheduleOptions: NonNullable<TinyOptions['scheduleOptions']>): number[] => {
      const r = runScenario(fed({ ...base, scheduleOptions }), 0);
      const perRound = new Array<number>(50).fill(0);
      for (const u of r.updateRows) perRound[u.versionRead]!++;
      return perRound;
    };
    // Timing-only, localSteps 1: one row per online client per round.
    expect(rowsPerRound({ clients: 20, fraction: 0.25, localSteps: 1 }).every((c) => c === 5)).toBe(true);
    expect(rowsPerRound({ clients: 20, fraction: 0.001, localSteps: 1 }).every((c) => c === 1)).toBe(true);
    const half = rowsPerRound({ clients: 20, fraction: 1, localSteps: 1, availability: 0.5 });
    const online = half.reduce((a, b) => a + b, 0) / (50 * 20);
    // 1000 Bernoulli(0.5) draws: sd 0.016, so ±0.08 is five sd.
    expect(online).toBeGreaterThan(0.42);
    expect(online).toBeLessThan(0.58);
    expect(new Set(half).size).toBeGreaterThan(1);
  });

  it('books a GPU’s clients one after another, between the model download and upload', () => {
    // 8 clients on 4 GPUs (round-robin: 2 each), 3 steps of 10 ms each: 60 ms of compute per round.
    // The dedicated server (rank 4) sends 4 MB to each GPU and receives 4 MB back, each send
    // α + n/B = 6 µs + 4e6 / 12.5e9 s on the switch.
    const r = runScenario(
      fed({
        mode: 'timing-only',
        workers: 5,
        updates: 2,
        scheduleOptions: { clients: 8, fraction: 1, localSteps: 3, servers: 'dedicated' },
      }),
      0,
    );
    const send = 6e-6 + 4e6 / 12.5e9;
    expect(r.simTimeS).toBeCloseTo(2 * (2 * send + 0.06), 9);
    expect(r.workerRows.map((w) => w.updates)).toEqual([12, 12, 12, 12, 0]);
    expect(r.maxStaleness).toBe(0);
  });
});
