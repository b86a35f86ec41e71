import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { setUpRun } from '../../src/scenario/run-setup.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { MINMAX_CHUNK, minmaxU8Bytes, minmaxU8RoundTrip } from '../../src/schedules/lib/compression/minmax-u8.ts';
import type { ParamSnapshot } from '../../src/training/engine/snapshot.ts';
import { tinyScenario, maxAbsDiff } from './fixtures.ts';

/** α and B of a node-to-node path of `tinyScenario` (its doc: 1 µs + 5 µs, 12.5 GB/s). */
const ALPHA = 6e-6;
const B = 12.5e9;

/**
 * BAGUA's low-precision step by hand on a fresh trainer of the same scenario: with p the parameters
 * and w the public copies, at a communicating step z_i = opt_i(p_i, g_i(p_i)) − w_i + (w_{i−1} + w_{i+1}
 * − 2w_i)/3, w_i ← w_i + Q(z_i), p_i ← w_i; else p_i ← opt_i(p_i, g_i(p_i)). Also returns the largest
 * quantisation error seen relative to its bound (max − min)/510 of the chunk.
 */
function byHand(s: Scenario, steps: number, interval: number): { model: Float32Array; worstError: number } {
  const { trainer } = setUpRun(s);
  const { math } = trainer;
  const n = s.cluster.nodes[0]!.count;
  let p: ParamSnapshot[] = Array.from({ length: n }, () => trainer.initial());
  let w = p.slice();
  const opts = p.map(() => trainer.optimizer());
  let worstError = 0;
  for (let t = 0; t < steps; t++) {
    const stepped = p.map((pi, i) => trainer.apply(opts[i]!, pi, trainer.gradient(pi, i), t + 1));
    if (t % interval !== 0) {
      p = stepped;
      continue;
    }
    const next = w.map((wi, i) => {
      const left = w[(i + n - 1) % n]!;
      const right = w[(i + 1) % n]!;
      const z = math.axpy(
        1,
        math.sub(stepped[i]!.params, wi.params),
        math.sub(math.mean([wi.params, left.params, right.params]), wi.params),
      );
      const q = minmaxU8RoundTrip(z);
      for (let lo = 0; lo < z.length; lo += MINMAX_CHUNK) {
        const chunk = z.subarray(lo, lo + MINMAX_CHUNK);
        const bound = (Math.max(...chunk) - Math.min(...chunk)) / 510;
        for (let j = lo; j < lo + chunk.length; j++)
          if (bound > 0) worstError = Math.max(worstError, Math.abs(q[j]! - z[j]!) / bound);
      }
      return trainer.snapshot(math.axpy(1, q, wi.params), t + 1);
    });
    w = next;
    p = next.slice();
  }
  return { model: trainer.average(p, steps).params, worstError };
}

describe('low-precision-decentralized', () => {
  it('computes BAGUA’s compressed-difference step exactly, quantisation error within (max − min)/510', async () => {
    await initBackend('wasm');
    for (const [workers, interval] of [
      [4, 1],
      [5, 2],
      [2, 1],
      [1, 1],
    ] as const) {
      const s = tinyScenario({
        schedule: 'low-precision-decentralized',
        scheduleOptions: { communicationInterval: interval },
        workers,
        updates: 6,
        lr: 0.3,
      });
      const r = runScenario(s, 0);
      const h = byHand(s, 6, interval);
      expect(maxAbsDiff(r.finalParams!, h.model), `${workers} workers, H ${interval}`).toBe(0);
      // The bound is the quantiser's (float32 rounding of min + k·step may add an ulp; 1 + 1e-3 is slack for it).
      expect(h.worstError).toBeLessThanOrEqual(1 + 1e-3);
      expect(h.worstError).toBeGreaterThan(0.5);
      expect(r.maxStaleness).toBe(0);
    }
  });

  it('trains close to full-precision decentralised SGD (a ring of 1/3 weights is not all, so not equal)', async () => {
    await initBackend('wasm');
    const common = { workers: 4, updates: 20, lr: 0.3 };
    const low = runScenario(tinyScenario({ ...common, schedule: 'low-precision-decentralized' }), 0);
    const full = runScenario(tinyScenario({ ...common, schedule: 'decentralized' }), 0);
    const last = (r: typeof low): number => r.evals.at(-1)!.accuracy;
    expect(Math.abs(last(low) - last(full))).toBeLessThan(0.1);
  });

  it('times compute then the exchange: K steps take K·(c + α + m/B), 2 messages of m bytes out per worker', () => {
    // 4 homogeneous workers, c = 10 ms, a 4 MB fp32 model: P = 10⁶ values, m = minmaxU8Bytes(P) =
    // P + 8·⌈P/1024⌉ = 1,007,816 bytes per message. After its compute a worker sends m to each ring
    // neighbour and receives theirs; on the analytical network every message takes α + m/B at once
    // (no link sharing), and every worker is ready at the same time, so a step is c + α + m/B.
    const m = minmaxU8Bytes(1e6);
    expect(m).toBe(1_007_816);
    const r = runScenario(
      tinyScenario({
        mode: 'timing-only',
        schedule: 'low-precision-decentralized',
        workers: 4,
        updates: 5,
        stepTimeS: 0.01,
        paramBytes: 4e6,
      }),
      0,
    );
    expect(r.simTimeS).toBeCloseTo(5 * (0.01 + ALPHA + m / B), 12);
    expect(r.bytesSent).toBe(5 * 4 * 2 * m);
  });
});
