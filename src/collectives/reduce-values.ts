/**
 * The values side of collectives. Results are computed straight from the inputs in rank order, never
 * in the order an algorithm's messages happen to combine them, so every algorithm (and both network
 * models) returns bit-identical numbers: the simulated schedule decides time, not arithmetic.
 */

/** How an all-reduce combines the ranks' vectors. */
export type ReduceOp = 'sum' | 'mean';

/**
 * Element-wise reduction of `values` in rank order. Sums are accumulated in float64 from rank 0 up
 * and rounded to float32 once at the end (mean divides the float64 sum by the rank count first).
 * @throws Error when there are no vectors or their lengths differ.
 */
export function reduceInRankOrder(values: readonly Float32Array[], op: ReduceOp = 'sum'): Float32Array {
  const first = values[0];
  if (first === undefined) throw new Error('reduce needs at least one vector');
  const acc = new Float64Array(first.length);
  values.forEach((v, r) => {
    if (v.length !== first.length) throw new Error(`rank ${r} gave ${v.length} values, rank 0 gave ${first.length}`);
    for (let i = 0; i < v.length; i++) acc[i]! += v[i]!;
  });
  if (op === 'mean') for (let i = 0; i < acc.length; i++) acc[i]! /= values.length;
  return Float32Array.from(acc);
}

/**
 * Splits `v` into `parts` contiguous shards, the first `v.length mod parts` one element longer
 * (the same split reduce-scatter and all-to-all use for their per-rank pieces).
 */
export function splitEven(v: Float32Array, parts: number): Float32Array[] {
  const base = Math.floor(v.length / parts);
  const extra = v.length % parts;
  const out: Float32Array[] = [];
  let at = 0;
  for (let p = 0; p < parts; p++) {
    const len = base + (p < extra ? 1 : 0);
    out.push(v.slice(at, at + len));
    at += len;
  }
  return out;
}

/** Concatenates `parts` in order. */
export function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
