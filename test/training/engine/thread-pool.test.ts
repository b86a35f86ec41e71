/**
 * Large dense passes split into row parts, and the helper thread that computes one of them. The
 * guarantee under test: results do not depend on threads (same bytes on, off, booting or failed)
 * and agree with unsplit computation to 1e-6. No timing is asserted here; see the training bench.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, initBackend, liveTensors } from '../../../src/training/tensor-backend.ts';
import { GradientEngine } from '../../../src/training/engine/gradient-engine.ts';
import { makeSnapshot } from '../../../src/training/engine/snapshot.ts';
import type { GradBatch } from '../../../src/training/engine/batch.ts';
import { CHUNK_ROWS, partModel, SPLIT_MIN_ROWS, splitRows } from '../../../src/training/engine/dense-part.ts';
import { GradThreadPool } from '../../../src/training/engine/thread-pool.ts';
import { resolveThreads } from '../../../src/training/engine/thread-setting.ts';
import {
  closeSharedThreadPool,
  engineHelpers,
  engineThreads,
  sharedThreadPool,
} from '../../../src/training/engine/shared-pool.ts';
import { mlp } from '../../../src/training/models/mlp.ts';
import { maxRelDiff, randomBatch, randomParams } from './fixtures.ts';

// 784 inputs like MNIST, small hidden layers so the tests stay quick.
const model = mlp([24, 16], 784, 10);
const snap = makeSnapshot(0, randomParams(model, 'split-p', 0.1));
// 44 batches of 25 = 1,100 rows: two parts of 550 rows, each run as chunks of 512 and 38 rows.
const batches: GradBatch[] = Array.from({ length: 44 }, (_, k) => randomBatch(model, 25, `split-b${k}`));

beforeAll(async () => {
  await initBackend();
});

afterAll(async () => {
  await closeSharedThreadPool();
});

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

describe('row parts', () => {
  it('cuts a pass by its row count alone: one part below the threshold, two contiguous near-equal parts above', () => {
    expect(2 * CHUNK_ROWS).toBeLessThan(1100); // the tests below cover chunked parts
    expect(SPLIT_MIN_ROWS).toBeLessThanOrEqual(600);
    expect(splitRows(SPLIT_MIN_ROWS - 1)).toEqual([{ start: 0, end: SPLIT_MIN_ROWS - 1 }]);
    expect(splitRows(SPLIT_MIN_ROWS)).toEqual([
      { start: 0, end: SPLIT_MIN_ROWS / 2 },
      { start: SPLIT_MIN_ROWS / 2, end: SPLIT_MIN_ROWS },
    ]);
    expect(splitRows(2049)).toEqual([
      { start: 0, end: 1025 },
      { start: 1025, end: 2049 },
    ]);
  });

  it('resolves thread settings: auto means one helper per spare core on wasm only, counts are capped', () => {
    expect(resolveThreads('auto', 'wasm', 2)).toEqual({ threads: 1, note: null });
    expect(resolveThreads('auto', 'wasm', 16).threads).toBe(1);
    expect(resolveThreads('auto', 'wasm', 1).threads).toBe(0);
    expect(resolveThreads('auto', 'cpu', 2)).toMatchObject({ threads: 0, note: expect.stringMatching(/cpu/) });
    expect(resolveThreads(0, 'wasm')).toMatchObject({ threads: 0, note: expect.stringMatching(/disabled/) });
    expect(resolveThreads(3, 'cpu').threads).toBe(1);
    expect(() => resolveThreads(-1, 'wasm')).toThrow(RangeError);
    expect(() => new GradientEngine(model, { threads: 1.5 })).toThrow(/threads/);
  });
});

describe('split passes', () => {
  it('give the mean of the unsplit per-batch gradients to 1e-6', () => {
    const engine = new GradientEngine(model, { threads: 0 });
    const mean = engine.requestMean(snap, batches).value();
    expect(engine.stats().splitPasses).toBe(1);
    // Each batch alone (25 rows) is below the threshold, so these run unsplit.
    const each = batches.map((b) => engine.request(snap, b).value());
    expect(engine.stats().splitPasses).toBe(1);
    const avg = new Float64Array(model.layout.size);
    for (const r of each) r.grad.forEach((g, i) => (avg[i] = avg[i]! + g / batches.length));
    expect(maxRelDiff(mean.grad, avg)).toBeLessThan(1e-6);
    expect(mean.loss).toBeCloseTo(each.reduce((s, r) => s + r.loss, 0) / batches.length, 6);
    expect(mean.samples).toBe(1100);
  });

  it('give identical bytes with a helper thread, without one, and while it boots', async () => {
    const off = new GradientEngine(model, { threads: 0 });
    const ref = off.requestMean(snap, batches).value();
    expect(off.stats()).toMatchObject({ threads: 0, helperParts: 0, threadNote: expect.stringMatching(/disabled/) });

    await closeSharedThreadPool();
    const on = new GradientEngine(model, { threads: 1 });
    // The first large pass starts the helper and, since it is still booting, runs both parts here.
    const booting = on.requestMean(snap, batches).value();
    expect(await on.threadsReady()).toBe(true);
    // The helper's part is taken back when the helper has not started it by the time this thread
    // finished its own (a busy machine), so pass until the helper has computed one, within reason.
    const threaded = [on.requestMean(snap, batches).value()];
    while (on.stats().helperParts === 0 && threaded.length < 20) threaded.push(on.requestMean(snap, batches).value());
    // A single large request splits too.
    const whole = randomBatch(model, 600, 'split-whole');
    const single = [on.request(snap, whole).value(), off.request(snap, whole).value()];

    expect(on.stats()).toMatchObject({ threads: 1, threadNote: null, splitPasses: threaded.length + 2 });
    expect(on.stats().helperParts).toBeGreaterThanOrEqual(1);
    for (const r of [booting, ...threaded]) {
      expect(sameBytes(r.grad, ref.grad)).toBe(true);
      expect(r.loss).toBe(ref.loss);
    }
    expect(sameBytes(single[0]!.grad, single[1]!.grad)).toBe(true);
    expect(single[0]!.loss).toBe(single[1]!.loss);
  });

  it('leak no tensors on this thread, with and without the helper', async () => {
    const on = new GradientEngine(model, { threads: 1 });
    expect(await on.threadsReady()).toBe(true);
    const off = new GradientEngine(model, { threads: 0 });
    const run = (): void => {
      on.requestMean(snap, batches).value();
      off.requestMean(snap, batches).value();
    };
    run();
    const before = liveTensors();
    run();
    expect(liveTensors()).toBe(before);
  });

  it('keep working after the engine closes its helper threads', async () => {
    const engine = new GradientEngine(model, { threads: 1 });
    expect(await engine.threadsReady()).toBe(true);
    const before = engine.requestMean(snap, batches).value();
    await engine.close();
    expect(engine.stats()).toMatchObject({ threads: 0, threadNote: 'closed' });
    expect(await engine.threadsReady()).toBe(false);
    const after = engine.requestMean(snap, batches).value();
    expect(sameBytes(before.grad, after.grad)).toBe(true);
  });
});

describe('posted requests', () => {
  it('give the same bytes on the helper thread, taken back, and with no helper, in any read order', async () => {
    const snaps = [0, 1, 2, 3, 4, 5].map((v) => makeSnapshot(v, randomParams(model, `posted${v}`, 0.1)));
    const bs = snaps.map((_, k) => randomBatch(model, 32, `posted-b${k}`));
    const off = new GradientEngine(model, { threads: 0 });
    const ref = snaps.map((s, k) => off.request(s, bs[k]!).value());
    const on = new GradientEngine(model, { threads: 1 });
    expect(await on.threadsReady()).toBe(true);
    for (const order of [
      [0, 1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1, 0],
      [2, 0, 5, 1, 4, 3],
    ]) {
      const hs = snaps.map((s, k) => on.request(s, bs[k]!));
      // A merged request on one snapshot still takes the queue, and reads never mix the two up.
      const mean = on.requestMean(snaps[0]!, [bs[0]!, bs[1]!]);
      expect(on.pending).toBe(7);
      // The first time, give the helper time to compute its posts; later reads take them back.
      if (order[0] === 0) await new Promise((resolve) => setTimeout(resolve, 300));
      for (const k of order) {
        const r = hs[k]!.value();
        expect(sameBytes(r.grad, ref[k]!.grad)).toBe(true);
        expect(r.loss).toBe(ref[k]!.loss);
      }
      expect(sameBytes(mean.value().grad, off.requestMean(snaps[0]!, [bs[0]!, bs[1]!]).value().grad)).toBe(true);
      expect(on.pending).toBe(0);
    }
    const st = on.stats();
    expect(st.posted).toBeGreaterThanOrEqual(18);
    expect(st.helperRequests).toBeGreaterThan(0);
    expect(st.helperRequests).toBeLessThanOrEqual(st.posted);
    // flush() reads back posted requests too.
    on.request(snaps[1]!, bs[1]!);
    on.flush();
    expect(on.pending).toBe(0);
  });
});

describe('GradThreadPool', () => {
  const pm = partModel(model.layout.entries, model.layout.size, model.inputSize);
  const input = { x: batches[0]!.x, y: batches[0]!.y, w: new Float32Array(25).fill(1 / 25), rows: 25 };

  it('computes a posted part, then refuses work once closed', async () => {
    const pool = new GradThreadPool(backendName()!);
    expect(pool.status().state).toBe('idle');
    expect(pool.submit(pm, snap.params, input)).toBeNull(); // not started: the caller computes it
    expect(await pool.whenReady()).toBe(true);
    const ticket = pool.submit(pm, snap.params, input);
    expect(ticket).not.toBeNull();
    expect(pool.wait(ticket!)).toBe(true);
    const out = pool.outputs(ticket!);
    expect(out!.rowLoss.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    pool.release(ticket!);
    expect(pool.status()).toMatchObject({ state: 'ready', parts: 1 });
    // A task the helper has not started can be taken back, exactly once; its stale post is skipped.
    const tickets = Array.from({ length: 4 }, () => pool.post('request', pm, snap.params, input)!);
    const last = tickets[3]!;
    expect(pool.reclaim(last)).toBe(true);
    expect(pool.reclaim(last)).toBe(false);
    for (const t of tickets.slice(0, 3)) {
      if (!pool.reclaim(t)) {
        expect(pool.wait(t)).toBe(true);
        expect(pool.outputs(t)).not.toBeNull();
        pool.release(t);
      }
    }
    await pool.close();
    expect(pool.status().state).toBe('closed');
    expect(pool.submit(pm, snap.params, input)).toBeNull();
    expect(await pool.whenReady()).toBe(false);
  });

  it('gives up a helper that does not start in time', async () => {
    const pool = new GradThreadPool(backendName()!, 0);
    expect(await pool.whenReady()).toBe(false);
    expect(pool.status()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/did not start within 0 ms/),
    });
    expect(pool.submit(pm, snap.params, input)).toBeNull();
    await pool.close();
  });

  it('records why a helper could not start, and engines then use none', async () => {
    // tfjs-node is not installed here, so the helper cannot start the backend it is asked for.
    const pool = sharedThreadPool('tfjs-node');
    expect(await pool.whenReady()).toBe(false);
    expect(pool.status()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/tfjs-node/) });
    expect(engineThreads(1, 'tfjs-node')).toMatchObject({ threads: 0, note: expect.stringMatching(/tfjs-node/) });
    expect(engineHelpers(1, 'tfjs-node')).toBeNull();
    await closeSharedThreadPool();
  });
});
