/**
 * Paths inside a scenario, as users write them in `--set` and `sweep` (`training.schedule.kind`,
 * `cluster.nodes[1].nic.bandwidth`, also `cluster.nodes.1.count`) and as messages print them.
 */

/** One step of a path: a mapping key or a list index. */
export type PathSegment = string | number;

const SEGMENT = /^[A-Za-z_$][\w$-]*$/;

/**
 * Splits `a.b[1].c` (or `a.b.1.c`) into `['a', 'b', 1, 'c']`.
 * @throws Error for an empty path, an empty segment or an unclosed bracket.
 */
export function parsePath(text: string): PathSegment[] {
  const out: PathSegment[] = [];
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('empty path');
  for (const part of trimmed.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null || (m[1] === '' && m[2] === ''))
      throw new Error(`cannot read path "${text}"; write keys separated by dots, list items as [0]`);
    if (m[1] !== '') out.push(/^\d+$/.test(m[1]!) ? Number(m[1]) : m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** `['cluster', 'nodes', 1, 'nic']` → `cluster.nodes[1].nic`; odd keys are quoted (`sweep["a.b"]`). */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (typeof seg === 'string' && SEGMENT.test(seg)) s += s === '' ? seg : `.${seg}`;
    else s += `[${JSON.stringify(String(seg))}]`;
  }
  return s;
}

/** Whether `prefix` is a prefix of (or equal to) `path`. */
export function isPrefix(prefix: readonly PropertyKey[], path: readonly PropertyKey[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A deep copy of plain data (what YAML and JSON produce). */
export function cloneData<T>(v: T): T {
  return structuredClone(v);
}

/**
 * Sets `value` at `path` inside `root` (mutating it), creating missing mappings on the way. `null`
 * removes the key, so `--set training.stop.targetAccuracy=null` takes a setting out.
 * @throws Error naming the path when it runs through a scalar, indexes a non-list, or is out of range.
 */
export function setPath(root: Record<string, unknown>, path: readonly PathSegment[], value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    const here = formatPath(path.slice(0, i)) || '(top level)';
    if (Array.isArray(node)) {
      if (typeof seg !== 'number') throw new Error(`${here} is a list; index it with [n], not .${seg}`);
      if (seg >= node.length)
        throw new Error(`${formatPath(path.slice(0, i + 1))} is past the end of ${here} (${node.length} item(s))`);
      if (last) {
        if (value === null) throw new Error(`cannot remove list item ${formatPath(path)}`);
        node[seg] = value;
        return;
      }
      node = node[seg];
    } else if (isRecord(node)) {
      const key = String(seg);
      if (last) {
        if (value === null) delete node[key];
        else node[key] = value;
        return;
      }
      if (node[key] === undefined || node[key] === null) node[key] = {};
      node = node[key];
    } else {
      throw new Error(`cannot set ${formatPath(path)}: ${here} is ${JSON.stringify(node)}, not a mapping or list`);
    }
  }
}
