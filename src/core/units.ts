/**
 * Branded SI units. Inside dtsim every quantity is a plain `number` in an SI base unit, branded at the
 * type level so that passing bytes where seconds are expected fails to compile. The brands cost nothing
 * at run time. Cross-unit arithmetic lives only in the helpers at the bottom of this file, so every
 * place where units combine is easy to find and test.
 */

declare const unitBrand: unique symbol;

/** A number tagged with its unit at the type level only. */
export type Quantity<U extends string> = number & { readonly [unitBrand]: U };

/** Simulated time or a duration, in seconds. */
export type Seconds = Quantity<'s'>;
/** A size in bytes (1 GB = 1e9 B; 1 GiB = 2^30 B). */
export type Bytes = Quantity<'B'>;
/** A count of floating-point operations. */
export type Flops = Quantity<'FLOP'>;
/** A data rate in bytes per second. */
export type BytesPerSecond = Quantity<'B/s'>;
/** A compute rate in floating-point operations per second. */
export type FlopsPerSecond = Quantity<'FLOP/s'>;

function finiteNonNegative(x: number, what: string): void {
  // NaN fails both comparisons, so it is rejected here too.
  if (!(x >= 0) || x === Infinity) {
    throw new RangeError(`${what} must be a finite number >= 0, got ${String(x)}`);
  }
}

/** Brands a number of seconds. @throws RangeError if negative, NaN or infinite. */
export function seconds(x: number): Seconds {
  finiteNonNegative(x, 'seconds');
  return x as Seconds;
}
/** Brands a number of bytes. @throws RangeError if negative, NaN or infinite. */
export function bytes(x: number): Bytes {
  finiteNonNegative(x, 'bytes');
  return x as Bytes;
}
/** Brands a FLOP count. @throws RangeError if negative, NaN or infinite. */
export function flops(x: number): Flops {
  finiteNonNegative(x, 'flops');
  return x as Flops;
}
/** Brands a data rate in B/s. @throws RangeError unless finite and > 0. */
export function bytesPerSecond(x: number): BytesPerSecond {
  finiteNonNegative(x, 'bytes per second');
  if (x === 0) throw new RangeError('bytes per second must be > 0');
  return x as BytesPerSecond;
}
/** Brands a compute rate in FLOP/s. @throws RangeError unless finite and > 0. */
export function flopsPerSecond(x: number): FlopsPerSecond {
  finiteNonNegative(x, 'flops per second');
  if (x === 0) throw new RangeError('flops per second must be > 0');
  return x as FlopsPerSecond;
}

/** Time to move `size` bytes at `rate` bytes per second (no latency term). */
export function transferTime(size: Bytes, rate: BytesPerSecond): Seconds {
  return (size / rate) as Seconds;
}
/** Time to execute `work` FLOPs at `rate` FLOP/s. */
export function computeTime(work: Flops, rate: FlopsPerSecond): Seconds {
  return (work / rate) as Seconds;
}
/** Bytes moved in `duration` at `rate`. */
export function bytesMoved(rate: BytesPerSecond, duration: Seconds): Bytes {
  return (rate * duration) as Bytes;
}
/** Sum of two quantities of the same unit. */
export function add<U extends string>(a: Quantity<U>, b: Quantity<U>): Quantity<U> {
  return (a + b) as Quantity<U>;
}
/** A quantity scaled by a dimensionless factor. */
export function scale<U extends string>(a: Quantity<U>, factor: number): Quantity<U> {
  return (a * factor) as Quantity<U>;
}
/** Larger of two quantities of the same unit. */
export function max<U extends string>(a: Quantity<U>, b: Quantity<U>): Quantity<U> {
  return (a > b ? a : b) as Quantity<U>;
}

/** Zero seconds, the start of every simulation. */
export const ZERO_SECONDS = 0 as Seconds;
/** 1 Gbit/s in B/s, for readable constants. */
export const GBIT_PER_S = 1.25e8;
/** 1 GB/s in B/s. */
export const GB_PER_S = 1e9;
/** 1 TFLOP/s in FLOP/s. */
export const TFLOP_PER_S = 1e12;
/** 1 GiB in bytes. */
export const GIB = 1073741824;
