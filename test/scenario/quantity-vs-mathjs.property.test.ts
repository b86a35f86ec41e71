/**
 * Differential test: `parseQuantity` reads units itself (src/scenario/unit-expression.ts) where it used
 * to ask mathjs. mathjs, configured as dtsim configured it until then (a private instance with `FLOP`
 * and short-prefixed `bit` added), is the oracle: for generated quantity strings, over prefixes, units,
 * separators, powers, spacing and all five dimensions, both give the same value (within 1e-12
 * relative: mathjs multiplies by 1e-6 where the parser divides by 1e6) or both reject.
 *
 * Intentional differences, checked by name at the end of this file:
 * - the parser knows only the units of the five dimensions (and m, g, Hz, to name a mistake), so a
 *   mathjs unit outside them (ft, J, W, hertz, ...) is an unknown unit, even where mathjs could make a
 *   size or a duration of it ("1 J/W" is 1 s to mathjs);
 * - it does not read parentheses, non-integer powers or powers beyond ±9, or a second number inside
 *   the unit ("5 5 GB" was 5 GB).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MathJsInstance, Unit } from 'mathjs';
import { DIMENSIONS, QUANTITY_DIMENSIONS, QuantityError, parseQuantity } from '../../src/scenario/quantity.ts';
import type { QuantityDimension } from '../../src/scenario/quantity.ts';

const m = createRequire(import.meta.url)('mathjs') as typeof import('mathjs');
const math: MathJsInstance = m.create(m.all as NonNullable<typeof m.all>, {});
math.createUnit('FLOP', { prefixes: 'short' });
math.createUnit('bit', { definition: '1 b', prefixes: 'binary_short' }, { override: true });

type Outcome =
  | { readonly value: number }
  | { readonly reject: string; readonly dimensionOf?: QuantityDimension }
  | { readonly onBound: true };

/** What dtsim made of `number` + `unit` when mathjs read the unit: mathjs's value, range checks as today. */
function oracle(number: string, unitText: string, dimension: QuantityDimension): Outcome {
  const info = DIMENSIONS[dimension];
  if (/FLOPS$/i.test(unitText)) return { reject: 'FLOPS' };
  let unit: Unit;
  try {
    unit = math.unit(unitText);
  } catch (e) {
    return { reject: (e as Error).message };
  }
  if (!unit.equalBase(math.unit(info.ref))) {
    const d = QUANTITY_DIMENSIONS.find((q) => unit.equalBase(math.unit(DIMENSIONS[q].ref)));
    return d === undefined ? { reject: 'dimension' } : { reject: 'dimension', dimensionOf: d };
  }
  const si = Number(number) * math.unit(`1 ${unitText}`).toNumber(info.ref);
  // A value a rounding away from a bound could fall either side of it; such cases are skipped.
  for (const bound of [info.max[0], info.min?.[0]]) {
    if (bound !== undefined && Math.abs(si - bound) <= 1e-9 * bound) return { onBound: true };
  }
  if (!Number.isFinite(si) || si < 0 || (si === 0 && !info.zeroOk) || si > info.max[0]) return { reject: 'range' };
  if (info.min !== undefined && si > 0 && si < info.min[0]) return { reject: 'range' };
  return { value: si };
}

function parsed(text: string, dimension: QuantityDimension): { readonly value: number } | { readonly message: string } {
  try {
    return { value: parseQuantity(text, dimension) };
  } catch (e) {
    expect(e).toBeInstanceOf(QuantityError);
    return { message: (e as Error).message };
  }
}

const SI = [
  'da',
  'h',
  'k',
  'M',
  'G',
  'T',
  'P',
  'E',
  'Z',
  'Y',
  'R',
  'Q',
  'd',
  'c',
  'm',
  'u',
  'n',
  'p',
  'f',
  'a',
  'z',
  'y',
  'r',
  'q',
];
const LONG = [
  'deca',
  'hecto',
  'kilo',
  'mega',
  'giga',
  'tera',
  'peta',
  'exa',
  'zetta',
  'yotta',
  'ronna',
  'quetta',
  'deci',
  'centi',
  'milli',
  'micro',
  'nano',
  'pico',
  'femto',
  'atto',
  'zepto',
  'yocto',
  'ronto',
  'quecto',
];
const IEC = [
  'Ki',
  'Mi',
  'Gi',
  'Ti',
  'Pi',
  'Ei',
  'Zi',
  'Yi',
  'kibi',
  'mebi',
  'gibi',
  'tebi',
  'pebi',
  'exi',
  'zebi',
  'yobi',
];
const JUNK_PREFIXES = ['K', 'Kb', 'mu', 'exbi', 'g', 'x'];

const SIZES = ['B', 'b', 'bit', 'bits', 'byte', 'bytes'];
const TIMES = [
  's',
  'second',
  'seconds',
  'sec',
  'secs',
  'min',
  'mins',
  'minute',
  'minutes',
  'h',
  'hr',
  'hrs',
  'hour',
  'hours',
  'day',
  'days',
  'week',
  'weeks',
  'month',
  'months',
  'year',
  'years',
  'decade',
  'decades',
  'century',
  'centuries',
  'millennium',
  'millennia',
];
const OTHERS = ['FLOP', 'm', 'g', 'Hz'];
// mathjs units the parser deliberately does not know, and words neither knows.
const FOREIGN = [
  'ft',
  'in',
  'N',
  'J',
  'W',
  'Pa',
  'K',
  'A',
  'l',
  'mol',
  'rad',
  'deg',
  'hertz',
  'meter',
  'gram',
  'bar',
  'cd',
  'V',
  'erg',
  'Wh',
  'lb',
  'mi',
  'ch',
  'Gy',
  'kat',
];
const JUNK = ['Gbps', 'flop', 'Flop', 'FLOPs', 'parsec', 'xyz', 'Bps', 'sek', 'B2'];

interface Term {
  readonly text: string;
  /** Names a unit the parser does not know on purpose (mathjs may still accept it). */
  readonly foreign: boolean;
}

/** Whether `message` is "unknown unit" naming one of the foreign terms (with its prefix, without its power). */
function namesForeignUnit(message: string, terms: readonly Term[]): boolean {
  const name = /unknown unit "([^"]*)"/.exec(message)?.[1];
  return name !== undefined && terms.some((t) => t.foreign && t.text.replace(/\^.*/, '') === name);
}

const power = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('^2', '^-1', '^ -1', '^1', '^0', '^2.0', '^+1', '^-2', '^3') },
);
/** A prefix from `prefixes` (or none), a unit from `names`, maybe a power. */
const term = (prefixes: readonly string[], names: readonly string[], foreign = false): fc.Arbitrary<Term> =>
  fc
    .tuple(
      prefixes.length === 0 ? fc.constant('') : fc.oneof(fc.constant(''), fc.constantFrom(...prefixes)),
      fc.constantFrom(...names),
      power,
    )
    .map(([p, n, w]) => ({ text: p + n + w, foreign }));
const BINARY_SHORT = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y', ...IEC.slice(0, 8)];
const BINARY_LONG = [...LONG.slice(2, 10), ...IEC.slice(8)];
// Terms with the prefixes their unit takes, so that many quantities are accepted ...
const sizeTerm = fc.oneof(term(BINARY_SHORT, ['B', 'b', 'bit']), term(BINARY_LONG, ['byte', 'bytes', 'bits']));
const timeTerm = fc.oneof(term(SI, ['s']), term(LONG, ['second', 'seconds', 'sec', 'secs']), term([], TIMES));
const flopTerm = term(SI, ['FLOP']);
// ... and any prefix on any unit, mathjs's units left out on purpose, and junk.
const ALL_PREFIXES = [...SI, ...LONG, ...IEC, ...JUNK_PREFIXES];
const anyTerm = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(sizeTerm, timeTerm, flopTerm) },
  { weight: 4, arbitrary: term(ALL_PREFIXES, [...SIZES, ...TIMES, ...OTHERS]) },
  { weight: 1, arbitrary: term(ALL_PREFIXES, FOREIGN, true) },
  { weight: 1, arbitrary: term(ALL_PREFIXES, JUNK) },
);
const sep = fc.constantFrom('/', ' / ', '/ ', ' /', '*', ' * ', ' ', '  ', '\t/\t');
const join = (...parts: (Term | string)[]): Term[] =>
  parts.map((p) => (typeof p === 'string' ? { text: p, foreign: false } : p));
const unitExpr: fc.Arbitrary<readonly Term[]> = fc.oneof(
  // Shaped like the five dimensions, so that many are accepted ...
  { weight: 3, arbitrary: fc.tuple(sizeTerm) },
  { weight: 3, arbitrary: fc.tuple(timeTerm) },
  { weight: 2, arbitrary: fc.tuple(flopTerm) },
  {
    weight: 4,
    arbitrary: fc.tuple(sizeTerm, fc.constantFrom('/', ' / ', '/ '), timeTerm).map(([a, s, b]) => join(a, s, b)),
  },
  { weight: 2, arbitrary: fc.tuple(flopTerm, fc.constantFrom('/', ' / '), timeTerm).map(([a, s, b]) => join(a, s, b)) },
  // ... and anything from the vocabulary, mathjs's foreign units and junk.
  { weight: 2, arbitrary: fc.tuple(anyTerm) },
  { weight: 3, arbitrary: fc.tuple(anyTerm, sep, anyTerm).map(([a, s, b]) => join(a, s, b)) },
  { weight: 1, arbitrary: fc.tuple(anyTerm, sep, anyTerm, sep, anyTerm).map(([a, s, b, t, c]) => join(a, s, b, t, c)) },
);
const number = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }).map(String),
  fc.double({ min: 1e-4, max: 1e4, noNaN: true }).map(String),
  fc.constantFrom('0', '1', '-5', '1e3', '2.5e-3', '.5', '5.', '1E6', '+3', '0.001', '100', '1e-9'),
);

describe('parseQuantity against mathjs', () => {
  it('gives mathjs’s value (to 1e-12 relative) or rejects where mathjs rejects, for generated quantities', () => {
    const outcomes = { accepted: 0, rejected: 0, foreign: 0 };
    fc.assert(
      fc.property(
        number,
        fc.constantFrom('', ' ', '  ', '\t'),
        unitExpr,
        fc.constantFrom('', ' '),
        (n, space, terms, pad) => {
          const unitText = terms.map((t) => t.text).join('');
          const text = `${pad}${n}${space}${unitText}${pad}`;
          for (const dim of QUANTITY_DIMENSIONS) {
            const want = oracle(n, unitText, dim);
            if ('onBound' in want) continue;
            const got = parsed(text, dim);
            if ('value' in want) {
              if ('value' in got) {
                expect(
                  Math.abs(got.value - want.value),
                  `${text} as ${dim}: ${got.value} vs mathjs ${want.value}`,
                ).toBeLessThanOrEqual(1e-12 * want.value);
                outcomes.accepted++;
              } else {
                // Only a unit left out on purpose may make the difference, and the message names it.
                expect(
                  namesForeignUnit(got.message, terms),
                  `${text} as ${dim}: mathjs gives ${want.value}, parser: ${got.message}`,
                ).toBe(true);
                outcomes.foreign++;
              }
            } else {
              expect(
                'message' in got,
                `${text} as ${dim}: mathjs rejects (${want.reject}), parser gives ${'value' in got ? got.value : ''}`,
              ).toBe(true);
              // Where mathjs saw one of the five dimensions, the message names it (unless a foreign unit came first).
              if ('message' in got && want.dimensionOf !== undefined && !namesForeignUnit(got.message, terms)) {
                expect(got.message).toContain(`(${DIMENSIONS[want.dimensionOf].name})`);
              }
              outcomes.rejected++;
            }
          }
        },
      ),
      { seed: 20240917, numRuns: 4000 },
    );
    // The generator must exercise both sides, or the comparison says little: of 4000 strings, each
    // tried as all five dimensions, over a third are accepted as one of them.
    expect(outcomes.accepted).toBeGreaterThan(1300);
    expect(outcomes.rejected).toBeGreaterThan(10000);
  });

  it('agrees with mathjs on every prefix of every unit it knows, alone and per second', () => {
    for (const [names, prefixes] of [
      [SIZES, ['', ...SI, ...LONG, ...IEC]],
      [TIMES, ['', ...SI, ...LONG]],
      [['FLOP'], ['', ...SI, ...LONG]],
    ] as const) {
      for (const name of names) {
        for (const p of prefixes) {
          for (const unitText of [p + name, `${p + name}/s`]) {
            for (const dim of QUANTITY_DIMENSIONS) {
              // 1e-6 keeps large prefixes in range; 1e6 keeps small ones above 1 B/s.
              for (const n of ['1e-6', '1', '1e6']) {
                const want = oracle(n, unitText, dim);
                if ('onBound' in want) continue;
                const got = parsed(`${n} ${unitText}`, dim);
                if ('value' in want)
                  expect(
                    'value' in got && Math.abs(got.value - want.value) <= 1e-12 * want.value,
                    `${n} ${unitText} as ${dim}`,
                  ).toBe(true);
                else expect('message' in got, `${n} ${unitText} as ${dim}: mathjs rejects`).toBe(true);
              }
            }
          }
        }
      }
    }
  });

  it('differs from mathjs on purpose: units outside the five dimensions, parentheses, odd powers, numbers inside the unit', () => {
    const reason = (text: string, dim: QuantityDimension): string => {
      const got = parsed(text, dim);
      return 'message' in got ? got.message : `accepted as ${got.value}`;
    };
    // mathjs accepted each of these.
    expect(oracle('1', 'J/W', 'duration')).toEqual({ value: 1 });
    expect(reason('1 J/W', 'duration')).toMatch(/unknown unit "J"/);
    expect(reason('3 ft', 'duration')).toMatch(/unknown unit "ft"/); // mathjs: "(a length)"
    expect(oracle('2', '(B)/s', 'bandwidth')).toEqual({ value: 2 });
    expect(reason('2 (B)/s', 'bandwidth')).toMatch(/cannot read the unit "\(B\)\/s"/);
    expect(reason('1 B^0.5 B^0.5', 'size')).toMatch(/cannot read the unit/);
    expect(reason('1 B^10 B^-9', 'size')).toMatch(/cannot read the unit/);
    expect(reason('5 5 GB', 'size')).toMatch(/cannot read the unit "5 GB"/);
    // ... and these agree, exotic as they are.
    expect(parseQuantity('1 byte^2/byte', 'size')).toBe(1);
    expect(parseQuantity('2 GB s^-1', 'bandwidth')).toBe(2e9);
    expect(parseQuantity('1 B^9 B^-8', 'size')).toBe(1);
  });
});
