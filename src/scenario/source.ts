/**
 * Reading a scenario's text: YAML (or JSON, by extension) into plain data, keeping the yaml Document so
 * that a path inside the data (`cluster.nodes[1].nic.bandwidth`) can be mapped back to a line and
 * column. Syntax errors and duplicate keys are reported with their positions. JSON is checked with
 * `JSON.parse` first, so a file named .json is real JSON (no comments, no trailing commas), and then
 * read through yaml for positions and duplicate keys, which `JSON.parse` silently accepts.
 *
 * Everything the yaml package would throw, print or build without bound becomes a positioned issue:
 * tags other than YAML's core ones (`!!python/object`, `!foo`, `!!binary`) are rejected rather than
 * ignored, and aliases are checked by `checkYamlTree` before the data is built. `--set` values go
 * through the same rules (`parseValueText`).
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, DocumentOptions, Node as YamlNode, ParseOptions, SchemaOptions } from 'yaml';
import type { ScenarioIssue } from './errors.ts';
import { jsonSyntaxError } from './json-position.ts';
import { MAX_DEPTH, MAX_SCENARIO_BYTES } from './limits.ts';
import { formatPath } from './paths.ts';
import type { PathSegment } from './paths.ts';
import { describeBytes } from './read-file.ts';
import { checkYamlTree, pathAtOffset } from './yaml-tree.ts';

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed scenario text: its data and a way to find where any path sits in the text. */
export interface SourceText {
  readonly file: string;
  readonly data: unknown;
  /** Values in the data (scalars, lists, mappings; aliases expanded): what validating it walks. */
  readonly values: number;
  /** Position of the node at `path` below `from` (default the document root); with `key`, of the key itself. */
  locate(
    path: readonly PropertyKey[],
    opts?: { readonly from?: YamlNode | null; readonly key?: boolean },
  ): Position | undefined;
  /** The yaml node at `path` (exactly), for locating inside sweep values. */
  nodeAt(path: readonly PathSegment[]): YamlNode | undefined;
}

/** The data, or the syntax problems. */
export type ParsedText =
  { readonly ok: true; readonly source: SourceText } | { readonly ok: false; readonly issues: ScenarioIssue[] };

function keyOf(k: unknown): unknown {
  return isScalar(k) ? k.value : k;
}

/**
 * Walks `path` from `root`; returns the deepest node reached and, when the last step was a mapping key,
 * that key node. An alias (`*a`) is followed to its anchor's node, so a value that came from an alias
 * is located where it is written.
 */
function walk(
  root: YamlNode | null | undefined,
  path: readonly PropertyKey[],
  doc: Document,
): { node: YamlNode | null | undefined; key?: YamlNode; complete: boolean } {
  const deref = (n: YamlNode | null | undefined): YamlNode | null | undefined =>
    isAlias(n) ? ((n.resolve(doc) as YamlNode | undefined) ?? n) : n;
  let node = deref(root);
  let key: YamlNode | undefined;
  for (const seg of path) {
    node = deref(node);
    if (isMap(node)) {
      const pair = node.items.find((p) => String(keyOf(p.key)) === String(seg));
      if (pair === undefined) return { node, complete: false };
      key = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? (pair.key as YamlNode) : undefined;
      // A key with no value (`nic:`) has a null value node; its key still has a position.
      node = (pair.value as YamlNode | null) ?? key;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      key = undefined;
      node = node.items[seg] as YamlNode | null;
    } else {
      return { node, complete: false };
    }
  }
  return key === undefined ? { node, complete: true } : { node, key, complete: true };
}

function makeSource(file: string, doc: Document, lines: LineCounter, data: unknown, values: number): SourceText {
  const pos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return {
    file,
    data,
    values,
    locate(path, opts = {}) {
      const from = opts.from === undefined ? (doc.contents as YamlNode | null) : opts.from;
      const w = walk(from, path, doc);
      const target = opts.key === true && w.complete && w.key !== undefined ? w.key : w.node;
      const range = (target as { range?: [number, number, number] } | null | undefined)?.range;
      return range === undefined ? undefined : pos(range[0]);
    },
    nodeAt(path) {
      const w = walk(doc.contents as YamlNode | null, path, doc);
      return w.complete && w.node !== null ? w.node : undefined;
    },
  };
}

function lineCol(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * Parser options: unique keys, strict, and only the core schema's tags resolved (`resolveKnownTags:
 * false` turns `!!binary`, `!!set`, `!!timestamp` into unresolved tags, reported like `!foo`); yaml
 * never logs (a list used as a key is reported by `checkYamlTree` instead of printed).
 */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  uniqueKeys: true,
  prettyErrors: false,
  strict: true,
  resolveKnownTags: false,
  logLevel: 'silent',
};

interface Read {
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly problems: { readonly offset: number; readonly path?: readonly PropertyKey[]; readonly message: string }[];
  readonly data?: unknown;
  readonly values: number;
}

// YAML's core tags: allowed where they fit the value (`!!str 42`); yaml reports them only when they do not.
const CORE_TAGS = new Set(['!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq']);

/** `!!python/object:os.system`, `!foo`: the tag as the text wrote it. */
function tagMessage(text: string, pos: readonly [number, number]): string {
  const written = text.slice(pos[0], pos[1]).trim() || 'this tag';
  if (CORE_TAGS.has(written)) return `tag ${written} does not fit this value; write the value plainly, without a tag`;
  return `tag ${written} is not allowed; scenario files take plain YAML values (strings, numbers, true/false, null, lists, mappings) with no tags`;
}

/** yaml's own words for a syntax error, with its stack overflow on very deep nesting made plain. */
function syntaxMessage(message: string): string {
  if (/Maximum call stack size exceeded/.test(message))
    return `lists and mappings nest too deeply (at most ${MAX_DEPTH} levels)`;
  return `YAML syntax error: ${message}`;
}

/** Parses YAML text to data, collecting every problem with its offset; no exception escapes. */
function readYaml(text: string): Read {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
  const problems: { offset: number; path?: readonly PropertyKey[]; message: string }[] = [];
  for (const e of doc.errors) {
    // yaml points at the duplicate key's first character; the key runs to its ':' (or a quote's end).
    const keyText = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:,{}\n]+)/.exec(text.slice(e.pos[0]))?.[1]?.trim();
    const dup =
      e.code === 'DUPLICATE_KEY'
        ? `duplicate key ${keyText?.startsWith('"') === true ? keyText : JSON.stringify(keyText ?? '')}; each key may appear once in a mapping`
        : undefined;
    problems.push({ offset: e.pos[0], message: dup ?? syntaxMessage(e.message) });
  }
  for (const w of doc.warnings) {
    const tag = w.code === 'TAG_RESOLVE_FAILED';
    problems.push({
      offset: w.pos[0],
      ...(tag ? { path: pathAtOffset(doc, w.pos[1]) } : {}),
      message: tag ? tagMessage(text, w.pos) : `YAML: ${w.message}`,
    });
  }
  if (problems.length > 0) return { doc, lines, problems, values: 0 };
  const tree = checkYamlTree(doc);
  if (tree.problems.length > 0) return { doc, lines, problems: tree.problems, values: tree.values };
  try {
    // The tree check bounded aliases; yaml's own alias counter is quadratic in the aliases, so it is off.
    return { doc, lines, problems, data: doc.toJS({ maxAliasCount: -1 }), values: tree.values };
  } catch (err) {
    problems.push({ offset: 0, message: `cannot read the YAML: ${err instanceof Error ? err.message : String(err)}` });
    return { doc, lines, problems, values: tree.values };
  }
}

/** `the text is 52,428,800 bytes; ...` when `text` is over the scenario size limit. */
export function oversizeMessage(bytes: number, what: string): string {
  return `${what} is ${bytes} bytes; at most ${describeBytes(MAX_SCENARIO_BYTES)} are read`;
}

/**
 * Reads a `--set` value as YAML under the same rules as a file (no tags, defined aliases, bounded size).
 * @returns the value, or a one-line message saying what is wrong.
 */
export function parseValueText(
  text: string,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SCENARIO_BYTES) return { ok: false, message: oversizeMessage(bytes, 'the value') };
  const r = readYaml(text);
  if (r.problems.length > 0) {
    const p = r.problems[0]!;
    // yaml's message may end with "at line 1, column 2:" and a snippet; the value is one line anyway.
    const message = p.message
      .replace(/^YAML syntax error: /, '')
      .split('\n')[0]!
      .replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, message: `cannot read the value as YAML: ${message}` };
  }
  return { ok: true, value: r.data };
}

/**
 * Parses `text` as YAML 1.2 (or JSON when `file` ends in .json) with unique keys, no tags and bounded
 * aliases, nesting and size.
 * @returns the data and its locator, or every problem with its position.
 */
export function parseText(text: string, file: string): ParsedText {
  const issues: ScenarioIssue[] = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SCENARIO_BYTES)
    return { ok: false, issues: [{ file, path: '', message: oversizeMessage(bytes, 'the scenario') }] };
  if (/\.json$/i.test(file)) {
    try {
      JSON.parse(text);
    } catch (err) {
      // JSON.parse says what it saw; the scanner says where, and what was expected there.
      const seen = (err instanceof Error ? err.message : String(err))
        .replace(/ in JSON at position \d+.*$/s, '')
        .replace(/, (?:\.\.\.)?".*is not valid JSON$/s, '');
      const at = jsonSyntaxError(text);
      const where = at === undefined ? {} : lineCol(text, at.offset);
      issues.push({
        file,
        ...where,
        path: '',
        message: `invalid JSON: ${seen}${at === undefined ? '' : `; expected ${at.expected}`}`,
      });
      return { ok: false, issues };
    }
  }
  const r = readYaml(text);
  for (const p of r.problems) {
    const at = r.lines.linePos(p.offset);
    issues.push({ file, line: at.line, column: at.col, path: formatPath(p.path ?? []), message: p.message });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, source: makeSource(file, r.doc, r.lines, r.data, r.values) };
}
