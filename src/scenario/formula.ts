/**
 * Numeric scenario values written as formulas of the run's shape, e.g. `learningRate: "0.05 * workers / 8"`
 * (the linear scaling rule) or `batchSize: "4096 / workers"`. A formula is read by the small parser
 * below, which knows only what a formula may hold (numbers, the shape variables, arithmetic,
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

/** A formula that cannot be used; the message names the formula and what is allowed. */
export class FormulaError extends Error {
  constructor(readonly formula: string, message: string) {
    super(message);
    this.name = 'FormulaError';
  }
}

const allowedVars = (): string => FORMULA_VARIABLES.join(', ');

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
  if (text.length > MAX_FORMULA_LENGTH) throw new FormulaError(text, `formula of ${text.length} characters; at most ${MAX_FORMULA_LENGTH} are allowed`);
  const symbols = new Set<string>();
  const tree = new Parser(text, symbols).parseAll();
  const uses = [...symbols].sort();
  return {
    text,
    uses,
    evaluate(scope: FormulaScope): number {
      if (symbols.has('gpusPerNode') && scope.gpusPerNode === undefined) {
        throw new FormulaError(text, `formula "${text}" uses gpusPerNode, which is undefined here: ${scope.gpusPerNodeNote ?? 'node groups differ'}`);
      }
      const v = run(tree, scope);
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

// ---- Parser ---------------------------------------------------------------------------------------
// Precedence, loosest first, as in mathjs: `c ? a : b` (right-associative), `or`, `and`, comparisons
// (one per level: mathjs would chain them), `+ -`, `* / % mod`, unary `- + not`, `^` (right-associative,
// its right operand may start with a unary operator: `2^-1`), then numbers, names, calls, parentheses.

type Tree =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'var'; readonly name: 'workers' | 'nodes' | 'gpusPerNode' }
  | { readonly k: 'op'; readonly op: string; readonly args: readonly Tree[] }
  | { readonly k: 'if'; readonly c: Tree; readonly a: Tree; readonly b: Tree }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Tree[] };

/** Deepest nesting of parentheses, calls, conditionals and unary operators: keeps the recursion of the parser and the evaluator far from the stack's end. */
const MAX_NESTING = 100;

// [min, max] arguments of each function.
const ARITY: Readonly<Record<string, readonly [number, number]>> = {
  abs: [1, 1], ceil: [1, 1], floor: [1, 1], round: [1, 1], min: [1, Infinity], max: [1, Infinity], sqrt: [1, 1],
  cbrt: [1, 1], exp: [1, 1], log: [1, 2], log2: [1, 1], log10: [1, 1], pow: [2, 2],
};

const COMPARISONS = new Set(['<', '>', '<=', '>=', '==', '!=']);
// mathjs operators and named operators a formula may not use.
const FOREIGN_OPERATORS = ['>>>', '<<', '>>', '^|', '??', '.*', './', '.^', '&', '|', '~', '!'];
const FOREIGN_WORDS = new Set(['xor', 'to', 'in']);
const FOREIGN_SYNTAX: Readonly<Record<string, string>> = {
  '=': 'assignments are not allowed',
  '"': 'strings are not allowed',
  "'": 'strings are not allowed',
  '[': 'matrices are not allowed',
  ']': 'matrices are not allowed',
  '{': 'objects are not allowed',
  '}': 'objects are not allowed',
  ';': 'a formula is one expression',
  '.': 'property access is not allowed',
};

interface Token {
  /** 'num', 'name', 'op' or 'end'. */
  readonly t: 'num' | 'name' | 'op' | 'end';
  readonly s: string;
  /** 1-based character position. */
  readonly at: number;
}

class Parser {
  private pos = 0;
  private tok: Token;
  private depth = 0;

  constructor(private readonly text: string, private readonly symbols: Set<string>) {
    this.tok = this.scan();
  }

  parseAll(): Tree {
    const tree = this.conditional();
    if (this.tok.t !== 'end') this.unexpected();
    return tree;
  }

  private fail(what: string): never {
    throw new FormulaError(this.text, `formula "${this.text}": ${what}`);
  }

  private where(tok: Token = this.tok): string {
    return tok.t === 'end' ? 'at the end' : `at character ${tok.at}`;
  }

  private unexpected(): never {
    const tok = this.tok;
    if (tok.t === 'end') this.fail('unexpected end of formula');
    if (tok.t === 'num' || tok.t === 'name' || tok.s === '(') {
      if (tok.t === 'name') this.checkName(tok.s);
      this.fail(`expected an operator before "${tok.s}" ${this.where()}; write * to multiply (implicit multiplication is not allowed)`);
    }
    this.fail(`unexpected "${tok.s}" ${this.where()}`);
  }

  private checkName(name: string): void {
    if (FOREIGN_WORDS.has(name)) this.fail(`operator "${name}" is not allowed`);
    if (!FORMULA_VARIABLES.includes(name) && !FORMULA_FUNCTIONS.includes(name)) this.fail(`unknown name "${name}"; a formula may use ${allowedVars()}`);
  }

  private scan(): Token {
    const s = this.text;
    let i = this.pos;
    while (s[i] === ' ' || s[i] === '\t') i++;
    const at = i + 1;
    if (i >= s.length) {
      this.pos = i;
      return { t: 'end', s: '', at };
    }
    const rest = s.slice(i);
    // `3.^2` is 3 .^ 2 to mathjs (an element-wise operator), not 3. ^ 2.
    let m = /^(?:\d+(?:\.(?![*/^]))?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    if (m !== null) {
      if (/^0[xXbBoO][0-9a-fA-F]/.test(rest)) this.fail(`only decimal numbers are allowed (character ${at})`);
      const after = s[i + m[0].length];
      if (after === '.' || (after !== undefined && /\d/.test(after))) this.fail(`malformed number at character ${at}`);
      if (/^[eE][+-]/.test(s.slice(i + m[0].length))) this.fail(`malformed number at character ${at}: digits expected after the exponent`);
      this.pos = i + m[0].length;
      return { t: 'num', s: m[0], at };
    }
    m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(rest);
    if (m !== null) {
      this.pos = i + m[0].length;
      return { t: 'name', s: m[0], at };
    }
    if (!rest.startsWith('!=')) for (const op of FOREIGN_OPERATORS) if (rest.startsWith(op)) this.fail(`operator "${op}" is not allowed`);
    m = /^(?:<=|>=|==|!=|[-+*/^%()<>?:,])/.exec(rest);
    if (m !== null) {
      this.pos = i + m[0].length;
      return { t: 'op', s: m[0], at };
    }
    const c = String.fromCodePoint(s.codePointAt(i)!);
    const why = FOREIGN_SYNTAX[c];
    if (why !== undefined) this.fail(`${why} (character ${at})`);
    this.fail(`unexpected character ${JSON.stringify(c)} at character ${at}`);
  }

  private next(): Token {
    const t = this.tok;
    this.tok = this.scan();
    return t;
  }

  private isOp(s: string): boolean {
    return this.tok.t === 'op' && this.tok.s === s;
  }

  private isWord(s: string): boolean {
    return this.tok.t === 'name' && this.tok.s === s;
  }

  private expect(s: string, what: string): void {
    if (!this.isOp(s)) {
      if (this.tok.t === 'num' || this.tok.t === 'name' || this.isOp('(')) this.unexpected();
      if (this.tok.t === 'end') this.fail(`${what} expected at the end`);
      this.fail(`${what} expected ${this.where()}, got "${this.tok.s}"`);
    }
    this.next();
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING) throw new FormulaError(this.text, `formula "${this.text}" nests too deeply`);
  }

  private conditional(): Tree {
    this.enter();
    const c = this.or();
    let tree = c;
    if (this.isOp('?')) {
      this.next();
      this.enter();
      const a = this.or();
      this.depth--;
      // mathjs fails on an unparenthesized conditional here (`a ? b ? c : d : e`).
      if (this.isOp('?')) this.fail(`a conditional inside "? :" needs parentheses (character ${this.tok.at})`);
      this.expect(':', '":"');
      const b = this.conditional();
      tree = { k: 'if', c, a, b };
    }
    this.depth--;
    return tree;
  }

  private or(): Tree {
    let tree = this.and();
    while (this.isWord('or')) {
      this.next();
      tree = { k: 'op', op: 'or', args: [tree, this.and()] };
    }
    return tree;
  }

  private and(): Tree {
    let tree = this.comparison();
    while (this.isWord('and')) {
      this.next();
      tree = { k: 'op', op: 'and', args: [tree, this.comparison()] };
    }
    return tree;
  }

  private comparison(): Tree {
    const left = this.additive();
    if (this.tok.t !== 'op' || !COMPARISONS.has(this.tok.s)) return left;
    const op = this.next().s;
    const right = this.additive();
    if (this.tok.t === 'op' && COMPARISONS.has(this.tok.s)) {
      this.fail(`chained comparisons are not allowed ${this.where()}; write "a < b and b < c"`);
    }
    return { k: 'op', op, args: [left, right] };
  }

  private additive(): Tree {
    let tree = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().s;
      tree = { k: 'op', op, args: [tree, this.multiplicative()] };
    }
    return tree;
  }

  private multiplicative(): Tree {
    let tree = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%') || this.isWord('mod')) {
      const t = this.next();
      if (t.s === '%' && !this.startsOperand()) {
        this.fail(`"%" ${this.where(t)} needs a right operand: it is the remainder (write "/ 100" for a percentage)`);
      }
      tree = { k: 'op', op: t.s === 'mod' ? '%' : t.s, args: [tree, this.unary()] };
    }
    return tree;
  }

  private startsOperand(): boolean {
    const t = this.tok;
    return t.t === 'num' || (t.t === 'name' && !['and', 'or', 'mod', 'xor', 'to', 'in'].includes(t.s)) || (t.t === 'op' && ['(', '-', '+'].includes(t.s));
  }

  private unary(): Tree {
    if (this.isOp('-') || this.isOp('+') || this.isWord('not')) {
      const op = this.next().s;
      this.enter();
      const arg = this.unary();
      this.depth--;
      return { k: 'op', op: op === 'not' ? 'not' : `u${op}`, args: [arg] };
    }
    return this.power();
  }

  private power(): Tree {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    this.next();
    this.enter();
    const exponent = this.unary();
    this.depth--;
    return { k: 'op', op: '^', args: [base, exponent] };
  }

  private primary(): Tree {
    const t = this.tok;
    if (t.t === 'num') {
      this.next();
      return { k: 'num', v: Number(t.s) };
    }
    if (t.t === 'name') {
      this.checkName(t.s);
      this.next();
      if (FORMULA_FUNCTIONS.includes(t.s)) {
        if (!this.isOp('(')) this.fail(`function "${t.s}" needs arguments in parentheses, e.g. ${t.s}(workers)`);
        return this.call(t.s);
      }
      if (this.isOp('(')) this.fail(`function "${t.s}" is not allowed; allowed: ${FORMULA_FUNCTIONS.join(', ')}`);
      this.symbols.add(t.s);
      return { k: 'var', name: t.s as 'workers' | 'nodes' | 'gpusPerNode' };
    }
    if (t.t === 'op' && t.s === '(') {
      this.next();
      const tree = this.conditional();
      this.expect(')', '")"');
      return tree;
    }
    if (t.t === 'end') this.fail('value expected at the end');
    this.fail(`value expected at character ${t.at}, got "${t.s}"`);
  }

  private call(fn: string): Tree {
    this.next(); // (
    const args: Tree[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.conditional());
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    this.expect(')', '")"');
    const [lo, hi] = ARITY[fn]!;
    if (args.length < lo || args.length > hi) {
      const takes = lo === hi ? `${lo} argument${lo === 1 ? '' : 's'}` : hi === Infinity ? `at least ${lo} argument` : `${lo} or ${hi} arguments`;
      this.fail(`function "${fn}" takes ${takes}; got ${args.length}`);
    }
    return { k: 'call', fn, args };
  }
}

// ---- Evaluator: mathjs's number semantics ---------------------------------------------------------

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

function run(t: Tree, scope: FormulaScope): number | boolean {
  switch (t.k) {
    case 'num':
      return t.v;
    case 'var':
      return scope[t.name]!;
    case 'if':
      // mathjs tests a number condition with `!!`: 0 and NaN are false.
      return run(t.c, scope) ? run(t.a, scope) : run(t.b, scope);
    case 'call':
      // mathjs's min and max give back the value they pick: a boolean stays one (`max(1 > 0)` is true).
      if (t.fn === 'min' || t.fn === 'max') return extreme(t.args.map((a) => run(a, scope)), t.fn === 'min' ? smaller : larger);
      return FUNCTIONS[t.fn]!(t.args.map((a) => num(run(a, scope))));
    case 'op': {
      const x = num(run(t.args[0]!, scope));
      if (t.args.length === 1) return t.op === 'not' ? !x : t.op === 'u-' ? -x : x;
      const y = num(run(t.args[1]!, scope));
      switch (t.op) {
        case '+': return x + y;
        case '-': return x - y;
        case '*': return x * y;
        case '/': return x / y;
        case '%': return mod(x, y);
        case '^': return Math.pow(x, y);
        case '<': return smaller(x, y);
        case '>': return larger(x, y);
        case '<=': return x <= y || nearlyEqual(x, y);
        case '>=': return x >= y || nearlyEqual(x, y);
        case '==': return nearlyEqual(x, y);
        case '!=': return !nearlyEqual(x, y);
        case 'and': return !!(x && y);
        case 'or': return !!(x || y);
      }
      throw new Error(`formula: unknown operator ${t.op}`);
    }
  }
}
