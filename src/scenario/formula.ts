/**
 * Numeric scenario values written as formulas of the run's shape, e.g. `learningRate: "0.05 * workers / 8"`
 * (the linear scaling rule) or `batchSize: "4096 / workers"`. A formula is parsed by mathjs and then
 * checked node by node against a whitelist (numbers, the shape variables, arithmetic, comparisons, the
 * conditional operator and a few pure functions) before it is evaluated, so a scenario file can never
 * reach `import`, `createUnit`, `evaluate`, assignments or units through it.
 */
import type { MathNode } from 'mathjs';
import { mathjs } from './math.ts';

/** The run's shape, as formulas see it. */
export interface FormulaScope {
  /** Total GPUs (= data-parallel workers). */
  readonly workers: number;
  /** Total nodes. */
  readonly nodes: number;
  /** GPUs per node when every group has the same; absent otherwise (using it is then an error). */
  readonly gpusPerNode?: number;
  /** Why `gpusPerNode` is absent, for the message (`node groups have 4 and 8`). */
  readonly gpusPerNodeNote?: string;
}

/** The variables a formula may use. */
export const FORMULA_VARIABLES: readonly string[] = Object.freeze(['workers', 'nodes', 'gpusPerNode']);

/** The functions a formula may call: pure, numeric, no side effects. */
export const FORMULA_FUNCTIONS: readonly string[] = Object.freeze([
  'abs', 'ceil', 'floor', 'round', 'min', 'max', 'sqrt', 'cbrt', 'exp', 'log', 'log2', 'log10', 'pow',
]);

// mathjs operator function names: arithmetic, comparisons and logic (no bitwise, no matrix ops).
const OPERATORS = new Set([
  'add', 'subtract', 'multiply', 'divide', 'pow', 'mod', 'unaryMinus', 'unaryPlus',
  'smaller', 'larger', 'smallerEq', 'largerEq', 'equal', 'unequal', 'and', 'or', 'not',
]);

/** A formula that cannot be used; the message names the formula and what is allowed. */
export class FormulaError extends Error {
  constructor(readonly formula: string, message: string) {
    super(message);
    this.name = 'FormulaError';
  }
}

const allowedVars = (): string => FORMULA_VARIABLES.join(', ');

function check(node: MathNode, formula: string, symbols: Set<string>): void {
  const fail = (what: string): never => {
    throw new FormulaError(formula, `formula "${formula}": ${what}`);
  };
  const n = node as MathNode & Record<string, unknown>;
  switch (node.type) {
    case 'ConstantNode':
      if (typeof n['value'] !== 'number') fail(`${JSON.stringify(n['value'])} is not a number`);
      return;
    case 'SymbolNode': {
      const name = n['name'] as string;
      if (!FORMULA_VARIABLES.includes(name)) fail(`unknown name "${name}"; a formula may use ${allowedVars()}`);
      symbols.add(name);
      return;
    }
    case 'ParenthesisNode':
      check(n['content'] as MathNode, formula, symbols);
      return;
    case 'OperatorNode':
      if (!OPERATORS.has(n['fn'] as string)) fail(`operator "${n['op'] as string}" is not allowed`);
      for (const a of n['args'] as MathNode[]) check(a, formula, symbols);
      return;
    case 'ConditionalNode':
      for (const k of ['condition', 'trueExpr', 'falseExpr']) check(n[k] as MathNode, formula, symbols);
      return;
    case 'FunctionNode': {
      const fn = n['fn'] as MathNode & { name?: string };
      if (fn.type !== 'SymbolNode' || fn.name === undefined || !FORMULA_FUNCTIONS.includes(fn.name)) {
        fail(`function "${fn.name ?? fn.toString()}" is not allowed; allowed: ${FORMULA_FUNCTIONS.join(', ')}`);
      }
      for (const a of n['args'] as MathNode[]) check(a, formula, symbols);
      return;
    }
    default:
      fail(`${node.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed; write arithmetic over ${allowedVars()}`);
  }
}

/** A checked formula, ready to evaluate. */
export interface Formula {
  readonly text: string;
  /** The shape variables it uses. */
  readonly uses: readonly string[];
  evaluate(scope: FormulaScope): number;
}

/** Longest formula text: real ones are a few dozen characters, and mathjs parses by recursion. */
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
  if (text.length > MAX_FORMULA_LENGTH) throw new FormulaError(text, `formula of ${text.length} characters; at most ${MAX_FORMULA_LENGTH} are allowed`);
  const math = mathjs();
  let node: MathNode;
  try {
    node = math.parse(text);
  } catch (err) {
    throw new FormulaError(text, `formula "${text}": ${err instanceof Error ? err.message : String(err)}`);
  }
  const symbols = new Set<string>();
  let code: ReturnType<MathNode['compile']>;
  try {
    check(node, text, symbols);
    code = node.compile();
  } catch (err) {
    // Deep nesting within the length limit can still exhaust the stack while walking the tree.
    if (err instanceof RangeError) throw new FormulaError(text, `formula "${text}" nests too deeply`);
    throw err;
  }
  const uses = [...symbols].sort();
  return {
    text,
    uses,
    evaluate(scope: FormulaScope): number {
      if (symbols.has('gpusPerNode') && scope.gpusPerNode === undefined) {
        throw new FormulaError(text, `formula "${text}" uses gpusPerNode, which is undefined here: ${scope.gpusPerNodeNote ?? 'node groups differ'}`);
      }
      const vars: Record<string, number> = { workers: scope.workers, nodes: scope.nodes };
      if (scope.gpusPerNode !== undefined) vars['gpusPerNode'] = scope.gpusPerNode;
      const v: unknown = code.evaluate(vars);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new FormulaError(text, `formula "${text}" gives ${String(v)} with ${describeScope(scope, uses)}; expected a finite number`);
      }
      return v;
    },
  };
}

/** `workers = 16, nodes = 2` for the variables `uses` names (all of them when empty). */
export function describeScope(scope: FormulaScope, uses: readonly string[] = []): string {
  const names = uses.length > 0 ? uses : FORMULA_VARIABLES.filter((n) => n !== 'gpusPerNode' || scope.gpusPerNode !== undefined);
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
  throw new FormulaError(text, `formula "${text}" gives ${v} with ${describeScope(scope, f.uses)}; expected an integer`);
}
