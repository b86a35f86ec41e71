/**
 * Rounding through a communication precision (`workload.communicationPrecision`): what a gradient
 * all-reduced in fp16 or bf16 looks like when it arrives. Round to nearest, ties to even, as the IEEE
 * conversions on GPUs do; fp16 overflows to ±Infinity past 65,504 (no loss scaling: an fp16 run
 * that overflows or flushes small gradients to zero shows it) and keeps subnormals down to 2⁻²⁴.
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** x rounded to bfloat16 (8 exponent bits, 7 mantissa bits), as a float32 value. */
export function roundBf16(x: number): number {
  F32[0] = x;
  const u = U32[0]!;
  if ((u & 0x7f800000) === 0x7f800000) return F32[0]!; // ±Infinity and NaN stay as they are.
  // Ties to even: add 0x7fff plus the lowest kept bit, then cut the low 16 bits.
  U32[0] = ((u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000) >>> 0;
  return F32[0]!;
}

/** Largest finite fp16 value, and the magnitude from which fp16 rounds to Infinity (65,504 + half an ulp). */
const FP16_MAX = 65504;
const FP16_OVERFLOW = 65520;

/** x rounded to IEEE half precision (5 exponent bits, 10 mantissa bits), as a float32 value. */
export function roundFp16(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f) || f === 0) return f;
  const a = Math.abs(f);
  if (a >= FP16_OVERFLOW) return f > 0 ? Infinity : -Infinity;
  // The spacing of fp16 values around a: 2^(e − 10) for normals (a ≥ 2⁻¹⁴), 2⁻²⁴ for subnormals.
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const q = e < -14 ? 2 ** -24 : 2 ** (e - 10);
  const y = a / q; // exact: q is a power of two
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1; // a tie goes to the even neighbour
  const out = Math.min(r * q, FP16_MAX);
  return f > 0 ? out : -out;
}

/** A new vector: `v` rounded through `precision` (fp32: a copy of the values as they are). */
export function roundThrough(v: Float32Array, precision: 'fp32' | 'fp16' | 'bf16'): Float32Array {
  const out = new Float32Array(v.length);
  if (precision === 'fp32') {
    out.set(v);
    return out;
  }
  const round = precision === 'fp16' ? roundFp16 : roundBf16;
  for (let i = 0; i < v.length; i++) out[i] = round(v[i]!);
  return out;
}
