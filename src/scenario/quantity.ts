/**
 * Strict parsing of quantities written with units (`"80 GB"`, `"5 us"`, `"100 Gbit/s"`, `"312 TFLOP/s"`)
 * into SI base units: bytes, seconds, bytes per second, FLOPs, FLOP/s (design.md §5, §6). The unit
 * expression is read by `unit-expression.ts` (no units library: mathjs alone made a validation 79 MB
 * larger), which gives its dimension and exact integer factors, so that `"5 us"` is exactly 5e-6 and
 * `"25 GB/s"` exactly 2.5e10 (multiplying by 1e-6 would give 4.9999999999999996e-6). A bare number is
 * never a quantity: "25" could be bytes, GB or Gbit/s, and guessing is how scenarios go silently wrong.
 */
import type { QuantityDimension } from '../schedules/options.ts';
import { readUnit, sameDimensions } from './unit-expression.ts';
import type { Dimensions } from './unit-expression.ts';

export type { QuantityDimension } from '../schedules/options.ts';

/** A value that is not a valid quantity of the expected dimension; the message says what is allowed. */
export class QuantityError extends Error {
  constructor(
    readonly value: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'QuantityError';
  }
}

interface DimensionInfo {
  /** The SI unit values are returned in; its dimension is the one a quantity must have. */
  readonly ref: string;
  /** Article + name for messages. */
  readonly name: string;
  /** A typical value for messages, e.g. `25 GB/s`. */
  readonly example: string;
  /** Which units it accepts, for messages. */
  readonly units: string;
  /** Zero is allowed (a size, a duration) or not (a rate). */
  readonly zeroOk: boolean;
  /**
   * Largest value, and smallest non-zero value, in SI units, as written in messages. Quantities are
   * multiplied and divided into task times; within these ranges no time overflows a double.
   */
  readonly max: readonly [number, string];
  readonly min?: readonly [number, string];
}

const PREFIXES = 'SI prefixes (k, M, G, T, P) or binary ones (Ki, Mi, Gi, Ti)';

/** What each dimension accepts. */
export const DIMENSIONS: Readonly<Record<QuantityDimension, DimensionInfo>> = Object.freeze({
  size: {
    ref: 'B',
    name: 'a size',
    example: '80 GB',
    units: `B (bytes) or bit (b), with ${PREFIXES}; GB = 1e9 B, GiB = 2^30 B`,
    zeroOk: true,
    max: [1e18, '1e18 B (1 EB)'],
  },
  duration: {
    ref: 's',
    name: 'a duration',
    example: '5 us',
    units: 'ns, us (or µs), ms, s, min, h, day',
    zeroOk: true,
    max: [1e9, '1e9 s (about 32 years)'],
  },
  bandwidth: {
    ref: 'B/s',
    name: 'a bandwidth',
    example: '25 GB/s',
    units: `B/s or bit/s (b/s), with ${PREFIXES}; "200 Gb/s" is gigabits`,
    zeroOk: false,
    max: [1e15, '1e15 B/s (1 PB/s)'],
    min: [1, '1 B/s'],
  },
  flops: {
    ref: 'FLOP',
    name: 'a FLOP count',
    example: '4 GFLOP',
    units: 'FLOP with SI prefixes (k, M, G, T, P, E)',
    zeroOk: true,
    max: [1e21, '1e21 FLOP (1 ZFLOP)'],
  },
  'flop-rate': {
    ref: 'FLOP/s',
    name: 'a FLOP rate',
    example: '312 TFLOP/s',
    units: 'FLOP/s with SI prefixes (k, M, G, T, P, E)',
    zeroOk: false,
    max: [1e21, '1e21 FLOP/s (1 ZFLOP/s)'],
    min: [1, '1 FLOP/s'],
  },
});

/** Every dimension, in a stable order. */
export const QUANTITY_DIMENSIONS: readonly QuantityDimension[] = Object.freeze(
  Object.keys(DIMENSIONS) as QuantityDimension[],
);

/** An example of `dimension` as a scenario writes it, with `number` as its value when given. */
export function quantityExample(dimension: QuantityDimension, number?: number): string {
  const ex = DIMENSIONS[dimension].example;
  return number === undefined ? ex : `${number} ${ex.slice(ex.indexOf(' ') + 1)}`;
}

/** The dimension of a unit this module itself writes (`B/s`); a typo here is a bug, not a user error. */
function dimensionsOf(ref: string): Dimensions {
  const r = readUnit(ref);
  if (!r.ok) throw new Error(`unreadable reference unit "${ref}"`);
  return r.dims;
}

const EXPECTED: readonly (readonly [Dimensions, QuantityDimension])[] = QUANTITY_DIMENSIONS.map((d) => [
  dimensionsOf(DIMENSIONS[d].ref),
  d,
]);

// Other dimensions a user may write by mistake, named so the message says what they wrote.
const OTHER_DIMENSIONS: readonly (readonly [Dimensions, string])[] = [
  ['m', 'a length'],
  ['kg', 'a mass'],
  ['Hz', 'a frequency'],
  ['B s', 'a size times a duration'],
].map(([ref, name]) => [dimensionsOf(ref!), name!]);

const NUMBER_THEN_UNIT = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)$/;

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Parses `value` as a quantity of `dimension` and returns it in SI base units (B, s, B/s, FLOP, FLOP/s).
 * Accepts a string: a number, optional spaces, and a unit expression of the right dimension (`readUnit`).
 * @throws QuantityError for a bare number (suggesting the unit), an unreadable string, an unknown unit,
 *   a unit of another dimension (naming both), a negative value, zero for a rate, a non-finite one, or
 *   one outside the dimension's range (`DIMENSIONS[d].max`, `.min`).
 */
export function parseQuantity(value: unknown, dimension: QuantityDimension): number {
  const info = DIMENSIONS[dimension];
  const expected = `${info.name} such as "${info.example}"`;
  if (typeof value === 'number') {
    throw new QuantityError(value, `got ${value}; write it with a unit, e.g. "${quantityExample(dimension, value)}"`);
  }
  if (typeof value !== 'string') throw new QuantityError(value, `got ${show(value)}; expected ${expected}`);
  // Both the micro sign (U+00B5) and Greek mu (U+03BC) mean micro; the unit reader (like mathjs) knows only `u`.
  const text = value.trim().replace(/[\u00b5\u03bc]/g, 'u');
  const m = NUMBER_THEN_UNIT.exec(text);
  if (m === null) throw new QuantityError(value, `got ${show(value)}; expected ${expected}: a number then a unit`);
  const x = Number(m[1]);
  const unitText = m[2]!.trim();
  if (unitText === '') {
    throw new QuantityError(value, `got ${show(value)}; write it with a unit, e.g. "${quantityExample(dimension, x)}"`);
  }
  if (/FLOPS$/i.test(unitText)) {
    const base = unitText.slice(0, -1);
    throw new QuantityError(
      value,
      `got ${show(value)}: "FLOPS" is ambiguous; write "${m[1]} ${base}/s" for a rate or "${m[1]} ${base}" for a count`,
    );
  }
  const unit = readUnit(unitText);
  if (!unit.ok) {
    const what = unit.unknown === undefined ? `cannot read the unit "${unitText}"` : `unknown unit "${unit.unknown}"`;
    throw new QuantityError(
      value,
      `got ${show(value)}: ${what}; ${info.name} is written in ${info.units}, e.g. "${info.example}"`,
    );
  }
  const written = EXPECTED.find(([dims]) => sameDimensions(dims, unit.dims))?.[1];
  if (written !== dimension) {
    const actual =
      written === undefined
        ? OTHER_DIMENSIONS.find(([dims]) => sameDimensions(dims, unit.dims))?.[1]
        : DIMENSIONS[written].name;
    throw new QuantityError(
      value,
      `got ${show(value)}${actual === undefined ? '' : ` (${actual})`}; expected ${expected}`,
    );
  }
  // Multiply, then divide: for "5 us", 5 / 1e6 is exactly 5e-6.
  const si = (x * unit.num) / unit.den;
  if (!Number.isFinite(si))
    throw new QuantityError(value, `got ${show(value)}; expected a finite ${info.name.replace(/^an? /, '')}`);
  if (si < 0 || (si === 0 && !info.zeroOk)) {
    throw new QuantityError(value, `got ${show(value)}; expected ${info.name} ${info.zeroOk ? '>= 0' : '> 0'}`);
  }
  if (si > info.max[0])
    throw new QuantityError(value, `got ${show(value)}; expected ${info.name} of at most ${info.max[1]}`);
  if (info.min !== undefined && si > 0 && si < info.min[0])
    throw new QuantityError(value, `got ${show(value)}; expected ${info.name} of at least ${info.min[1]}`);
  return si;
}
