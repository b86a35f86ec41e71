/**
 * Reads the unit part of a quantity (`GB/s`, `Gbit/s`, `us`, `TFLOP/s`, `GiB`, `B s^-1`) into its
 * dimension and an exact scale factor, without a units library. The vocabulary is the one dtsim used
 * to take from mathjs for its five dimensions (bytes and bits, mathjs's time units, FLOP) with the same
 * prefixes and the same syntax, less the forms nobody writes in a scenario (parentheses, non-integer
 * powers or powers beyond ±9, a number inside the unit); of mathjs's other units, only metre, gram and
 * hertz are known, so that a message can say "a length", "a mass" or "a frequency". Loading mathjs for
 * this cost every validation about 80 MB and 0.4 s; it is now loaded only for formulas.
 * test/scenario/quantity-vs-mathjs.property.test.ts holds the two against each other.
 *
 * Factors are kept as exact integer multipliers and divisors: `ms` is "divide by 1000", never
 * "multiply by 0.001", so `"5 us"` comes out as exactly 5e-6 s.
 */

/** Exponents of bytes, seconds, FLOPs, metres and kilograms, in that order. */
export type Dimensions = readonly [number, number, number, number, number];

/** A readable unit expression: its dimension, and `num / den`, the value of one unit in bytes, seconds and FLOPs. */
export interface UnitReading {
  readonly ok: true;
  readonly dims: Dimensions;
  readonly num: number;
  readonly den: number;
}

/** An unreadable unit expression: `unknown` names the first unit not known, else the syntax is wrong. */
export interface UnitProblem {
  readonly ok: false;
  readonly unknown?: string;
}

/** A prefix as an exact multiplier and divisor (one of them is 1). */
type Prefix = readonly [mul: number, div: number];
type Prefixes = Readonly<Record<string, Prefix>>;

// [short name, long name, power of ten]. The value is parsed from `1eN` (the nearest double, as in
// mathjs's tables; `10 ** N` may be off by one bit), and prefixes below one are divisors.
const SI: readonly (readonly [string, string, number])[] = [
  ['da', 'deca', 1],
  ['h', 'hecto', 2],
  ['k', 'kilo', 3],
  ['M', 'mega', 6],
  ['G', 'giga', 9],
  ['T', 'tera', 12],
  ['P', 'peta', 15],
  ['E', 'exa', 18],
  ['Z', 'zetta', 21],
  ['Y', 'yotta', 24],
  ['R', 'ronna', 27],
  ['Q', 'quetta', 30],
  ['d', 'deci', -1],
  ['c', 'centi', -2],
  ['m', 'milli', -3],
  ['u', 'micro', -6],
  ['n', 'nano', -9],
  ['p', 'pico', -12],
  ['f', 'femto', -15],
  ['a', 'atto', -18],
  ['z', 'zepto', -21],
  ['y', 'yocto', -24],
  ['r', 'ronto', -27],
  ['q', 'quecto', -30],
];
// [short name, long name]: 1024^1 to 1024^8, all exact. mathjs spells exbi "exi".
const IEC: readonly (readonly [string, string])[] = [
  ['Ki', 'kibi'],
  ['Mi', 'mebi'],
  ['Gi', 'gibi'],
  ['Ti', 'tebi'],
  ['Pi', 'pebi'],
  ['Ei', 'exi'],
  ['Zi', 'zebi'],
  ['Yi', 'yobi'],
];

function prefixes(long: boolean, si: (e: number) => boolean, iec: boolean): Prefixes {
  const out: Record<string, Prefix> = { '': [1, 1] };
  for (const [short, name, e] of SI) {
    const v = Number(`1e${Math.abs(e)}`);
    if (si(e)) out[long ? name : short] = e > 0 ? [v, 1] : [1, v];
  }
  if (iec) IEC.forEach(([short, name], i) => (out[long ? name : short] = [1024 ** (i + 1), 1]));
  return out;
}

const NONE: Prefixes = { '': [1, 1] };
/** All SI prefixes, quecto to quetta: `s`, `FLOP`, `m`, `g`, `Hz`; spelt out for `second` and `sec`. */
const SHORT = prefixes(false, () => true, false);
const LONG = prefixes(true, () => true, false);
/** k to Y and Ki to Yi (no prefixes below one: there is no millibyte): `B`, `b`, `bit`; spelt out for `byte` and `bits`. */
const BINARY_SHORT = prefixes(false, (e) => e >= 3 && e <= 24, true);
const BINARY_LONG = prefixes(true, (e) => e >= 3 && e <= 24, true);

interface UnitDef {
  /** Value of one unit as `mul / div` bytes, seconds or FLOPs (kilograms for a gram). */
  readonly mul: number;
  readonly div: number;
  readonly dims: Dimensions;
  readonly prefixes: Prefixes;
}

const BYTE: Dimensions = [1, 0, 0, 0, 0];
const TIME: Dimensions = [0, 1, 0, 0, 0];
const unit = (dims: Dimensions, prefixes: Prefixes, mul = 1, div = 1): UnitDef => ({ mul, div, dims, prefixes });
const times = (mul: number, ...names: string[]): [string, UnitDef][] => names.map((n) => [n, unit(TIME, NONE, mul)]);

// `bit` takes short prefixes ("Gbit", as NICs are sold; dtsim redefined mathjs's `bit`, which took
// "kilobit"); `bits`, `byte` and `bytes` take spelt-out ones ("kilobits", "gibibytes"), as in mathjs.
const UNITS: ReadonlyMap<string, UnitDef> = new Map<string, UnitDef>([
  ['B', unit(BYTE, BINARY_SHORT)],
  ['bytes', unit(BYTE, BINARY_LONG)],
  ['byte', unit(BYTE, BINARY_LONG)],
  ['b', unit(BYTE, BINARY_SHORT, 1, 8)],
  ['bit', unit(BYTE, BINARY_SHORT, 1, 8)],
  ['bits', unit(BYTE, BINARY_LONG, 1, 8)],
  ['s', unit(TIME, SHORT)],
  ...['second', 'seconds', 'sec', 'secs'].map((n): [string, UnitDef] => [n, unit(TIME, LONG)]),
  ...times(60, 'min', 'mins', 'minute', 'minutes'),
  ...times(3600, 'h', 'hr', 'hrs', 'hour', 'hours'),
  ...times(86400, 'day', 'days'),
  ...times(7 * 86400, 'week', 'weeks'),
  // Julian: a year is 365.25 days, a month a twelfth of it.
  ...times(2629800, 'month', 'months'),
  ...times(31557600, 'year', 'years'),
  ...times(315576000, 'decade', 'decades'),
  ...times(3155760000, 'century', 'centuries'),
  ...times(31557600000, 'millennium', 'millennia'),
  ['FLOP', unit([0, 0, 1, 0, 0], SHORT)],
  // Here so that a message can name a mistake ("3 m" is a length, "2 kg" a mass, "1 GHz" a frequency);
  // as in mathjs, they also combine with the others ("GB Hz" is a bandwidth, "B m/m" a size).
  ['m', unit([0, 0, 0, 1, 0], SHORT)],
  ['g', unit([0, 0, 0, 0, 1], SHORT, 1, 1000)],
  ['Hz', unit([0, -1, 0, 0, 0], SHORT)],
]);

/** The unit and prefix `name` stands for: an exact unit name first, else prefix + unit (as mathjs). */
function findUnit(name: string): { readonly def: UnitDef; readonly prefix: Prefix } | undefined {
  const exact = UNITS.get(name);
  if (exact !== undefined) return { def: exact, prefix: NONE['']! };
  for (const [unitName, def] of UNITS) {
    if (name.length > unitName.length && name.endsWith(unitName)) {
      const p = name.slice(0, name.length - unitName.length);
      if (Object.hasOwn(def.prefixes, p)) return { def, prefix: def.prefixes[p]! };
    }
  }
  return undefined;
}

/** Largest power written after `^`: enough for anything real, and a bound on the work one unit costs. */
const MAX_POWER = 9;
const NAME = /[A-Za-z][A-Za-z0-9]*/y;
const POWER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

/**
 * Reads a unit expression: unit names (a prefix and a unit, e.g. `Gbit`), each optionally raised to an
 * integer power (`^-1`, at most `MAX_POWER` either way), joined by `*`, `/` or spaces; `/` divides by
 * the next unit only, so `B/s` is a bandwidth and `B s` a size times a duration. Errors are found left
 * to right, so the first unknown name is the one reported.
 */
export function readUnit(text: string): UnitReading | UnitProblem {
  const dims = [0, 0, 0, 0, 0];
  let num = 1;
  let den = 1;
  let sign = 1;
  let expectingUnit = false;
  let i = 0;
  const skipSpaces = (): void => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpaces();
    if (i >= text.length) break;
    NAME.lastIndex = i;
    const name = NAME.exec(text)?.[0];
    // A name is a letter, then letters and digits, as in mathjs, so "GB2" is one (unknown) name.
    if (name === undefined) return { ok: false };
    i += name.length;
    const found = findUnit(name);
    if (found === undefined) return { ok: false, unknown: name };
    let power = sign;
    skipSpaces();
    if (text[i] === '^') {
      i++;
      skipSpaces();
      POWER.lastIndex = i;
      const p = POWER.exec(text)?.[0];
      if (p === undefined || !Number.isInteger(Number(p)) || Math.abs(Number(p)) > MAX_POWER) return { ok: false };
      i += p.length;
      power *= Number(p);
    }
    for (let d = 0; d < 5; d++) dims[d] = dims[d]! + found.def.dims[d]! * power;
    // Multiplying by an integer and dividing by an integer keeps `ms` exact where 0.001 is not.
    const mul = found.prefix[0] * found.def.mul;
    const div = found.prefix[1] * found.def.div;
    for (let k = 0; k < Math.abs(power); k++) {
      if (power > 0) {
        num *= mul;
        den *= div;
      } else {
        num *= div;
        den *= mul;
      }
    }
    skipSpaces();
    expectingUnit = text[i] === '*' || text[i] === '/';
    sign = text[i] === '/' ? -1 : 1;
    if (expectingUnit) i++;
  }
  if (expectingUnit) return { ok: false };
  return { ok: true, dims: dims as unknown as Dimensions, num, den };
}

/** Whether two dimensions are the same. */
export function sameDimensions(a: Dimensions, b: Dimensions): boolean {
  return a.every((x, d) => x === b[d]);
}
