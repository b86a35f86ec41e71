/**
 * Evaluating a parsed formula (formula-parser.ts) with mathjs's number semantics, which dtsim's formulas
 * followed when mathjs read them: comparisons and `floor`/`ceil`/`round` within mathjs's tolerance,
 * `%` as its `mod`, `true` as 1 in arithmetic, NaN where mathjs would make a complex number.
 */
import type { FormulaScope, Tree } from './formula-parser.ts';

const REL_TOL = 1e-12; // mathjs's config.relTol
const ABS_TOL = 1e-15; // mathjs's config.absTol

/** mathjs's `nearlyEqual` with its default tolerances. */
function nearlyEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  if (a === b) return true;
  return Math.abs(a - b) <= Math.max(REL_TOL * Math.max(Math.abs(a), Math.abs(b)), ABS_TOL);
}

const larger = (x: number, y: number): boolean => x > y && !nearlyEqual(x, y);
const smaller = (x: number, y: number): boolean => x < y && !nearlyEqual(x, y);

/** Half away from zero, as mathjs's decimal `toFixed`. */
const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** mathjs's `round(x)`: x is first snapped to 12 decimals where that is within tolerance (so 2.4999999999999996 rounds as 2.5). */
function round(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
  const snapped = Number(x.toFixed(12));
  return roundHalfAway(nearlyEqual(x, snapped) ? snapped : x);
}

/** mathjs's `floor(x)`: a value indistinguishable from the integer above is that integer. */
function floor(x: number): number {
  const f = Math.floor(x);
  const r = round(x);
  if (f === r) return f;
  return nearlyEqual(x, r) && !nearlyEqual(x, f) ? r : f;
}

function ceil(x: number): number {
  const c = Math.ceil(x);
  const r = round(x);
  if (c === r) return c;
  return nearlyEqual(x, r) && !nearlyEqual(x, c) ? r : c;
}

/** mathjs's `mod`: the sign follows the divisor, and `x mod 0` is x. */
const mod = (x: number, y: number): number => (y === 0 ? x : x - y * floor(x / y));

// Where mathjs would give a complex number (a root or logarithm of a negative number), these give NaN.
const FUNCTIONS: Readonly<Record<string, (a: readonly number[]) => number>> = {
  // min and max: see `extreme`.
  abs: (a) => Math.abs(a[0]!),
  ceil: (a) => ceil(a[0]!),
  floor: (a) => floor(a[0]!),
  round: (a) => round(a[0]!),
  sqrt: (a) => Math.sqrt(a[0]!),
  cbrt: (a) => Math.cbrt(a[0]!),
  exp: (a) => Math.exp(a[0]!),
  log: (a) => (a.length === 1 ? Math.log(a[0]!) : Math.log(a[0]!) / Math.log(a[1]!)),
  log2: (a) => Math.log2(a[0]!),
  log10: (a) => Math.log10(a[0]!),
  pow: (a) => Math.pow(a[0]!, a[1]!),
};

/** mathjs's `min`/`max`: NaN anywhere gives NaN; of values within tolerance, the first wins. */
function extreme(a: readonly (number | boolean)[], better: (x: number, y: number) => boolean): number | boolean {
  let res: number | boolean | undefined;
  for (const v of a) if (Number.isNaN(v) || res === undefined || better(num(v), num(res))) res = v;
  return res!;
}

// `true` is 1 and `false` 0 in arithmetic, as in mathjs.
const num = (v: number | boolean): number => (typeof v === 'number' ? v : v ? 1 : 0);

/** The value of `t` over `scope`: a number, or a boolean from a comparison or logic. */
export function evaluateTree(t: Tree, scope: FormulaScope): number | boolean {
  switch (t.k) {
    case 'num':
      return t.v;
    case 'var':
      return scope[t.name]!;
    case 'if':
      // mathjs tests a number condition with `!!`: 0 and NaN are false.
      return evaluateTree(t.c, scope) ? evaluateTree(t.a, scope) : evaluateTree(t.b, scope);
    case 'call':
      // mathjs's min and max give back the value they pick: a boolean stays one (`max(1 > 0)` is true).
      if (t.fn === 'min' || t.fn === 'max')
        return extreme(
          t.args.map((a) => evaluateTree(a, scope)),
          t.fn === 'min' ? smaller : larger,
        );
      return FUNCTIONS[t.fn]!(t.args.map((a) => num(evaluateTree(a, scope))));
    case 'op': {
      const x = num(evaluateTree(t.args[0]!, scope));
      if (t.args.length === 1) return t.op === 'not' ? !x : t.op === 'u-' ? -x : x;
      const y = num(evaluateTree(t.args[1]!, scope));
      switch (t.op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '/':
          return x / y;
        case '%':
          return mod(x, y);
        case '^':
          return Math.pow(x, y);
        case '<':
          return smaller(x, y);
        case '>':
          return larger(x, y);
        case '<=':
          return x <= y || nearlyEqual(x, y);
        case '>=':
          return x >= y || nearlyEqual(x, y);
        case '==':
          return nearlyEqual(x, y);
        case '!=':
          return !nearlyEqual(x, y);
        case 'and':
          return !!(x && y);
        case 'or':
          return !!(x || y);
      }
      throw new Error(`formula: unknown operator ${t.op}`);
    }
  }
}
