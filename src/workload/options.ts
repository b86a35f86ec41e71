/**
 * Checks shared by every profile builder, so that a bad precision or sequence length is rejected the
 * same way (and with the same message) whichever profile is built.
 */

/** Bytes per value the builders accept: fp8, fp16/bf16, fp32, fp64. */
export const BYTES_PER_VALUE: readonly number[] = [1, 2, 4, 8];

/**
 * Returns `bytesPerValue` after checking it is one of `BYTES_PER_VALUE`.
 * @throws RangeError for any other value (a fractional width would silently mis-size every tensor).
 */
export function checkBytesPerValue(bytesPerValue: number): number {
  if (!BYTES_PER_VALUE.includes(bytesPerValue)) {
    throw new RangeError(`bytesPerValue must be one of ${BYTES_PER_VALUE.join(', ')}, got ${String(bytesPerValue)}`);
  }
  return bytesPerValue;
}

/**
 * The sequence length to build with: the requested one, or `defaultLength` when none is given.
 * @param maxLength the longest sequence the model supports (its position table or trained context).
 * @throws RangeError unless the result is an integer in [1, maxLength].
 */
export function resolveSequenceLength(
  requested: number | undefined,
  defaultLength: number,
  maxLength: number,
  model: string,
): number {
  const t = requested ?? defaultLength;
  if (!Number.isInteger(t) || t < 1 || t > maxLength) {
    throw new RangeError(`${model}: sequenceLength must be an integer in [1, ${maxLength}], got ${String(t)}`);
  }
  return t;
}

/**
 * Checks that every entry of `values` is a positive integer (a width, a channel count, a size).
 * @throws RangeError naming `what` and the offending value.
 */
export function checkPositiveIntegers(values: readonly number[], what: string): void {
  for (const v of values) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`${what} must be positive integers, got ${String(v)} in [${values.join(', ')}]`);
  }
}
