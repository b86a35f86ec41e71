/**
 * How big a sweep may get, checked before a single point is expanded: the number of points (the
 * product of the value lists' lengths, so a 10^6-point grid is rejected at once), the values validated
 * over all points, and the GPUs of the distinct clusters the points build. Each bound keeps
 * validation within its time and memory budget (limits.ts).
 */
import { DEFAULT_MAX_RUNS, MAX_SWEEP_GPUS, MAX_SWEEP_VALUES } from './limits.ts';
import { cloneData, isPrefix, setPath } from './paths.ts';
import { clusterShape } from './schema.ts';
import { sweepGroups } from './sweep.ts';
import type { SweepAxis } from './sweep.ts';

/** Points of the grid: the product of the axes' lengths (1 without axes). */
export function sweepSize(axes: readonly SweepAxis[]): number {
  return sweepGroups(axes).reduce((n, g) => n * g.length, 1);
}

/** The value-budget of a load: `MAX_SWEEP_VALUES`, raised in proportion when `--max-runs` is above the default. */
export function sweepValueBudget(maxRuns: number): number {
  return Math.round(MAX_SWEEP_VALUES * Math.max(1, maxRuns / DEFAULT_MAX_RUNS));
}

/**
 * GPUs summed over the distinct clusters of the sweep's points (a cluster is `cluster.nodes` with
 * `cluster.network`, after the point's values are set). Only dimensions with an axis under (or above)
 * `cluster` are combined, so a sweep of seeds over one cluster costs one cluster; the lists of a zip
 * and the paths of random samples move together, as in the points themselves.
 */
export function sweepClusterGpus(
  base: Readonly<Record<string, unknown>>,
  axes: readonly SweepAxis[],
): { gpus: number; clusters: number } {
  const touchesCluster = (a: SweepAxis): boolean =>
    isPrefix(a.path, ['cluster', 'nodes']) ||
    isPrefix(a.path, ['cluster', 'network']) ||
    isPrefix(['cluster', 'nodes'], a.path) ||
    isPrefix(['cluster', 'network'], a.path);
  const dims = sweepGroups(axes)
    .map((g) => ({ length: g.length, members: g.members.filter((k) => touchesCluster(axes[k]!)) }))
    .filter((g) => g.members.length > 0);
  const seen = new Set<string>();
  let gpus = 0;
  const idx = dims.map(() => 0);
  for (;;) {
    const raw: Record<string, unknown> = { cluster: cloneData(base['cluster']) };
    dims.forEach((g, d) =>
      g.members.forEach((k) => {
        try {
          setPath(raw, axes[k]!.path, axes[k]!.values[idx[d]!]);
        } catch {
          // A value that cannot be set is reported when the point is validated.
        }
      }),
    );
    const c = raw['cluster'] as Record<string, unknown> | undefined;
    const key = JSON.stringify([c?.['nodes'], c?.['network']]);
    if (!seen.has(key)) {
      seen.add(key);
      gpus += clusterShape(raw)?.workers ?? 0;
      // Past the budget the sum is already an error; stop counting.
      if (gpus > MAX_SWEEP_GPUS) return { gpus, clusters: seen.size };
    }
    let d = dims.length - 1;
    while (d >= 0 && ++idx[d]! === dims[d]!.length) idx[d--] = 0;
    if (d < 0) return { gpus, clusters: seen.size };
  }
}

/** Values in plain data (scalars, lists, mappings), as `checkYamlTree` counts them; stops counting past `cap`. */
export function countValues(data: unknown, cap = Number.MAX_SAFE_INTEGER): number {
  let n = 0;
  const stack: unknown[] = [data];
  while (stack.length > 0 && n <= cap) {
    const v = stack.pop();
    n++;
    if (Array.isArray(v)) stack.push(...v);
    else if (typeof v === 'object' && v !== null) {
      for (const [, x] of Object.entries(v)) {
        n++; // the key
        stack.push(x);
      }
    }
  }
  return n;
}

/**
 * Problems with the sweep's size, for the `sweep` key (or `repeats` without a sweep).
 * @param values values in the file (`SourceText.values`); all but the sweep block's are validated
 *   again at every point.
 * @param repeats seeds per point (`repeats`): each is a run, so they count against `maxRuns`; they are
 *   validated once per point, so they do not count against the value budget.
 */
export function sweepSizeProblems(
  base: Readonly<Record<string, unknown>>,
  axes: readonly SweepAxis[],
  fileValues: number,
  maxRuns: number,
  repeats = 1,
): string[] {
  const points = sweepSize(axes);
  const runs = points * repeats;
  if (runs > maxRuns) {
    const raise = maxRuns === DEFAULT_MAX_RUNS ? ' (raise it with --max-runs N)' : '';
    if (points === 1) return [`repeats: ${repeats} asks for ${runs} runs; at most ${maxRuns} runs are allowed${raise}`];
    const dims = sweepGroups(axes)
      .map((g) => g.length)
      .join(' × ');
    const times = repeats === 1 ? '' : ` × ${repeats} repeats = ${runs} runs`;
    return [`the sweep has ${points} points (${dims})${times}; at most ${maxRuns} runs are allowed${raise}`];
  }
  if (points === 1) return [];
  const values = Math.max(1, fileValues - countValues(base['sweep'], fileValues));
  const out: string[] = [];
  const budget = sweepValueBudget(maxRuns);
  if (points * values > budget) {
    out.push(
      `the sweep validates ${points} points × ${values} values = ${points * values} values; at most ${budget} are allowed (fewer points or a smaller file)`,
    );
  }
  if (sweepClusterGpus(base, axes).gpus > MAX_SWEEP_GPUS) {
    out.push(
      `the sweep's distinct clusters hold more than ${MAX_SWEEP_GPUS} GPUs in all; each distinct cluster is built at validation, so split the sweep into several files`,
    );
  }
  return out;
}
