import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.ts';
import { CompressionState } from '../../../../src/schedules/lib/compression/driver.ts';
import {
  orthonormalise,
  POWERSGD,
  powerSgd,
  powerSgdRank,
} from '../../../../src/schedules/lib/compression/powersgd.ts';
import { PARAM_MATH } from '../../../../src/schedules/lib/param-math.ts';
import { compressOne, normalVec, sq } from './helpers.ts';

const defaults = { rank: 1, warmStart: true, minCompressionRate: 2, errorFeedback: true };

describe('PowerSGD', () => {
  it('F17: a 512×4608 layer (3×3 conv 512→512) compresses 460.8×, 230.4×, 115.2× at r = 1, 2, 4', () => {
    // n_r·n_c / (r·(n_r + n_c)) = 2,359,296 / (r·5,120).
    const ratio = (r: number): number => (512 * 4608 * 4) / powerSgd({ ...defaults, rank: r }).wireBytes(512, 4608, 4);
    expect(ratio(1)).toBeCloseTo(460.8, 10);
    expect(ratio(2)).toBeCloseTo(230.4, 10);
    expect(ratio(4)).toBeCloseTo(115.2, 10);
  });

  it('sends vectors and barely-compressible matrices uncompressed, as the hook does', () => {
    const c = powerSgd(defaults);
    expect(c.wireBytes(1, 1000, 4)).toBe(4000);
    // (4 + 4)·1·2 = 16 ≥ 16: not worth it.
    expect(powerSgdRank(4, 4, 1, 2)).toBe(0);
    expect(c.wireBytes(4, 4, 2)).toBe(32);
    expect(powerSgdRank(5, 5, 1, 2)).toBe(1);
    expect(powerSgdRank(5, 5, 9, 0.1)).toBe(5); // capped at min(rows, cols)
    const ins = [normalVec(16, 'a'), normalVec(16, 'b')];
    const out = compressOne(c, 4, 4, ins);
    expect(out.mean).toEqual(PARAM_MATH.mean(ins));
    expect(out.decoded).toEqual(ins); // no residual for uncompressed tensors
  });

  it('orthonormalises deterministically and zeroes a dependent column', () => {
    const p = Float64Array.from([1, 2, 0, 0, 1, 2]); // 3 × 2, second column = 2·first
    orthonormalise(p, 3, 2);
    expect(p[0]! ** 2 + p[2]! ** 2 + p[4]! ** 2).toBeCloseTo(1, 12);
    expect([p[1], p[3], p[5]].every((v) => Math.abs(v!) < 1e-12)).toBe(true);
  });

  it('at full rank equals the exact mean to float32 precision', () => {
    // r = min(rows, cols): P̂ spans the column space of the mean M̄ (Q is random, so almost surely
    // full rank), and P̂·P̂ᵀ·M̄ = M̄. minCompressionRate 0.01 makes it actually compress.
    for (const [rows, cols] of [
      [6, 4],
      [4, 7],
      [5, 5],
    ] as const) {
      const c = powerSgd({ ...defaults, rank: Math.min(rows, cols), minCompressionRate: 0.01 });
      const ins = [0, 1, 2].map((w) => normalVec(rows * cols, `${rows}-${cols}-${w}`));
      const exact = PARAM_MATH.mean(ins);
      const out = compressOne(c, rows, cols, ins, 4);
      const err = Math.sqrt(sq(out.mean.map((v, i) => v - exact[i]!)) / sq(exact));
      expect(err).toBeLessThan(1e-6);
      expect(out.decoded.every((d) => d === out.mean)).toBe(true);
    }
  });

  it('at rank 1 on a rank-1 mean is exact, and on a general matrix keeps the residual against the aggregate', () => {
    const u = normalVec(8, 'u');
    const v = normalVec(6, 'v');
    const m = new Float32Array(48);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 6; j++) m[i * 6 + j] = u[i]! * v[j]!;
    const c = powerSgd(defaults);
    const out = compressOne(c, 8, 6, [m], 2);
    const err = Math.sqrt(sq(out.mean.map((x, i) => x - m[i]!)) / sq(m));
    expect(err).toBeLessThan(1e-6);
    // Through the driver: every worker's residual is its own M minus the shared Ĝ.
    const layout = [{ shape: [8, 6], offset: 0, size: 48 }];
    const state = new CompressionState(() => c, layout, new Rng(1));
    const grads = [normalVec(48, 'x'), normalVec(48, 'y')];
    const mean = state.mean(grads, [0, 1], 0);
    const e0 = Math.sqrt(sq(grads[0]!.map((x, i) => x - mean[i]!)));
    expect(state.residualNorm(0)).toBeCloseTo(e0, 4);
  });

  it('warm-starts Q per tensor index: repeated steps are power iterations converging to the best rank 1', () => {
    // Without error feedback, step t on a fixed M computes p ∝ M·Mᵀ·p_{t−1}: power iteration on the
    // PSD matrix M·Mᵀ, whose Rayleigh quotient ‖Mᵀp̂‖² never falls, so ‖M − Ĝ‖² = ‖M‖² − ‖Mᵀp̂‖²
    // never rises and tends to ‖M‖² − σ₁² (σ₁ found here by 500 float64 power iterations).
    const rows = 20;
    const cols = 10;
    const c = powerSgd({ ...defaults, errorFeedback: false });
    const m = normalVec(rows * cols, 'm');
    const errs: number[] = [];
    for (let s = 0; s < 40; s++) {
      const out = compressOne(c, rows, cols, [m], `s${s}`, 3);
      errs.push(sq(out.mean.map((x, i) => x - m[i]!)));
    }
    for (let s = 1; s < errs.length; s++) expect(errs[s]!).toBeLessThanOrEqual(errs[s - 1]! * (1 + 1e-5));
    let v = new Float64Array(cols).fill(1);
    let sigma2 = 0;
    for (let it = 0; it < 500; it++) {
      const mv = new Float64Array(rows);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mv[i]! += m[i * cols + j]! * v[j]!;
      const w = new Float64Array(cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w[j]! += m[i * cols + j]! * mv[i]!;
      sigma2 = sq(mv) / sq(v);
      const nw = Math.sqrt(sq(w));
      v = w.map((x) => x / nw);
    }
    expect(errs[39]! / (sq(m) - sigma2)).toBeCloseTo(1, 3);
    // A cold start (and a reset) draws Q afresh from the step's stream.
    c.reset();
    const cold = powerSgd({ ...defaults, errorFeedback: false });
    expect(compressOne(c, rows, cols, [m], 's0', 3).mean).toEqual(compressOne(cold, rows, cols, [m], 's0', 3).mean);
  });

  it('registers rank 1, warm start, minCompressionRate 2, error feedback; two all-reduce rounds', () => {
    const o = Object.fromEntries(Object.entries(POWERSGD.options).map(([k, v]) => [k, v.default]));
    expect(o).toEqual({ rank: 1, warmStart: true, minCompressionRate: 2, errorFeedback: true });
    const c = POWERSGD.create(o);
    expect([c.collective, c.rounds, c.extraStateSlots]).toEqual(['all-reduce', 2, 0.5]);
  });
});
