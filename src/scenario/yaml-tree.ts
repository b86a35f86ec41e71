/**
 * Checks a parsed YAML document before it is turned into data, so that what the yaml package would
 * throw (an undefined alias), warn about on stderr (a list used as a key) or build without limit (the
 * "billion laughs": aliases of aliases, or an alias inside its own anchor, which makes circular data)
 * becomes a positioned problem instead. One pass in document order, linear in the nodes: an alias's
 * size is its anchor's, known by then because YAML anchors must come before their aliases.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { MAX_DEPTH, MAX_VALUES } from './limits.ts';

/** A problem at a text offset, with the path of the value it concerns. */
export interface TreeProblem {
  readonly offset: number;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** What the check found: problems, and the size of the tree with aliases expanded. */
export interface TreeCheck {
  readonly problems: TreeProblem[];
  /** Values (scalars, lists, mappings) in the expanded tree; capped just above `MAX_VALUES`. */
  readonly values: number;
}

interface AnchorInfo {
  /** Still being walked: an alias to it is inside it (a cycle). */
  open: boolean;
  size: number;
  height: number;
}

interface Walked {
  readonly size: number;
  readonly height: number;
}

const startOf = (n: unknown): number => (n as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;

/**
 * Checks `doc`'s tree: every alias defined before it and outside its own anchor, scalar keys only,
 * at most `MAX_DEPTH` levels and `MAX_VALUES` values once aliases are expanded. Stops at the first
 * size problem (the rest of the tree could be just as large).
 */
export function checkYamlTree(doc: Document): TreeCheck {
  const problems: TreeProblem[] = [];
  const anchors = new Map<string, AnchorInfo>();
  let total = 0;
  let stopped = false;

  // The path of the node being walked (keys and list indices), for messages.
  const path: PropertyKey[] = [];
  const problem = (at: unknown, message: string): void => {
    problems.push({ offset: startOf(at), path: [...path], message });
  };

  const walk = (node: unknown, depth: number): Walked => {
    if (stopped || node === null || node === undefined) return { size: 0, height: 0 };
    if (isAlias(node)) {
      const a = anchors.get(node.source);
      if (a === undefined) {
        problem(
          node,
          `undefined alias *${node.source}; an alias must follow an anchor &${node.source} defined earlier in the file`,
        );
        return { size: 0, height: 0 };
      }
      if (a.open) {
        problem(
          node,
          `alias *${node.source} lies inside its own anchor &${node.source}, which would make the value contain itself`,
        );
        return { size: 0, height: 0 };
      }
      return visited(node, a.size, a.height, depth);
    }
    const n = node as YamlNode;
    const anchor = typeof n.anchor === 'string' && n.anchor !== '' ? n.anchor : undefined;
    const info: AnchorInfo = { open: true, size: 0, height: 0 };
    // The anchor is visible to aliases inside the node too (that is the cycle case above).
    if (anchor !== undefined) anchors.set(anchor, info);
    let size = 1;
    let height = 0;
    if (isMap(n) || isSeq(n)) {
      if (depth >= MAX_DEPTH) {
        problem(n, `lists and mappings nest deeper than ${MAX_DEPTH} levels; a scenario needs far fewer`);
        stopped = true;
        return { size: 1, height: 0 };
      }
      total += 1;
      (n.items as unknown[]).forEach((item, i) => {
        if (stopped) return;
        let v: Walked;
        if (isPair(item)) {
          const key = item.key as unknown;
          if (key !== null && key !== undefined && !isScalar(key)) {
            problem(key, 'a mapping key must be a plain name (a string or number), not a list, mapping or alias');
          } else if (key !== null && key !== undefined) {
            total += 1;
            size += 1;
          }
          path.push(isScalar(key) ? String(key.value) : i);
          v = walk(item.value, depth + 1);
        } else {
          path.push(i);
          v = walk(item, depth + 1);
        }
        size += v.size;
        height = Math.max(height, v.height);
        if (total > MAX_VALUES) stop(item);
        path.pop();
      });
      height += 1;
    } else {
      total += 1;
      if (total > MAX_VALUES) stop(n);
    }
    info.open = false;
    info.size = size;
    info.height = height;
    return { size, height };
  };

  // An alias repeats its anchor's whole value: count it as the validator will see it.
  const visited = (node: YamlNode, size: number, height: number, depth: number): Walked => {
    total += size;
    if (depth + height > MAX_DEPTH) {
      problem(
        node,
        `alias *${String((node as { source?: string }).source)} nests its value deeper than ${MAX_DEPTH} levels`,
      );
      stopped = true;
    } else if (total > MAX_VALUES) stop(node);
    return { size, height };
  };

  const stop = (at: unknown): void => {
    if (stopped) return;
    stopped = true;
    problem(
      isPair(at) ? at.value : at,
      `the file holds more than ${MAX_VALUES} values once aliases are expanded (each *alias repeats its anchor's whole value); write it out with fewer values or aliases`,
    );
  };

  walk(doc.contents, 0);
  return { problems, values: Math.min(total, MAX_VALUES + 1) };
}

/**
 * The path of the first value that starts at or after `offset` (in document order): the value a tag
 * written at `offset` belongs to. `[]` when none does.
 */
export function pathAtOffset(doc: Document, offset: number): PropertyKey[] {
  const path: PropertyKey[] = [];
  const find = (node: unknown): boolean => {
    if (node === null || node === undefined) return false;
    if (startOf(node) >= offset) return true;
    if (!isMap(node) && !isSeq(node)) return false;
    const items = node.items as unknown[];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      path.push(isPair(item) ? (isScalar(item.key) ? String(item.key.value) : i) : i);
      if (isPair(item) ? (item.key !== null && startOf(item.key) >= offset) || find(item.value) : find(item))
        return true;
      path.pop();
    }
    return false;
  };
  return find(doc.contents) ? path : [];
}
