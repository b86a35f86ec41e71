/**
 * Lists of workers or nodes in a straggler entry: `workers: [5, "56-63"]` or `nodes: [7, "0-3"]`.
 * Items are indices or inclusive ranges written `"lo-hi"`. They are checked against the run's cluster
 * (every index in range, no range reversed, no index listed twice) and normalized to the sorted list of
 * global ranks, so that everything after the schema sees the same `workers` list as before ranges and
 * nodes existed.
 */
import { z } from 'zod';
import { addIssue, field } from './fields.ts';
import { describeValue } from './messages.ts';

/** The node groups of a run, as far as ranks are concerned (read from the raw data, before validation). */
export interface ClusterLayout {
  /** Node groups in order: ranks are numbered group by group, node by node (hardware/cluster.ts). */
  readonly groups: readonly { readonly count: number; readonly gpusPerNode: number }[];
  /** Total workers (GPUs). */
  readonly workers: number;
  /** Total nodes. */
  readonly nodes: number;
}

/** What a list counts: global ranks or global node indices. */
export type RankUnit = 'worker' | 'node';

/** One item of a list: the inclusive range `lo..hi` (`lo === hi` for a single index). */
export interface IndexRange {
  readonly lo: number;
  readonly hi: number;
  /** The item as written, for messages (`"56-63"`, `7`). */
  readonly text: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/**
 * The layout from raw (unvalidated) scenario data, or `undefined` when the node groups cannot be read
 * (the schema reports why). Missing `count` and `gpusPerNode` default to 1, as in the schema.
 */
export function clusterLayout(raw: unknown): ClusterLayout | undefined {
  const nodes = isRecord(raw) && isRecord(raw['cluster']) ? raw['cluster']['nodes'] : undefined;
  if (!Array.isArray(nodes) || nodes.length === 0) return undefined;
  const groups: { count: number; gpusPerNode: number }[] = [];
  for (const g of nodes) {
    if (!isRecord(g)) return undefined;
    const count = g['count'] ?? 1;
    const gpusPerNode = g['gpusPerNode'] ?? 1;
    if (!isCount(count) || !isCount(gpusPerNode)) return undefined;
    groups.push({ count, gpusPerNode });
  }
  return {
    groups,
    workers: groups.reduce((s, g) => s + g.count * g.gpusPerNode, 0),
    nodes: groups.reduce((s, g) => s + g.count, 0),
  };
}

const RANGE = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/;

/** Reads one item: an integer >= 0, or a string `"7"` / `"56-63"`. Returns the range or what is wrong. */
export function parseIndexItem(v: unknown, unit: RankUnit): IndexRange | string {
  const expected = `expected a ${unit === 'worker' ? 'rank' : 'node index'} (an integer >= 0) or a range such as "${unit === 'worker' ? '56-63' : '0-3'}"`;
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= 0 ? { lo: v, hi: v, text: String(v) } : `got ${describeValue(v)}; ${expected}`;
  }
  if (typeof v !== 'string') return `got ${describeValue(v)}; ${expected}`;
  const m = RANGE.exec(v);
  if (m === null) return `got ${describeValue(v)}; ${expected}`;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi < lo) return `got ${describeValue(v)}, a reversed range; write the lower end first: "${hi}-${lo}"`;
  return { lo, hi, text: JSON.stringify(v) };
}

function span(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/**
 * Problems of a list of ranges against `total` indices (unknown: no bound check): out-of-range items
 * and overlaps, each as `[k, message]` for `ranges[k]`; `item(k)` is its position in the list as
 * written (ranges that did not parse are missing from `ranges`). Sorting keeps this O(n log n).
 */
export function rangeProblems(
  ranges: readonly IndexRange[],
  unit: RankUnit,
  total: number | undefined,
  item: (k: number) => number = (k) => k,
): [number, string][] {
  const out: [number, string][] = [];
  const what = unit === 'worker' ? 'workers' : 'nodes';
  ranges.forEach((r, i) => {
    if (total !== undefined && r.hi >= total) {
      out.push([
        i,
        `got ${unit} ${r.hi}${r.lo === r.hi ? '' : ` (in ${r.text})`}; the cluster has ${total} ${what} (${unit === 'worker' ? 'ranks' : 'nodes'} 0..${total - 1})`,
      ]);
    }
  });
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]!.lo - ranges[b]!.lo || a - b);
  let reach = -1; // the item reaching furthest among those that start before the current one
  for (const i of order) {
    const r = ranges[i]!;
    const prev = reach >= 0 ? ranges[reach]! : undefined;
    if (prev !== undefined && r.lo <= prev.hi) {
      const [later, earlier] = i > reach ? [i, reach] : [reach, i];
      const both = span(r.lo, Math.min(r.hi, prev.hi));
      out.push([
        later,
        `got ${ranges[later]!.text}, which overlaps item ${item(earlier)} (${ranges[earlier]!.text}) at ${unit} ${both}; list each ${unit} once`,
      ]);
    }
    if (prev === undefined || r.hi > prev.hi) reach = i;
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * A `workers` or `nodes` list: non-empty, each item an index or range, within the cluster, without
 * repeats, checked against `sctx.layout` (the point's cluster). Returns the ranges (`undefined` when
 * absent or wrong); `ranksOf` turns them into ranks.
 */
export function rangeListField(
  unit: RankUnit,
  sctx: { readonly layout?: ClusterLayout | undefined },
): z.ZodType<IndexRange[] | undefined> {
  return field((v, ctx): IndexRange[] | undefined => {
    if (v === undefined) return undefined;
    // Read per parse, not when the schema is built: one schema serves every sweep point (load.ts).
    const layout = sctx.layout;
    if (!Array.isArray(v) || v.length === 0) {
      addIssue(
        ctx,
        v,
        `got ${describeValue(v)}; expected a non-empty list of ${unit === 'worker' ? 'ranks' : 'node indices'} and ranges, e.g. ${unit === 'worker' ? '[5, "56-63"]' : '[7] or ["0-3"]'}`,
      );
      return undefined;
    }
    // Items that parse are still checked for range and overlap, so one bad item hides nothing else.
    const ranges: IndexRange[] = [];
    const at: number[] = [];
    v.forEach((item: unknown, i) => {
      const r = parseIndexItem(item, unit);
      if (typeof r === 'string') addIssue(ctx, item, r, [i]);
      else {
        ranges.push(r);
        at.push(i);
      }
    });
    const total = layout === undefined ? undefined : unit === 'worker' ? layout.workers : layout.nodes;
    const problems = rangeProblems(ranges, unit, total, (j) => at[j]!);
    for (const [k, message] of problems) addIssue(ctx, v[at[k]!], message, [at[k]!]);
    // Without the cluster's size nothing can be expanded safely ("0-999999999"); the cluster reports why.
    // With problems the run is rejected anyway, so the ranges are not needed.
    return ranges.length < v.length || problems.length > 0 || layout === undefined ? undefined : ranges;
  });
}

/**
 * The global ranks a valid list names, ascending: the ranks themselves, or every GPU of the nodes.
 * @throws RangeError for an index outside the layout (the field has checked it already).
 */
export function ranksOf(ranges: readonly IndexRange[], unit: RankUnit, layout: ClusterLayout): number[] {
  const out: number[] = [];
  for (const r of ranges) {
    for (let k = r.lo; k <= r.hi; k++) {
      if (unit === 'worker') {
        if (k >= layout.workers) throw new RangeError(`worker ${k} is outside the cluster (${layout.workers} workers)`);
        out.push(k);
        continue;
      }
      let node = k;
      let first = 0;
      const group = layout.groups.find((g) => {
        if (node < g.count) return true;
        node -= g.count;
        first += g.count * g.gpusPerNode;
        return false;
      });
      if (group === undefined) throw new RangeError(`node ${k} is outside the cluster (${layout.nodes} nodes)`);
      const base = first + node * group.gpusPerNode;
      for (let l = 0; l < group.gpusPerNode; l++) out.push(base + l);
    }
  }
  return out.sort((a, b) => a - b);
}
