/**
 * The grammar of scenario formulas (formula.ts): what a formula may name and call, its error type, and
 * the recursive-descent parser that turns a text into a tree, rejecting everything outside the grammar
 * with a message that says what is allowed. Nothing here evaluates.
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
  'abs',
  'ceil',
  'floor',
  'round',
  'min',
  'max',
  'sqrt',
  'cbrt',
  'exp',
  'log',
  'log2',
  'log10',
  'pow',
]);

/** A formula that cannot be used; the message names the formula and what is allowed. */
export class FormulaError extends Error {
  constructor(
    readonly formula: string,
    message: string,
  ) {
    super(message);
    this.name = 'FormulaError';
  }
}

const allowedVars = (): string => FORMULA_VARIABLES.join(', ');

// Precedence, loosest first, as in mathjs: `c ? a : b` (right-associative), `or`, `and`, comparisons
// (one per level: mathjs would chain them), `+ -`, `* / % mod`, unary `- + not`, `^` (right-associative,
// its right operand may start with a unary operator: `2^-1`), then numbers, names, calls, parentheses.

/** A parsed formula. */
export type Tree =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'var'; readonly name: 'workers' | 'nodes' | 'gpusPerNode' }
  | { readonly k: 'op'; readonly op: string; readonly args: readonly Tree[] }
  | { readonly k: 'if'; readonly c: Tree; readonly a: Tree; readonly b: Tree }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Tree[] };

/** Deepest nesting of parentheses, calls, conditionals and unary operators: keeps the recursion of the parser and the evaluator far from the stack's end. */
const MAX_NESTING = 100;

// [min, max] arguments of each function.
const ARITY: Readonly<Record<string, readonly [number, number]>> = {
  abs: [1, 1],
  ceil: [1, 1],
  floor: [1, 1],
  round: [1, 1],
  min: [1, Infinity],
  max: [1, Infinity],
  sqrt: [1, 1],
  cbrt: [1, 1],
  exp: [1, 1],
  log: [1, 2],
  log2: [1, 1],
  log10: [1, 1],
  pow: [2, 2],
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

  constructor(
    private readonly text: string,
    private readonly symbols: Set<string>,
  ) {
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
      this.fail(
        `expected an operator before "${tok.s}" ${this.where()}; write * to multiply (implicit multiplication is not allowed)`,
      );
    }
    this.fail(`unexpected "${tok.s}" ${this.where()}`);
  }

  private checkName(name: string): void {
    if (FOREIGN_WORDS.has(name)) this.fail(`operator "${name}" is not allowed`);
    if (!FORMULA_VARIABLES.includes(name) && !FORMULA_FUNCTIONS.includes(name))
      this.fail(`unknown name "${name}"; a formula may use ${allowedVars()}`);
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
      if (/^[eE][+-]/.test(s.slice(i + m[0].length)))
        this.fail(`malformed number at character ${at}: digits expected after the exponent`);
      this.pos = i + m[0].length;
      return { t: 'num', s: m[0], at };
    }
    m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(rest);
    if (m !== null) {
      this.pos = i + m[0].length;
      return { t: 'name', s: m[0], at };
    }
    if (!rest.startsWith('!='))
      for (const op of FOREIGN_OPERATORS) if (rest.startsWith(op)) this.fail(`operator "${op}" is not allowed`);
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
    return this.logical('or', () => this.and());
  }

  private and(): Tree {
    return this.logical('and', () => this.comparison());
  }

  /** A left-associative chain of the word operator `word` over operands read by `operand`. */
  private logical(word: 'and' | 'or', operand: () => Tree): Tree {
    let tree = operand();
    while (this.isWord(word)) {
      this.next();
      tree = { k: 'op', op: word, args: [tree, operand()] };
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
    return (
      t.t === 'num' ||
      (t.t === 'name' && !['and', 'or', 'mod', 'xor', 'to', 'in'].includes(t.s)) ||
      (t.t === 'op' && ['(', '-', '+'].includes(t.s))
    );
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
      const takes =
        lo === hi
          ? `${lo} argument${lo === 1 ? '' : 's'}`
          : hi === Infinity
            ? `at least ${lo} argument`
            : `${lo} or ${hi} arguments`;
      this.fail(`function "${fn}" takes ${takes}; got ${args.length}`);
    }
    return { k: 'call', fn, args };
  }
}

/**
 * Parses `text` into a tree and adds the shape variables it uses to `symbols`.
 * @throws FormulaError for a syntax error, an unknown name or function, or nesting beyond the limit.
 */
export function parseTree(text: string, symbols: Set<string>): Tree {
  return new Parser(text, symbols).parseAll();
}
