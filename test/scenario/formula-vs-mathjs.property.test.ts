/**
 * Differential test: `parseFormula` reads formulas itself (src/scenario/formula.ts) where it used to
 * parse them with mathjs and check the tree against a whitelist. That old pipeline, rebuilt here with
 * mathjs as the oracle, and the new parser must give the same value (within 1e-12 relative) or both
 * reject, for generated formulas over the grammar and for junk.
 *
 * Intentional differences (the new parser rejects, with its own message, what mathjs accepted):
 * - implicit multiplication (`2 workers`, `2(3)`, `(1)(2)`): mathjs binds it tighter than `/` except
 *   in its "rule 2" (`1/2 workers` is `(1/2) workers`), which is too subtle for a config file;
 * - the postfix percentage (`5%` is 0.05 and `x + 5%` is x · 1.05 in mathjs);
 * - hexadecimal, binary and octal numbers (`0x10`);
 * - the two-argument `round`, `floor`, `ceil` and `cbrt` (mathjs: decimals, all roots);
 * - a complex intermediate (`abs(sqrt(-4))` is 2 in mathjs): the new parser's value is NaN, so the
 *   formula is rejected ("gives NaN") or NaN is tested as false; the generated cases are therefore
 *   compared with mathjs configured `predictable: true` (NaN instead of complex numbers), which is
 *   otherwise the same;
 * - over 100 nested levels;
 * Both reject chained comparisons (`1 < x < 3`; the old whitelist refused mathjs's RelationalNode) and
 * an unparenthesized conditional in the middle of another (`a ? b ? c : d : e`, a mathjs syntax error).
 * newlines (mathjs read some as separators of several expressions).
 * And one the other way round: a wrong number of arguments (`abs(1, 2)`) is now a FormulaError when
 * parsed; mathjs threw a TypeError when evaluating.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MathJsInstance, MathNode } from 'mathjs';
import { FORMULA_FUNCTIONS, FORMULA_VARIABLES, FormulaError, parseFormula } from '../../src/scenario/formula.ts';

const m = createRequire(import.meta.url)('mathjs') as typeof import('mathjs');
const math: MathJsInstance = m.create(m.all as NonNullable<typeof m.all>, {});
const predictable: MathJsInstance = m.create(m.all as NonNullable<typeof m.all>, { predictable: true });

// The whitelist formula.ts applied to mathjs's tree before this change.
const OPERATORS = new Set([
  'add',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'mod',
  'unaryMinus',
  'unaryPlus',
  'smaller',
  'larger',
  'smallerEq',
  'largerEq',
  'equal',
  'unequal',
  'and',
  'or',
  'not',
]);
function allowed(node: MathNode): boolean {
  const n = node as MathNode & Record<string, unknown>;
  switch (node.type) {
    case 'ConstantNode':
      return typeof n['value'] === 'number';
    case 'SymbolNode':
      return FORMULA_VARIABLES.includes(n['name'] as string);
    case 'ParenthesisNode':
      return allowed(n['content'] as MathNode);
    case 'OperatorNode':
      return OPERATORS.has(n['fn'] as string) && (n['args'] as MathNode[]).every(allowed);
    case 'ConditionalNode':
      return ['condition', 'trueExpr', 'falseExpr'].every((k) => allowed(n[k] as MathNode));
    case 'FunctionNode': {
      const fn = n['fn'] as MathNode & { name?: string };
      return (
        fn.type === 'SymbolNode' && FORMULA_FUNCTIONS.includes(fn.name!) && (n['args'] as MathNode[]).every(allowed)
      );
    }
    default:
      return false;
  }
}

type Scope = { workers: number; nodes: number; gpusPerNode: number };
type Outcome = { value: number } | { reject: string };

function oracle(instance: MathJsInstance, text: string, scope: Scope): Outcome {
  try {
    const node = instance.parse(text);
    if (!allowed(node)) return { reject: 'whitelist' };
    const v: unknown = node.compile().evaluate({ ...scope });
    return typeof v === 'number' && Number.isFinite(v) ? { value: v } : { reject: String(v) };
  } catch (e) {
    return { reject: (e as Error).message };
  }
}

function mine(text: string, scope: Scope): Outcome {
  try {
    return { value: parseFormula(text).evaluate(scope) };
  } catch (e) {
    expect(e, text).toBeInstanceOf(FormulaError);
    return { reject: (e as Error).message };
  }
}

/** Whether mathjs read a postfix percentage somewhere (it backtracks to one where `%` has no sound right operand: `x%(x`). */
const usesPercentage = (text: string): boolean =>
  math.parse(text).filter((n) => (n as MathNode & { isPercentage?: boolean }).isPercentage === true).length > 0;

const INTENTIONAL =
  /implicit multiplication|percentage|only decimal numbers|chained comparisons|takes \d|nests too deeply/;

const sp = fc.constantFrom('', ' ', '  ');
const numberText = fc.oneof(
  fc.integer({ min: 0, max: 5000 }).map(String),
  fc.constantFrom(
    '0.5',
    '.5',
    '1.5',
    '2.5',
    '0.05',
    '1e3',
    '2.5E-3',
    '1e-3',
    '3.',
    '0',
    '1E+2',
    '4096',
    '0.1',
    '0.3',
    '1e300',
  ),
  fc.double({ min: 0, max: 1e6, noNaN: true }).map(String),
);
const atom = fc.oneof(
  { weight: 3, arbitrary: numberText },
  { weight: 3, arbitrary: fc.constantFrom(...FORMULA_VARIABLES) },
);
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc
      .tuple(
        tie('e'),
        sp,
        fc.constantFrom('+', '-', '*', '/', '^', '%', '<', '>', '<=', '>=', '==', '!=', 'and', 'or', 'mod'),
        sp,
        tie('e'),
      )
      .map(([a, s1, op, s2, b]) => (/^[a-z]/.test(op) ? `${a} ${op} ${b}` : `${a}${s1}${op}${s2}${b}`)),
    fc.tuple(fc.constantFrom('-', '+', 'not '), tie('e')).map(([op, a]) => `${op}${a}`),
    tie('e').map((a) => `(${a})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    fc
      .tuple(fc.constantFrom(...FORMULA_FUNCTIONS), fc.array(tie('e'), { minLength: 1, maxLength: 3 }))
      .map(([f, args]) => `${f}(${args.join(', ')})`),
  ),
})).e;
const junk = fc.string({
  unit: fc.constantFrom(...'0123456789.eE+-*/^%()<>=!?:, abcdfgilmnoprstwxk'.split('')),
  maxLength: 20,
});
const mutated = fc
  .tuple(expr, fc.nat(), fc.constantFrom('', ' ', '(', ')', '%', '2', 'x', ',', '?', '.', 'workers '))
  .map(([e, i, ins]) => {
    const at = i % (e.length + 1);
    return e.slice(0, at) + ins + e.slice(at);
  });
const scope = fc.record({
  workers: fc.integer({ min: 1, max: 4096 }),
  nodes: fc.integer({ min: 1, max: 512 }),
  gpusPerNode: fc.integer({ min: 1, max: 16 }),
});

describe('parseFormula against mathjs', () => {
  it('gives mathjs’s value (to 1e-12 relative) or rejects where mathjs rejects, for generated formulas and junk', () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 4, arbitrary: expr }, { weight: 1, arbitrary: junk }, { weight: 2, arbitrary: mutated }),
        scope,
        (text, s) => {
          fc.pre(text.length <= 200);
          // Where a complex number arose (`sqrt(-1)`), the parser's NaN is what mathjs gives with `predictable`.
          const want = oracle(predictable, text, s);
          const got = mine(text, s);
          if ('value' in want) {
            if ('value' in got) {
              expect(
                Math.abs(got.value - want.value),
                `${text}: ${got.value} vs mathjs ${want.value}`,
              ).toBeLessThanOrEqual(1e-12 * Math.abs(want.value));
            } else {
              expect(
                INTENTIONAL.test(got.reject) || usesPercentage(text),
                `${text}: mathjs gives ${want.value}, parser: ${got.reject}`,
              ).toBe(true);
            }
          } else {
            expect(
              'reject' in got,
              `${text}: mathjs rejects (${want.reject}), parser gives ${'value' in got ? got.value : ''}`,
            ).toBe(true);
          }
        },
      ),
      { seed: 20240609, numRuns: 4000 },
    );
  });

  it('has mathjs’s precedence, modulo, rounding and tolerance on named cases', () => {
    const s = { workers: 16, nodes: 2, gpusPerNode: 8 };
    for (const text of [
      '-2^2',
      '2^3^2',
      '2^-1',
      '-7 % 3',
      '7 % -3',
      '7 % 0',
      '5.5 % 2',
      'round(2.5)',
      'round(-2.5)',
      'round(-0.5) + 1',
      'round(2.4999999999999996)',
      'floor(2.9999999999999996)',
      'ceil(3.0000000000000004)',
      '(0.1 + 0.2 == 0.3) + 0',
      '(1 > 1 + 1e-13) + 1',
      'log(8, 2)',
      'min(3, 1, 2)',
      'max(workers, nodes, 3)',
      '(workers > 8) * 2',
      'not 0 + 1',
      'workers > 8 ? 1 : 0 ? 2 : 3',
      '1 ? 2 : 3 + 4',
      'cbrt(-8)',
      'pow(2, 10)',
      'log2(workers) + log10(1000)',
      '7 mod 4',
      '+(1 < 2)',
      '1 - -1',
      'exp(1) - 1',
      'sqrt(workers) * abs(-2)',
      '1e3 / 2.5E-3 + .5',
    ]) {
      const want = oracle(math, text, s);
      expect('value' in want, text).toBe(true);
      expect(mine(text, s), text).toEqual(want);
    }
  });

  it('differs from mathjs on purpose, with a message that says why', () => {
    const s = { workers: 16, nodes: 2, gpusPerNode: 8 };
    const cases: [string, RegExp][] = [
      ['2 workers', /implicit multiplication/],
      ['2(3)', /implicit multiplication/],
      ['(1)(2)', /implicit multiplication/],
      ['50%', /percentage/],
      ['workers + 5%', /percentage/],
      ['0x10', /only decimal numbers/],
      ['round(2.345, 2)', /takes 1 argument; got 2/],
      ['floor(2.55, 1)', /takes 1 argument; got 2/],
      ['abs(sqrt(-4))', /gives NaN/],
      [`${'-'.repeat(150)}1`, /nests too deeply/],
    ];
    for (const [text, why] of cases) {
      expect('value' in oracle(math, text, s), `mathjs accepts ${text}`).toBe(true);
      const got = mine(text, s);
      expect('reject' in got && why.test(got.reject), `${text}: ${JSON.stringify(got)}`).toBe(true);
    }
  });
});
