import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PARAM_MATH as m } from '../../../src/schedules/lib/param-math.ts';
import { EMPTY_VEC } from '../../../src/schedules/lib/trainer.ts';

const f32Opts = { noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 } as const;
/** Finite float32 values (what parameters and gradients normally hold). */
const f32 = fc.float(f32Opts);
/** A float32 vector of length `n`. */
const vec = (n: number): fc.Arbitrary<Float32Array> => fc.float32Array({ ...f32Opts, minLength: n, maxLength: n });
/** Between `kMin` and `kMax` vectors of one common length (1..12). */
const vecs = (kMin: number, kMax: number): fc.Arbitrary<Float32Array[]> =>
  fc.integer({ min: 1, max: 12 }).chain((n) => fc.array(vec(n), { minLength: kMin, maxLength: kMax }));
const pair = vecs(2, 2) as fc.Arbitrary<[Float32Array, Float32Array]>;

/** Element-wise float64 reference, rounded once to float32 (the contract's definition). */
function ref(n: number, f: (i: number) => number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => f(i));
}

describe('PARAM_MATH element-wise ops', () => {
  it('sub, axpy, scale and mul equal the float64 reference rounded once', () => {
    fc.assert(
      fc.property(pair, f32, ([a, b], s) => {
        expect(m.sub(a, b)).toEqual(ref(a.length, (i) => a[i]! - b[i]!));
        expect(m.axpy(s, a, b)).toEqual(ref(a.length, (i) => s * a[i]! + b[i]!));
        expect(m.scale(s, a)).toEqual(ref(a.length, (i) => s * a[i]!));
        expect(m.mul(a, b)).toEqual(ref(a.length, (i) => a[i]! * b[i]!));
      }),
      { seed: 1 },
    );
  });

  it('rounds once: axpy is a·x + y in float64, not (a·x rounded to float32) + y', () => {
    const a = 1 + 2 ** -22;
    const x = Float32Array.of(1 + 2 ** -23);
    const y = Float32Array.of(-1);
    const once = Math.fround(a * x[0]! + y[0]!);
    expect(once).not.toBe(Math.fround(Math.fround(a * x[0]!) + y[0]!));
    expect(m.axpy(a, x, y)[0]).toBe(once);
  });

  it('returns new vectors and never writes its inputs', () => {
    const a = Float32Array.of(1, 2, 3);
    const b = Float32Array.of(4, 5, 6);
    const outs = [m.sub(a, b), m.axpy(2, a, b), m.scale(2, a), m.mul(a, b), m.sum([a]), m.mean([a])];
    for (const o of outs) {
      expect(o).not.toBe(a);
      expect(o).not.toBe(b);
    }
    expect(a).toEqual(Float32Array.of(1, 2, 3));
    expect(b).toEqual(Float32Array.of(4, 5, 6));
  });

  it('throws RangeError on length mismatches', () => {
    const a = new Float32Array(3);
    const b = new Float32Array(2);
    expect(() => m.sub(a, b)).toThrow(RangeError);
    expect(() => m.axpy(1, a, b)).toThrow(RangeError);
    expect(() => m.mul(a, b)).toThrow(RangeError);
    expect(() => m.sum([a, b])).toThrow(RangeError);
    expect(() => m.mean([a, a, b])).toThrow(RangeError);
    expect(() => m.sub(EMPTY_VEC, b)).toThrow(RangeError);
  });

  it('gives empty vectors for empty vectors, still checking lengths, lists and weights', () => {
    const e = new Float32Array(0);
    const outs = [m.sub(e, e), m.axpy(3, e, e), m.scale(3, e), m.mul(e, e), m.sum([e, e]), m.mean([e, e], [1, 2])];
    for (const o of outs) expect(o.length).toBe(0);
    expect(() => m.sum([])).toThrow(RangeError);
    expect(() => m.mean([e], [-1])).toThrow(RangeError);
  });
});

describe('PARAM_MATH sum and mean', () => {
  it('sum equals the float64 sum in list order, rounded once', () => {
    fc.assert(
      fc.property(vecs(1, 6), (xs) => {
        const n = xs[0]!.length;
        expect(m.sum(xs)).toEqual(ref(n, (i) => xs.reduce((s, x) => s + x[i]!, 0)));
      }),
      { seed: 2 },
    );
  });

  it('sum is deterministic in its order: same list, same bits; the order is the one given', () => {
    fc.assert(
      fc.property(vecs(2, 6), (xs) => {
        expect(m.sum(xs)).toEqual(m.sum(xs.map((x) => x.slice())));
      }),
      { seed: 3 },
    );
    // Float64 addition is not associative: 2^60 + 1 loses the 1, 2^60 − 2^60 + 1 keeps it.
    const big = Float32Array.of(2 ** 60);
    const one = Float32Array.of(1);
    const minus = Float32Array.of(-(2 ** 60));
    expect(m.sum([big, one, minus])[0]).toBe(0);
    expect(m.sum([big, minus, one])[0]).toBe(1);
  });

  it('mean without weights is the old average loop bit for bit', () => {
    fc.assert(
      fc.property(vecs(1, 7), (xs) => {
        const n = xs[0]!.length;
        const old = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let r = 0; r < xs.length; r++) s += xs[r]![i]!;
          old[i] = s / xs.length;
        }
        expect(m.mean(xs)).toEqual(old);
      }),
      { seed: 4 },
    );
  });

  it('the mean of identical vectors is the vector', () => {
    fc.assert(
      fc.property(vecs(1, 1), fc.integer({ min: 1, max: 9 }), ([x], k) => {
        // Up to the sign of zero: the float64 sum starts at +0 (as the old loop did), so −0 comes out +0.
        expect(m.mean(Array.from({ length: k }, () => x!))).toEqual(x!.map((v) => v + 0));
      }),
      { seed: 5 },
    );
  });

  it('a weighted mean with equal weights is the unweighted mean bit for bit', () => {
    fc.assert(
      fc.property(vecs(1, 7), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (xs, w) => {
        expect(
          m.mean(
            xs,
            xs.map(() => w),
          ),
        ).toEqual(m.mean(xs));
      }),
      { seed: 6 },
    );
  });

  it('a weighted mean is Σwx / Σw in float64, rounded once', () => {
    // Weights of 0 or at least 1e-6: with subnormal weights (6e-323) the float64 reference Σwx / Σw
    // itself loses every digit, while equal weights take the exact unweighted path.
    const weight = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 100, noNaN: true }));
    fc.assert(
      fc.property(
        vecs(2, 5).chain((xs) =>
          fc.tuple(fc.constant(xs), fc.array(weight, { minLength: xs.length, maxLength: xs.length })),
        ),
        ([xs, ws]) => {
          fc.pre(ws.reduce((s, w) => s + w, 0) > 0);
          const total = ws.reduce((s, w) => s + w, 0);
          const want = ref(xs[0]!.length, (i) => xs.reduce((s, x, r) => s + ws[r]! * x[i]!, 0) / total);
          expect(m.mean(xs, ws)).toEqual(want);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
    expect(m.mean([Float32Array.of(0, 4), Float32Array.of(3, 8)], [1, 3])).toEqual(Float32Array.of(2.25, 7));
    // A zero weight drops a replica out of the mean entirely.
    expect(m.mean([Float32Array.of(1), Float32Array.of(100)], [1, 0])).toEqual(Float32Array.of(1));
  });

  it('rejects an empty list and bad weights', () => {
    const x = Float32Array.of(1, 2);
    expect(() => m.mean([])).toThrow(RangeError);
    expect(() => m.mean([x, x], [1])).toThrow(/2 vectors/);
    expect(() => m.mean([x, x], [1, 2, 3])).toThrow(RangeError);
    expect(() => m.mean([x, x], [1, -1])).toThrow(RangeError);
    expect(() => m.mean([x, x], [1, NaN])).toThrow(RangeError);
    expect(() => m.mean([x, x], [1, Infinity])).toThrow(RangeError);
    expect(() => m.mean([x, x], [0, 0])).toThrow(/sum/);
    expect(() => m.mean([x, x], [Number.MAX_VALUE, Number.MAX_VALUE])).toThrow(/sum/);
  });
});
