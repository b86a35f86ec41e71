/**
 * Sweeps: `sweep: { <path>: [v1, v2, ...], ... }` runs the cartesian product of the lists, in key order
 * (the first key varies slowest, like nested loops). `zip: { <path>: [...], <path>: [...] }` inside the
 * block pairs lists of equal length instead: item i of each list goes together, and the whole zip is
 * one dimension of the grid, at the place of its key (so `{ a: [1, 2], zip: { b: [x, y], c: [u, v] } }`
 * runs 4 points). `zip` is no scenario key, so the name is never ambiguous. Each value replaces whatever sits at its path, so
 * it may be a scalar (`training.schedule.kind: [sync-allreduce, async-ps]`) or a whole mapping
 * (`training.schedule: [{ kind: sync-allreduce }, { kind: async-ps, shards: 2 }]`). Every point is then
 * validated as a scenario of its own.
 *
 * A value may name itself: a mapping value's `label` key (`{ kind: async-ps, shards: 2, label: async }`)
 * is taken out before the value is used, and any value can be written `{ value: <v>, label: <text> }`
 * (for scalars and lists). No scenario key is called `label`, so the key is never ambiguous. Points
 * without one get a short label made from what differs (sweep-labels.ts).
 *
 * `random: { samples, seed, space }` draws samples of a search space (sweep-random.ts); they form one
 * dimension at the place of the `random` key, like a zip.
 */
import { describeValue } from './messages.ts';
import { formatPath, isPrefix, parsePath } from './paths.ts';
import type { PathSegment } from './paths.ts';
import { LABEL_MAX, pointLabels } from './sweep-labels.ts';
import { RANDOM_KEY, readRandom } from './sweep-random.ts';
import type { RandomContext } from './sweep-random.ts';

/** One swept path and its values. */
export interface SweepAxis {
  /** The key as written (`training.schedule.kind`). */
  readonly key: string;
  readonly path: readonly PathSegment[];
  /** Where the list sits in the file: `['sweep', key]`, or `['sweep', 'zip', key]` for a zipped list. */
  readonly source: readonly (string | number)[];
  /** Axes of one group move together (the lists of one `zip`); every other axis is a group of its own. */
  readonly group: number;
  /** The values, without their labels. */
  readonly values: readonly unknown[];
  /** The label each value was given, if any. */
  readonly labels: readonly (string | undefined)[];
  /** Whether each value was written `{ value, label }` (its text then sits under `value`). */
  readonly wrapped: readonly boolean[];
  /** Drawn by `random:` (sweep-random.ts): the values are not in the file, so issues point at the path's key. */
  readonly sampled?: boolean;
  /** Label text of each value where `compactValue` would be too long (sampled reals, rounded). */
  readonly texts?: readonly string[];
}

/** One point of the grid: for each axis, the index of its value. */
export interface SweepPoint {
  /** Short and unique, at most `LABEL_MAX` characters: `async-ps(shards=2), batchSize=64`, or the values' own labels. */
  readonly label: string;
  readonly indices: readonly number[];
}

/** A problem with the sweep block: the path (below the top level) and what is wrong. */
export interface SweepProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A sweep value split into the value itself and its label (or what is wrong with the label). */
interface SplitValue {
  readonly value: unknown;
  readonly label?: string;
  readonly wrapped: boolean;
  readonly problem?: string;
}

// Control characters would break the table, CSV readers and terminals.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A sweep value split into itself and its `label` (sweep.ts file comment). */
export function splitLabel(v: unknown): SplitValue {
  if (!isRecord(v) || !Object.hasOwn(v, 'label')) return { value: v, wrapped: false };
  const { label, ...rest } = v;
  const keys = Object.keys(rest);
  const wrapped = keys.length === 1 && keys[0] === 'value';
  const value = wrapped ? rest['value'] : rest;
  const text = typeof label === 'number' && Number.isFinite(label) ? String(label) : label;
  if (typeof text !== 'string' || text.trim() === '' || text.length > LABEL_MAX || CONTROL.test(text)) {
    return {
      value,
      wrapped,
      problem: `got ${describeValue(label)}; expected a label of 1 to ${LABEL_MAX} printable characters, e.g. label: sync`,
    };
  }
  return { value, label: text.trim(), wrapped };
}

/** The key under `sweep:` whose mapping of lists is zipped (sweep.ts file comment). */
export const ZIP_KEY = 'zip';

/**
 * Reads and checks the `sweep` block: a mapping from paths to non-empty lists of distinct values, no key
 * inside another, none inside `sweep` itself, none also set by `--set` (`fixed`). A `zip:` mapping
 * inside holds lists of equal length that move together (one group).
 */
export function readSweep(
  sweep: unknown,
  fixed: readonly (readonly PathSegment[])[],
): { axes: SweepAxis[]; problems: SweepProblem[] } {
  const axes: SweepAxis[] = [];
  const problems: SweepProblem[] = [];
  if (sweep === undefined || sweep === null) return { axes, problems };
  if (!isRecord(sweep)) {
    problems.push({
      path: ['sweep'],
      message: `got ${describeValue(sweep)}; expected a mapping from paths (training.schedule.kind) to lists of values`,
    });
    return { axes, problems };
  }
  let group = 0;
  for (const [key, values] of Object.entries(sweep)) {
    if (key === ZIP_KEY) {
      readZip(values, fixed, group++, axes, problems);
      continue;
    }
    if (key === RANDOM_KEY) {
      const checkPath: RandomContext['checkPath'] = (k, at, taken) => {
        const path = parseKey(k, at, problems);
        return path !== undefined && freePath(k, path, at, fixed, [...axes, ...taken], problems) ? path : undefined;
      };
      readRandom(values, group++, { checkPath, splitLabel }, axes, problems);
      continue;
    }
    const axis = readAxis(key, values, ['sweep', key], fixed, axes, problems, group++, false);
    if (axis !== undefined) axes.push(axis);
  }
  return { axes, problems };
}

/** Reads `sweep.zip`: a mapping from paths to lists, all of one length, item i of each going together. */
function readZip(
  zip: unknown,
  fixed: readonly (readonly PathSegment[])[],
  group: number,
  axes: SweepAxis[],
  problems: SweepProblem[],
): void {
  const at = ['sweep', ZIP_KEY];
  if (!isRecord(zip) || Object.keys(zip).length === 0) {
    problems.push({
      path: at,
      message: `got ${describeValue(zip)}; expected a mapping from paths to lists of equal length, e.g. zip: { training.lr.lr: [0.1, 0.2], workload.batchSize: [32, 64] }`,
    });
    return;
  }
  const members: SweepAxis[] = [];
  for (const [key, values] of Object.entries(zip)) {
    const axis = readAxis(key, values, [...at, key], fixed, [...axes, ...members], problems, group, true);
    if (axis !== undefined) members.push(axis);
  }
  const lengths = members.map((m) => m.values.length);
  if (new Set(lengths).size > 1) {
    const list = members.map((m) => `${m.key}: ${String(m.values.length)}`).join(', ');
    problems.push({
      path: at,
      message: `the zipped lists have different lengths (${list}); zip pairs item i of every list, so give each list the same number of values`,
    });
    return;
  }
  // Equal items in one zipped list are fine (the tuples differ); equal tuples would run one point twice.
  const seen = new Map<string, number>();
  for (let i = 0; i < (lengths[0] ?? 0); i++) {
    const k = JSON.stringify(members.map((m) => m.values[i]));
    const first = seen.get(k);
    if (first !== undefined)
      problems.push({
        path: at,
        message: `item ${String(i)} of the zipped lists repeats item ${String(first)}; each point would run twice`,
      });
    else seen.set(k, i);
  }
  axes.push(...members);
}

/** Parses a swept key as a path that lies neither in `sweep` nor in `repeats`; undefined after reporting. */
function parseKey(key: string, at: readonly (string | number)[], problems: SweepProblem[]): PathSegment[] | undefined {
  let path: PathSegment[];
  try {
    path = parsePath(key);
  } catch (err) {
    problems.push({ path: at, message: (err as Error).message });
    return undefined;
  }
  if (path[0] === 'sweep') {
    problems.push({ path: at, message: 'a sweep cannot sweep itself' });
    return undefined;
  }
  if (path[0] === 'repeats') {
    // Repeats multiply every point alike (repeats.ts); a per-point count would give configurations unequal weight.
    problems.push({ path: at, message: 'repeats cannot be swept; set repeats: K at the top level for every point' });
    return undefined;
  }
  return path;
}

/** Checks that `path` overlaps no other swept key and is not set by `--set`; false after reporting. */
function freePath(
  key: string,
  path: readonly PathSegment[],
  at: readonly (string | number)[],
  fixed: readonly (readonly PathSegment[])[],
  axes: readonly Pick<SweepAxis, 'key' | 'path'>[],
  problems: SweepProblem[],
): boolean {
  const clash = axes.find((a) => isPrefix(a.path, path) || isPrefix(path, a.path));
  if (clash !== undefined) {
    problems.push({ path: at, message: `overlaps sweep key "${clash.key}"; one path may not lie inside another` });
    return false;
  }
  const set = fixed.find((f) => isPrefix(f, path) || isPrefix(path, f));
  if (set !== undefined) {
    problems.push({
      path: at,
      message: `--set ${formatPath(set)} also sets this path; change the sweep (--set sweep.${key}=[...]) instead`,
    });
    return false;
  }
  return true;
}

/** Reads one swept path and its list (a grid axis, or one list of a zip); undefined when it is wrong. */
function readAxis(
  key: string,
  values: unknown,
  at: readonly (string | number)[],
  fixed: readonly (readonly PathSegment[])[],
  axes: readonly SweepAxis[],
  problems: SweepProblem[],
  group: number,
  zipped: boolean,
): SweepAxis | undefined {
  const path = parseKey(key, at, problems);
  if (path === undefined) return undefined;
  if (!Array.isArray(values) || values.length === 0) {
    problems.push({
      path: at,
      message: `got ${describeValue(values)}; expected a non-empty list of values, e.g. [sync-allreduce, async-ps]`,
    });
    return undefined;
  }
  const split = values.map(splitLabel);
  const seen = new Map<string, number>();
  const named = new Map<string, number>();
  split.forEach((v, i) => {
    if (v.problem !== undefined) problems.push({ path: [...at, i, 'label'], message: v.problem });
    const k = JSON.stringify(v.value);
    const first = seen.get(k);
    if (first !== undefined && !zipped)
      problems.push({
        path: [...at, i],
        message: `${describeValue(v.value)} repeats item ${first}; each point would run twice`,
      });
    else if (first === undefined) seen.set(k, i);
    if (v.label === undefined) return;
    const same = named.get(v.label);
    if (same !== undefined)
      problems.push({
        path: [...at, i, 'label'],
        message: `label ${JSON.stringify(v.label)} repeats item ${same}'s; each point needs its own label`,
      });
    else named.set(v.label, i);
  });
  if (!freePath(key, path, at, fixed, axes, problems)) return undefined;
  return {
    key,
    path,
    source: at,
    group,
    values: split.map((v) => v.value),
    labels: split.map((v) => v.label),
    wrapped: split.map((v) => v.wrapped),
  };
}

/** The grid's dimensions: one per group (a plain axis, or all lists of one zip), in key order, with its length. */
export function sweepGroups(axes: readonly SweepAxis[]): { members: number[]; length: number }[] {
  const out = new Map<number, { members: number[]; length: number }>();
  axes.forEach((a, k) => {
    const g = out.get(a.group);
    if (g === undefined) out.set(a.group, { members: [k], length: a.values.length });
    else g.members.push(k);
  });
  return [...out.values()];
}

/** The grid's points in order, the first axis varying slowest, each with its short, unique label. */
export function sweepPoints(axes: readonly SweepAxis[]): SweepPoint[] {
  if (axes.length === 0) return [{ label: '', indices: [] }];
  const groups = sweepGroups(axes);
  const grid: number[][] = [];
  const idx = groups.map(() => 0);
  for (;;) {
    // Every list of a group takes the group's index: zipped lists move together.
    const point = axes.map(() => 0);
    groups.forEach((g, d) => g.members.forEach((k) => (point[k] = idx[d]!)));
    grid.push(point);
    let d = groups.length - 1;
    while (d >= 0 && ++idx[d]! === groups[d]!.length) idx[d--] = 0;
    if (d < 0) break;
  }
  const labels = pointLabels(axes, grid);
  return grid.map((indices, p) => ({ label: labels[p]!, indices }));
}
