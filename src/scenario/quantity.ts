/**
 * Strict parsing of quantities written with units (`"80 GB"`, `"5 us"`, `"100 Gbit/s"`, `"312 TFLOP/s"`)
 * into SI base units: bytes, seconds, bytes per second, FLOPs, FLOP/s (design.md §5, §6). mathjs reads
 * the unit expression and checks its dimension; the number is then scaled by exact integer factors so
 * that `"5 us"` is exactly 5e-6 and `"25 GB/s"` exactly 2.5e10 (mathjs's own conversion multiplies by
 * 1e-6 and would give 4.9999999999999996e-6). A bare number is never a quantity: "25" could be bytes,
 * GB or Gbit/s, and guessing is how scenarios go silently wrong.
 */
import type { QuantityDimension } from '../schedules/options.ts';
import type { Unit } from 'mathjs';
import { mathjs } from './math.ts';

export type { QuantityDimension } from '../schedules/options.ts';

/** A value that is not a valid quantity of the expected dimension; the message says what is allowed. */
export class QuantityError extends Error {
  constructor(readonly value: unknown, message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

interface DimensionInfo {
  /** A unit of the dimension, to compare bases with. */
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

/** What each dimension accepts. mathjs's base for information is the bit, so sizes are divided by 8. */
export const DIMENSIONS: Readonly<Record<QuantityDimension, DimensionInfo>> = Object.freeze({
  size: { ref: 'B', name: 'a size', example: '80 GB', units: `B (bytes) or bit (b), with ${PREFIXES}; GB = 1e9 B, GiB = 2^30 B`, zeroOk: true, max: [1e18, '1e18 B (1 EB)'] },
  duration: { ref: 's', name: 'a duration', example: '5 us', units: 'ns, us (or µs), ms, s, min, h, day', zeroOk: true, max: [1e9, '1e9 s (about 32 years)'] },
  bandwidth: {
    ref: 'B/s',
    name: 'a bandwidth',
    example: '25 GB/s',
    units: `B/s or bit/s (b/s), with ${PREFIXES}; "200 Gb/s" is gigabits`,
    zeroOk: false,
    max: [1e15, '1e15 B/s (1 PB/s)'],
    min: [1, '1 B/s'],
  },
  flops: { ref: 'FLOP', name: 'a FLOP count', example: '4 GFLOP', units: 'FLOP with SI prefixes (k, M, G, T, P, E)', zeroOk: true, max: [1e21, '1e21 FLOP (1 ZFLOP)'] },
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
export const QUANTITY_DIMENSIONS: readonly QuantityDimension[] = Object.freeze(Object.keys(DIMENSIONS) as QuantityDimension[]);

/** An example of `dimension` as a scenario writes it, with `number` as its value when given. */
export function quantityExample(dimension: QuantityDimension, number?: number): string {
  const ex = DIMENSIONS[dimension].example;
  return number === undefined ? ex : `${number} ${ex.slice(ex.indexOf(' ') + 1)}`;
}

// Other dimensions a user may write by mistake, named so the message says what they wrote.
const OTHER_DIMENSIONS: readonly (readonly [string, string])[] = [
  ['m', 'a length'],
  ['kg', 'a mass'],
  ['Hz', 'a frequency'],
  ['B s', 'a size times a duration'],
];

const NUMBER_THEN_UNIT = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)$/;

interface MathUnitPart {
  readonly unit: { readonly name: string; readonly value: number };
  readonly prefix: { readonly value: number };
  readonly power: number;
}

/**
 * Multiplies `x` by the unit's factor to mathjs's base units, keeping sub-unit prefixes (milli, micro,
 * ...) as divisions by their exact integer reciprocals.
 */
function scaleExactly(x: number, parts: readonly MathUnitPart[], divisor: number): number {
  let num = 1;
  let den = divisor;
  for (const p of parts) {
    const f = p.prefix.value * p.unit.value;
    const inv = Math.round(1 / f);
    const exact = f < 1 && Math.abs(inv * f - 1) < 1e-12;
    for (let k = 0; k < Math.abs(p.power); k++) {
      const up = p.power > 0;
      if (exact) {
        if (up) den *= inv;
        else num *= inv;
      } else if (up) num *= f;
      else den *= f;
    }
  }
  return (x * num) / den;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Parses `value` as a quantity of `dimension` and returns it in SI base units (B, s, B/s, FLOP, FLOP/s).
 * Accepts a string: a number, optional spaces, and a mathjs unit expression of the right dimension.
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
  // Both the micro sign (U+00B5) and Greek mu (U+03BC) mean micro; mathjs only knows `u`.
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
    throw new QuantityError(value, `got ${show(value)}: "FLOPS" is ambiguous; write "${m[1]} ${base}/s" for a rate or "${m[1]} ${base}" for a count`);
  }
  const math = mathjs();
  let unit: Unit;
  try {
    unit = math.unit(unitText) as Unit;
  } catch (err) {
    const name = /Unit "([^"]*)" not found/.exec(err instanceof Error ? err.message : '')?.[1];
    const what = name === undefined ? `cannot read the unit "${unitText}"` : `unknown unit "${name}"`;
    throw new QuantityError(value, `got ${show(value)}: ${what}; ${info.name} is written in ${info.units}, e.g. "${info.example}"`);
  }
  if (!unit.equalBase(math.unit(info.ref))) {
    const actual =
      QUANTITY_DIMENSIONS.find((d) => unit.equalBase(math.unit(DIMENSIONS[d].ref))) ??
      OTHER_DIMENSIONS.find(([ref]) => unit.equalBase(math.unit(ref)))?.[1];
    const was = actual === undefined ? '' : ` (${actual in DIMENSIONS ? DIMENSIONS[actual as QuantityDimension].name : actual})`;
    throw new QuantityError(value, `got ${show(value)}${was}; expected ${expected}`);
  }
  const bits = dimension === 'size' || dimension === 'bandwidth';
  const si = scaleExactly(x, unit.units as unknown as readonly MathUnitPart[], bits ? 8 : 1);
  if (!Number.isFinite(si)) throw new QuantityError(value, `got ${show(value)}; expected a finite ${info.name.replace(/^an? /, '')}`);
  if (si < 0 || (si === 0 && !info.zeroOk)) {
    throw new QuantityError(value, `got ${show(value)}; expected ${info.name} ${info.zeroOk ? '>= 0' : '> 0'}`);
  }
  if (si > info.max[0]) throw new QuantityError(value, `got ${show(value)}; expected ${info.name} of at most ${info.max[1]}`);
  if (info.min !== undefined && si > 0 && si < info.min[0]) throw new QuantityError(value, `got ${show(value)}; expected ${info.name} of at least ${info.min[1]}`);
  return si;
}
