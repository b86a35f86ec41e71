import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { minmaxU8Bytes } from '../../src/schedules/lib/compression/minmax-u8.ts';
import { COMPRESSORS } from '../../src/schedules/lib/compressors.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario, type TinyOptions, maxAbsDiff } from './fixtures.ts';

const run = (o: TinyOptions) => runScenario(tinyScenario(o), 0);

describe('gradient compression in data-parallel schedules', () => {
  it('sync-allreduce with top-k at k = P (error feedback) follows the uncompressed run', async () => {
    await initBackend('wasm');
    // k = P keeps every value: the residual stays 0 and the decoded mean is the exact mean of the
    // workers' gradients, which is the merged pass's gradient of the concatenated batch up to float
    // rounding (equal batch sizes).
    const common = { workers: 4, updates: 6, lr: 0.3 };
    const plain = run({ ...common });
    const topk = run({
      ...common,
      scheduleOptions: { compressor: { kind: 'top-k', options: { ratio: 1, errorFeedback: true } } },
    });
    expect(maxAbsDiff(topk.finalParams!, plain.finalParams!)).toBeLessThan(1e-5);
    // It did go through the compressor: k = P (index, value) pairs are all-gathered, more bytes than the all-reduce.
    expect(topk.bytesSent).toBeGreaterThan(plain.bytesSent);
  });

  it('local-sgd with top-k at k = P follows the uncompressed run', async () => {
    await initBackend('wasm');
    const common = { workers: 4, updates: 8, lr: 0.3, schedule: 'local-sgd' };
    const plain = run({ ...common, scheduleOptions: { localSteps: 2 } });
    const topk = run({
      ...common,
      scheduleOptions: { localSteps: 2, compressor: { kind: 'top-k', options: { ratio: 1, errorFeedback: true } } },
    });
    expect(maxAbsDiff(topk.finalParams!, plain.finalParams!)).toBeLessThan(1e-5);
    expect(topk.bytesSent).toBeGreaterThan(plain.bytesSent);
  });

  it('a lossy compressor changes the model, deterministically', async () => {
    await initBackend('wasm');
    const o = {
      workers: 4,
      updates: 6,
      lr: 0.3,
      scheduleOptions: { compressor: { kind: 'qsgd', options: { levels: 2, bucket: 8, errorFeedback: false } } },
    };
    const a = run(o);
    const b = run(o);
    const plain = run({ workers: 4, updates: 6, lr: 0.3 });
    expect(maxAbsDiff(a.finalParams!, b.finalParams!)).toBe(0);
    expect(maxAbsDiff(a.finalParams!, plain.finalParams!)).toBeGreaterThan(1e-4);
  });

  it('times a top-k step as an all-gather of (index, value) pairs', () => {
    // Custom timing: one tensor of P = 4e6 B / 4 B = 1e6 values (a vector: rows 1). top-k at 1%
    // sends k = 10,000 pairs of (int32 index, fp32 value): 80,000 B per worker. Ring all-gather of
    // the N = 4 contributions (320,000 B in all) on the α-β switch (α = 6 µs, B = 12.5 GB/s):
    // (N − 1)·(α + 80,000/B) per step, after the 10 ms compute.
    const n = 4;
    const r = run({
      mode: 'timing-only',
      workers: n,
      updates: 5,
      stepTimeS: 0.01,
      paramBytes: 4e6,
      scheduleOptions: { compressor: { kind: 'top-k', options: { ratio: 0.01, errorFeedback: true } } },
    });
    const ag = (n - 1) * (6e-6 + 80_000 / 12.5e9);
    expect(r.simTimeS).toBeCloseTo(5 * (0.01 + ag), 12);
  });

  it('sends a ByteGrad step as an all-reduce of one byte per value plus two scales per chunk', () => {
    // Ring all-reduce of n bytes among N ranks sends 2(N − 1)/N · n per rank (F24); n = minmaxU8Bytes(P).
    const n = 4;
    const common = { mode: 'timing-only' as const, workers: n, updates: 3, stepTimeS: 0.01, paramBytes: 4e6 };
    const plain = run(common);
    const byte = run({
      ...common,
      scheduleOptions: { compressor: { kind: 'bytegrad', options: { errorFeedback: false } } },
    });
    expect(byte.bytesSent / plain.bytesSent).toBeCloseTo(minmaxU8Bytes(1e6) / 4e6, 9);
  });

  it('async-ps pushes the compressed bytes and pulls the full model', () => {
    // One shard on rank 0 (colocated): each of the other workers' pushes carries minmaxU8Bytes(P) bytes
    // instead of 4P, and each pull 4P, so with bytegrad the bytes of a push+pull fall from 8P to
    // 4P + minmaxU8Bytes(P).
    const common = {
      mode: 'timing-only' as const,
      workers: 4,
      updates: 40,
      stepTimeS: 0.01,
      paramBytes: 4e6,
      schedule: 'async-ps',
    };
    const plain = run({ ...common, scheduleOptions: { stagger: false } });
    const byte = run({
      ...common,
      scheduleOptions: { stagger: false, compressor: { kind: 'bytegrad', options: { errorFeedback: false } } },
    });
    const perPlain = plain.bytesSent / 8e6;
    const perByte = byte.bytesSent / (4e6 + minmaxU8Bytes(1e6));
    // The same number of push+pull rounds moved the bytes (up to the runs' last partial rounds).
    expect(Math.abs(perByte - perPlain) / perPlain).toBeLessThan(0.1);
  });

  it('async-ps with a compressor trains in full mode', async () => {
    await initBackend('wasm');
    const r = run({
      workers: 4,
      updates: 20,
      lr: 0.1,
      schedule: 'async-ps',
      scheduleOptions: { compressor: { kind: 'sign', options: { errorFeedback: true } } },
    });
    expect(r.finalParams!.every((x) => Number.isFinite(x))).toBe(true);
  });
});

describe('communication precision', () => {
  it('halves the bytes on the wire at fp16 and rounds the applied gradient', async () => {
    await initBackend('wasm');
    const base = tinyScenario({ workers: 4, updates: 4, lr: 0.3 });
    const half = { ...base, workload: { ...base.workload, communicationPrecision: 'fp16' as const } };
    const a = runScenario(base, 0);
    const b = runScenario(half, 0);
    expect(b.bytesSent).toBeCloseTo(a.bytesSent / 2, 6);
    const d = maxAbsDiff(a.finalParams!, b.finalParams!);
    // fp16 keeps 11 significant bits: the applied steps differ by about 2⁻¹¹ of a gradient step.
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(1e-2);
  });
});

describe('accordion', () => {
  const acc = (threshold: number, lr?: TinyOptions['lr']) => ({
    workers: 4,
    updates: 40,
    ...(lr === undefined ? {} : { lr }),
    model: { kind: 'mlp' as const, hidden: [16] },
    timing: { kind: 'model' as const },
    scheduleOptions: {
      compressor: {
        kind: 'powersgd',
        options: { rank: 1, warmStart: true, minCompressionRate: 1, errorFeedback: true },
        accordion: { level: 'rank', low: 4, high: 1, everyEpochs: 0.5, threshold },
      },
    },
  });

  it('starts every tensor at the low level, logs it, and leaves it when the gradient norm settles', async () => {
    await initBackend('wasm');
    // 800 training samples, 64 per step: 12.5 steps per epoch, a decision every 0.5 epochs (~7 steps).
    // With an unreachable threshold the first interval is critical (no earlier one), every later one not.
    const r = run(acc(1e9));
    const rows = r.metrics.filter((m) => m.name.startsWith('accordion_level_'));
    const tensors = new Set(rows.map((m) => m.name)).size;
    expect(tensors).toBeGreaterThan(0);
    // First rows: every tensor at the low level (rank 4), at step 0.
    expect(rows.slice(0, tensors).every((m) => m.value === 4)).toBe(true);
    // Then every tensor switched to the high level (rank 1), once.
    expect(rows.slice(tensors, 2 * tensors).every((m) => m.value === 1)).toBe(true);
    // A threshold of 0 makes every interval critical: the level never leaves low.
    const low = run(acc(0));
    expect(low.metrics.filter((m) => m.name.startsWith('accordion_level_')).every((m) => m.value === 4)).toBe(true);
    expect(r.bytesSent).toBeLessThan(low.bytesSent);
  });

  it('forces the low level on every tensor when the learning rate decays', async () => {
    await initBackend('wasm');
    // Unreachable threshold: high from the second decision (step ~13) on; the step schedule decays at
    // step 30, and every tensor must be back at the low level right then.
    const base = tinyScenario(acc(1e9));
    const decaying = {
      ...base,
      training: {
        ...base.training,
        lr: { kind: 'step', options: { lr: 0.1, everySteps: 30, gamma: 0.5, warmupSteps: 0 } },
      },
    };
    const r = runScenario(decaying, 0);
    const rows = r.metrics.filter((m) => m.name.startsWith('accordion_level_'));
    const values = rows.map((m) => m.value);
    const firstHigh = values.indexOf(1);
    expect(firstHigh).toBeGreaterThan(0);
    expect(values.slice(firstHigh).includes(4)).toBe(true);
  });

  it('is refused in timing-only mode, where there are no gradient norms', () => {
    expect(() => run({ ...acc(0.5), mode: 'timing-only' })).toThrow(
      /accordion decides each tensor's level from gradient norms/,
    );
  });
});

describe('every compressor on every data-parallel schedule that takes one, in both modes', () => {
  const names = ['top-k', 'random-k', 'powersgd', 'qsgd', 'nuqsgd', 'sign', 'bytegrad'];
  const schedules = [
    ['sync-allreduce', {}],
    ['local-sgd', { localSteps: 2 }],
    ['async-ps', { shards: 2 }],
    // Both phases compressed: two synchronous steps, then rounds of 2 local steps.
    ['post-local-sgd', { switchAt: 2, localSteps: 2 }],
    ['diloco', { localSteps: 2 }],
    ['slowmo', { slowmoFrequency: 4, localsgdFrequency: 2 }],
    ['dc-asgd', { shards: 2 }],
    ['ssp', { shards: 2, staleness: 1 }],
  ] as const;
  for (const [schedule, extra] of schedules)
    for (const mode of ['full', 'timing-only'] as const)
      it(`${schedule}, ${mode}: each compressor runs, changes the bytes sent, and (full) keeps the model finite`, async () => {
        if (mode === 'full') await initBackend('wasm');
        const common = {
          mode,
          workers: 4,
          updates: 6,
          lr: 0.1,
          schedule,
          model: { kind: 'mlp' as const, hidden: [16] },
          timing: { kind: 'model' as const },
        };
        const plain = run({ ...common, scheduleOptions: { ...extra } });
        for (const kind of names) {
          // Every option at its registry default, as the scenario layer fills them.
          const options = Object.fromEntries(
            Object.entries(COMPRESSORS[kind]!.options).map(([k, o]) => [k, o.default]),
          );
          const r = run({ ...common, scheduleOptions: { ...extra, compressor: { kind, options } } });
          expect(r.bytesSent, kind).not.toBe(plain.bytesSent);
          if (mode === 'full')
            expect(
              r.finalParams!.every((x) => Number.isFinite(x)),
              kind,
            ).toBe(true);
        }
      });
});

describe('communication precision in timing-only runs', () => {
  // ResNet-50's profile timed in fp32 (4 bytes a value); at communicationPrecision bf16 every gradient
  // and parameter message is half as large, so the bytes sent halve exactly (the same messages, each
  // half the size). Pipeline activations are not gradient messages: the 1F1B case compares only its
  // data-parallel all-reduces, by running one stage (no activations sent).
  const cases: [string, string, Record<string, unknown>][] = [
    ['sync-allreduce in DDP buckets', 'sync-allreduce', { bucketSize: 25e6 }],
    ['zero stage 3 (per-layer gathers)', 'zero', { stage: 3 }],
    ['1f1b, one stage × 4 replicas', '1f1b', { stages: 1, microBatches: 2 }],
    ['local-sgd', 'local-sgd', { localSteps: 2 }],
  ];
  for (const [what, schedule, options] of cases)
    it(`halves the bytes of ${what} at bf16`, () => {
      const base = tinyScenario({
        mode: 'timing-only',
        workers: 4,
        updates: 4,
        schedule,
        scheduleOptions: options as NonNullable<TinyOptions['scheduleOptions']>,
        timing: { kind: 'profile', name: 'resnet50' },
      });
      const fp32 = runScenario({ ...base, cluster: { ...base.cluster, allowOversubscribe: true } }, 0);
      const bf16 = runScenario(
        {
          ...base,
          cluster: { ...base.cluster, allowOversubscribe: true },
          workload: { ...base.workload, communicationPrecision: 'bf16' },
        },
        0,
      );
      expect(fp32.bytesSent).toBeGreaterThan(0);
      expect(bf16.bytesSent / fp32.bytesSent).toBeCloseTo(0.5, 9);
    });
});
