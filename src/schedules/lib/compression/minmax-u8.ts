/**
 * 8-bit min-max quantisation (BAGUA's `MinMaxUInt8`, used by ByteGrad and the low-precision
 * decentralised algorithm): a vector is cut into chunks; each chunk is sent as its min and max (two
 * float32 scales) and one byte per value, q = round((x − min)/(max − min)·255). Deterministic rounding,
 * so it is biased by at most half a level: (max − min)/510 per value.
 */

/** Values per chunk, each with its own min and max (BAGUA quantises per bucket; 1,024 keeps the error local). */
export const MINMAX_CHUNK = 1024;

/** Bytes on the wire for `n` values: one byte each plus two float32 scales per chunk. */
export function minmaxU8Bytes(n: number, chunk = MINMAX_CHUNK): number {
  if (n <= 0) return 0;
  return n + 8 * Math.ceil(n / chunk);
}

/** What `x` decodes to after 8-bit min-max quantisation (a new vector). */
export function minmaxU8RoundTrip(x: Float32Array, chunk = MINMAX_CHUNK): Float32Array {
  const out = new Float32Array(x.length);
  for (let lo = 0; lo < x.length; lo += chunk) {
    const hi = Math.min(x.length, lo + chunk);
    let min = Infinity;
    let max = -Infinity;
    for (let i = lo; i < hi; i++) {
      const v = x[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const span = max - min;
    if (!(span > 0) || !Number.isFinite(span)) {
      // A constant chunk (or one with non-finite values, passed through so divergence stays visible).
      for (let i = lo; i < hi; i++) out[i] = span === 0 ? min : x[i]!;
      continue;
    }
    const step = span / 255;
    for (let i = lo; i < hi; i++) out[i] = min + Math.round((x[i]! - min) / step) * step;
  }
  return out;
}
