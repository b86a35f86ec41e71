/**
 * Reading a scenario's text: YAML (or JSON, by extension) into plain data, keeping the yaml Document so
 * that a path inside the data (`cluster.nodes[1].nic.bandwidth`) can be mapped back to a line and
 * column. Syntax errors and duplicate keys are reported with their positions. JSON is checked with
 * `JSON.parse` first, so a file named .json is real JSON (no comments, no trailing commas), and then
 * read through yaml for positions and duplicate keys, which `JSON.parse` silently accepts.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { ScenarioIssue } from './errors.ts';
import { jsonSyntaxError } from './json-position.ts';
import type { PathSegment } from './paths.ts';

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed scenario text: its data and a way to find where any path sits in the text. */
export interface SourceText {
  readonly file: string;
  readonly data: unknown;
  /** Position of the node at `path` below `from` (default the document root); with `key`, of the key itself. */
  locate(path: readonly PropertyKey[], opts?: { readonly from?: YamlNode | null; readonly key?: boolean }): Position | undefined;
  /** The yaml node at `path` (exactly), for locating inside sweep values. */
  nodeAt(path: readonly PathSegment[]): YamlNode | undefined;
}

/** The data, or the syntax problems. */
export type ParsedText = { readonly ok: true; readonly source: SourceText } | { readonly ok: false; readonly issues: ScenarioIssue[] };

function keyOf(k: unknown): unknown {
  return isScalar(k) ? k.value : k;
}

/** Walks `path` from `root`; returns the deepest node reached and, when the last step was a mapping key, that key node. */
function walk(root: YamlNode | null | undefined, path: readonly PropertyKey[]): { node: YamlNode | null | undefined; key?: YamlNode; complete: boolean } {
  let node = root;
  let key: YamlNode | undefined;
  for (const seg of path) {
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

function makeSource(file: string, doc: Document, lines: LineCounter): SourceText {
  const pos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return {
    file,
    data: doc.toJS({ maxAliasCount: 1000 }),
    locate(path, opts = {}) {
      const from = opts.from === undefined ? (doc.contents as YamlNode | null) : opts.from;
      const w = walk(from, path);
      const target = opts.key === true && w.complete && w.key !== undefined ? w.key : w.node;
      const range = (target as { range?: [number, number, number] } | null | undefined)?.range;
      return range === undefined ? undefined : pos(range[0]);
    },
    nodeAt(path) {
      const w = walk(doc.contents as YamlNode | null, path);
      return w.complete && w.node !== null ? w.node : undefined;
    },
  };
}

function lineCol(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * Parses `text` as YAML 1.2 (or JSON when `file` ends in .json) with unique keys.
 * @returns the data and its locator, or every syntax problem with its position.
 */
export function parseText(text: string, file: string): ParsedText {
  const issues: ScenarioIssue[] = [];
  if (/\.json$/i.test(file)) {
    try {
      JSON.parse(text);
    } catch (err) {
      // JSON.parse says what it saw; the scanner says where, and what was expected there.
      const seen = (err instanceof Error ? err.message : String(err)).replace(/ in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*is not valid JSON$/s, '');
      const at = jsonSyntaxError(text);
      const where = at === undefined ? {} : lineCol(text, at.offset);
      issues.push({ file, ...where, path: '', message: `invalid JSON: ${seen}${at === undefined ? '' : `; expected ${at.expected}`}` });
      return { ok: false, issues };
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  for (const e of doc.errors) {
    const p = lines.linePos(e.pos[0]);
    // yaml points at the duplicate key's first character; the key runs to its ':' (or a quote's end).
    const keyText = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:,{}\n]+)/.exec(text.slice(e.pos[0]))?.[1]?.trim();
    const dup = e.code === 'DUPLICATE_KEY' ? `duplicate key ${keyText?.startsWith('"') === true ? keyText : JSON.stringify(keyText ?? '')}; each key may appear once in a mapping` : undefined;
    issues.push({ file, line: p.line, column: p.col, path: '', message: dup ?? `YAML syntax error: ${e.message}` });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, source: makeSource(file, doc, lines) };
}
