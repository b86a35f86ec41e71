/**
 * Sweeps: `sweep: { <path>: [v1, v2, ...], ... }` runs the cartesian product of the lists, in key order
 * (the first key varies slowest, like nested loops). Each value replaces whatever sits at its path, so
 * it may be a scalar (`training.schedule.kind: [sync-allreduce, async-ps]`) or a whole mapping
 * (`training.schedule: [{ kind: sync-allreduce }, { kind: async-ps, shards: 2 }]`). Every point is then
 * validated as a scenario of its own.
 */
import { describeValue } from './messages.ts';
import { formatPath, isPrefix, parsePath } from './paths.ts';
import type { PathSegment } from './paths.ts';

/** One swept path and its values. */
export interface SweepAxis {
  /** The key as written (`training.schedule.kind`). */
  readonly key: string;
  readonly path: readonly PathSegment[];
  readonly values: readonly unknown[];
}

/** One point of the grid: for each axis, the index of its value. */
export interface SweepPoint {
  /** `training.schedule.kind=async-ps, workload.batchSize=64`. */
  readonly label: string;
  readonly indices: readonly number[];
}

/** A problem with the sweep block: the path (below the top level) and what is wrong. */
export interface SweepProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads and checks the `sweep` block: a mapping from paths to non-empty lists of distinct values, no key
 * inside another, none inside `sweep` itself, none also set by `--set` (`fixed`).
 */
export function readSweep(sweep: unknown, fixed: readonly (readonly PathSegment[])[]): { axes: SweepAxis[]; problems: SweepProblem[] } {
  const axes: SweepAxis[] = [];
  const problems: SweepProblem[] = [];
  if (sweep === undefined || sweep === null) return { axes, problems };
  if (!isRecord(sweep)) {
    problems.push({ path: ['sweep'], message: `got ${describeValue(sweep)}; expected a mapping from paths (training.schedule.kind) to lists of values` });
    return { axes, problems };
  }
  for (const [key, values] of Object.entries(sweep)) {
    const at = ['sweep', key];
    let path: PathSegment[];
    try {
      path = parsePath(key);
    } catch (err) {
      problems.push({ path: at, message: (err as Error).message });
      continue;
    }
    if (path[0] === 'sweep') {
      problems.push({ path: at, message: 'a sweep cannot sweep itself' });
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      problems.push({ path: at, message: `got ${describeValue(values)}; expected a non-empty list of values, e.g. [sync-allreduce, async-ps]` });
      continue;
    }
    const seen = new Map<string, number>();
    values.forEach((v, i) => {
      const k = JSON.stringify(v);
      const first = seen.get(k);
      if (first !== undefined) problems.push({ path: [...at, i], message: `${describeValue(v)} repeats item ${first}; each point would run twice` });
      else seen.set(k, i);
    });
    const clash = axes.find((a) => isPrefix(a.path, path) || isPrefix(path, a.path));
    if (clash !== undefined) {
      problems.push({ path: at, message: `overlaps sweep key "${clash.key}"; one path may not lie inside another` });
      continue;
    }
    const set = fixed.find((f) => isPrefix(f, path) || isPrefix(path, f));
    if (set !== undefined) {
      problems.push({ path: at, message: `--set ${formatPath(set)} also sets this path; change the sweep (--set sweep.${key}=[...]) instead` });
      continue;
    }
    axes.push({ key, path, values });
  }
  return { axes, problems };
}

/** A short label for a swept value: scalars as written, `async-ps(shards=2)` for kinded mappings. */
export function valueLabel(v: unknown): string {
  if (isRecord(v)) {
    const { kind, ...rest } = v;
    const inner = Object.entries(rest).map(([k, x]) => `${k}=${valueLabel(x)}`).join(',');
    if (typeof kind === 'string') return inner === '' ? kind : `${kind}(${inner})`;
    return `{${inner}}`;
  }
  if (Array.isArray(v)) return `[${v.map(valueLabel).join(',')}]`;
  return String(v);
}

/**
 * The grid's points in order: the first axis varies slowest. Labels are unique (a `#n` suffix
 * separates values whose labels coincide).
 */
export function sweepPoints(axes: readonly SweepAxis[]): SweepPoint[] {
  if (axes.length === 0) return [{ label: '', indices: [] }];
  const labels = axes.map((a) => {
    const raw = a.values.map(valueLabel);
    return raw.map((l, i) => (raw.indexOf(l) !== raw.lastIndexOf(l) ? `${l}#${i}` : l));
  });
  const points: SweepPoint[] = [];
  const idx = axes.map(() => 0);
  for (;;) {
    points.push({ label: axes.map((a, k) => `${a.key}=${labels[k]![idx[k]!]!}`).join(', '), indices: [...idx] });
    let k = axes.length - 1;
    while (k >= 0 && ++idx[k]! === axes[k]!.values.length) idx[k--] = 0;
    if (k < 0) return points;
  }
}
