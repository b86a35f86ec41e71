/**
 * Numeric scenario values written as formulas of the run's shape, e.g. `learningRate: "0.05 * workers / 8"`
 * (the linear scaling rule) or `batchSize: "4096 / workers"`. A formula is read by the small parser
 * in formula-parser.ts, which knows only what a formula may hold (numbers, the shape variables, arithmetic,
 * comparisons, logic, the conditional operator and a few pure functions), so a scenario file can never
 * reach anything else. It gives the values mathjs gave when dtsim parsed formulas with it
 * (test/scenario/formula-vs-mathjs.property.test.ts holds the two against each other): the same
 * precedence (`^` right-associative and above unary minus, so `-2^2` is -4), `%` as mathjs's `mod`
 * (the sign follows the divisor; `x % 0` is x), comparisons and `floor`/`ceil`/`round` with mathjs's
 * tolerance (relative 1e-12, absolute 1e-15), `round` half away from zero, and `true` as 1 in arithmetic.
 * Not read, on purpose: implicit multiplication (`2 workers`, `2(3)`), the postfix percentage (`5%`),
 * hexadecimal, binary and octal numbers, chained comparisons (`1 < x < 3`), and the two-argument forms
 * of `round`, `floor`, `ceil` and `cbrt`. Where mathjs made a complex number (`sqrt(-1)`), the value
 * is NaN, so the formula is rejected.
 */
import { FormulaError, FORMULA_VARIABLES, parseTree } from './formula-parser.ts';
import type { FormulaScope } from './formula-parser.ts';
import { evaluateTree } from './formula-eval.ts';

export { FormulaError, FORMULA_FUNCTIONS, FORMULA_VARIABLES } from './formula-parser.ts';
export type { FormulaScope } from './formula-parser.ts';

/** A checked formula, ready to evaluate. */
export interface Formula {
  readonly text: string;
  /** The shape variables it uses. */
  readonly uses: readonly string[];
  evaluate(scope: FormulaScope): number;
}

/** Longest formula text: real ones are a few dozen characters. */
export const MAX_FORMULA_LENGTH = 200;

// Parsed formulas by text: a sweep validates the same formula at every point. Bounded, and cleared
// when full (a parse is pure, so this changes nothing but speed).
const parsed = new Map<string, Formula | FormulaError>();
const PARSED_LIMIT = 1000;

/**
 * Parses and checks `text`; the same text gives the same (memoized) result.
 * @throws FormulaError for a text over `MAX_FORMULA_LENGTH`, a syntax error, an unknown name
 *   (listing the allowed variables) or any construct outside the whitelist.
 */
export function parseFormula(text: string): Formula {
  let f = parsed.get(text);
  if (f === undefined) {
    try {
      f = parseUncached(text);
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err;
      f = err;
    }
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, f);
  }
  if (f instanceof FormulaError) throw f;
  return f;
}

function parseUncached(text: string): Formula {
  if (text.length > MAX_FORMULA_LENGTH)
    throw new FormulaError(text, `formula of ${text.length} characters; at most ${MAX_FORMULA_LENGTH} are allowed`);
  const symbols = new Set<string>();
  const tree = parseTree(text, symbols);
  const uses = [...symbols].sort();
  return {
    text,
    uses,
    evaluate(scope: FormulaScope): number {
      if (symbols.has('gpusPerNode') && scope.gpusPerNode === undefined) {
        throw new FormulaError(
          text,
          `formula "${text}" uses gpusPerNode, which is undefined here: ${scope.gpusPerNodeNote ?? 'node groups differ'}`,
        );
      }
      const v = evaluateTree(tree, scope);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new FormulaError(
          text,
          `formula "${text}" gives ${String(v)} with ${describeScope(scope, uses)}; expected a finite number`,
        );
      }
      return v;
    },
  };
}

/** `workers = 16, nodes = 2` for the variables `uses` names (all of them when empty). */
export function describeScope(scope: FormulaScope, uses: readonly string[] = []): string {
  const names =
    uses.length > 0 ? uses : FORMULA_VARIABLES.filter((n) => n !== 'gpusPerNode' || scope.gpusPerNode !== undefined);
  return names.map((n) => `${n} = ${String(scope[n as keyof FormulaScope])}`).join(', ') || 'no variables';
}

/**
 * Evaluates `text` over `scope`. With `integer`, a result within 1e-9 (relative) of an integer is
 * rounded to it, so `"0.1 * 30"` gives 3, and anything else is an error.
 * @throws FormulaError as `parseFormula`, for a non-finite result, or for a non-integer where one is needed.
 */
export function evaluateFormula(text: string, scope: FormulaScope, integer = false): number {
  const f = parseFormula(text);
  const v = f.evaluate(scope);
  if (!integer) return v;
  const r = Math.round(v);
  if (Math.abs(v - r) <= 1e-9 * Math.max(1, Math.abs(v))) return r;
  throw new FormulaError(
    text,
    `formula "${text}" gives ${v} with ${describeScope(scope, f.uses)}; expected an integer`,
  );
}
