/**
 * Plot 1, test accuracy and loss against simulated time (evals.csv), and plot 2, throughput per run
 * (summary.csv). Repeats of one configuration (see runs.ts) become one mean line with a ±1 standard
 * deviation band, aligned by update count: evaluations happen at fixed update counts, so the k-th
 * evaluation of every seed measures the same amount of training, at slightly different times.
 */
import type { ConfigGroup, RunInfo } from './runs.ts';
import { BASE_CONFIG, type PlotSpec, type SkippedPlot, type VlSpec } from './spec-common.ts';
import { finiteCell, type Table } from './tables.ts';

interface CurvePoint {
  readonly series: string;
  readonly metric: 'accuracy' | 'loss';
  readonly sim_time_s: number;
  readonly value: number;
  readonly lo?: number;
  readonly hi?: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

/** The points of one configuration for one metric: the run's own, or means and bands over seeds. */
function groupPoints(
  group: ConfigGroup,
  metric: 'accuracy' | 'loss',
  rowsByRun: ReadonlyMap<number, readonly Readonly<Record<string, string>>[]>,
): CurvePoint[] {
  const byUpdates = new Map<string, { t: number[]; v: number[] }>();
  for (const runId of group.runIds) {
    for (const row of rowsByRun.get(runId) ?? []) {
      const t = finiteCell(row.sim_time_s);
      const v = finiteCell(row[metric]);
      if (t === undefined || v === undefined) continue; // missing or diverged: nothing to draw
      const key = row.updates ?? '';
      let acc = byUpdates.get(key);
      if (acc === undefined) byUpdates.set(key, (acc = { t: [], v: [] }));
      acc.t.push(t);
      acc.v.push(v);
    }
  }
  const out: CurvePoint[] = [];
  for (const { t, v } of byUpdates.values()) {
    const point = { series: group.label, metric, sim_time_s: mean(t), value: mean(v) };
    if (group.runIds.length > 1 && v.length > 1) {
      const d = sd(v);
      out.push({ ...point, lo: point.value - d, hi: point.value + d });
    } else out.push(point);
  }
  return out.sort((a, b) => a.sim_time_s - b.sim_time_s);
}

/** One panel (accuracy or loss): the band under the line, drawn only where a band exists. */
function panel(metric: 'accuracy' | 'loss', series: readonly string[]): VlSpec {
  // Legend symbols are drawn as solid strokes: merged with the band layer they would be faded.
  const legend = { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 };
  const color = { field: 'series', type: 'nominal', title: 'run', sort: series, scale: { domain: series }, legend };
  const x = { field: 'sim_time_s', type: 'quantitative', title: 'simulated time (s)' };
  const yTitle = metric === 'accuracy' ? 'test accuracy' : 'test loss';
  const yScale = metric === 'accuracy' ? { domain: [0, 1] } : { zero: false };
  return {
    width: 520,
    height: 220,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    layer: [
      {
        transform: [{ filter: 'isValid(datum.lo)' }],
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative', scale: yScale, title: yTitle },
          y2: { field: 'hi' },
          color,
        },
      },
      {
        mark: { type: 'line', point: { size: 16 } },
        encoding: { x, y: { field: 'value', type: 'quantitative', scale: yScale, title: yTitle }, color },
      },
    ],
  };
}

/** Plot 1: accuracy and loss over simulated time, or why it cannot be drawn. */
export function curvesPlot(evals: Table, groups: readonly ConfigGroup[]): PlotSpec | SkippedPlot {
  const name = 'accuracy-loss';
  const rowsByRun = new Map<number, Readonly<Record<string, string>>[]>();
  for (const row of evals.rows) {
    const id = Number(row.run_id);
    let list = rowsByRun.get(id);
    if (list === undefined) rowsByRun.set(id, (list = []));
    list.push(row);
  }
  const points = groups.flatMap((g) => [
    ...groupPoints(g, 'accuracy', rowsByRun),
    ...groupPoints(g, 'loss', rowsByRun),
  ]);
  if (points.length === 0) return { name, reason: 'evals.csv has no finite accuracy or loss (timing-only runs?)' };
  const series = groups.map((g) => g.label).filter((s) => points.some((p) => p.series === s));
  const banded = groups.filter((g) => g.runIds.length > 1);
  const subtitle =
    banded.length === 0
      ? 'one line per run; no run repeats another with a different seed, so no bands'
      : `mean over seeds, band = ±1 standard deviation (${banded.map((g) => g.label).join('; ')})`;
  return {
    name,
    spec: {
      ...BASE_CONFIG,
      title: { text: 'Test accuracy and loss over simulated time', subtitle },
      data: { values: points },
      vconcat: [panel('accuracy', series), panel('loss', series)],
    },
  };
}

/** Plot 2: throughput of every run, one bar each, or why it cannot be drawn. */
export function throughputPlot(summary: Table, runs: readonly RunInfo[]): PlotSpec | SkippedPlot {
  const name = 'throughput';
  const labelOf = new Map(runs.map((r) => [r.runId, r.label]));
  const values = summary.rows.flatMap((row) => {
    const v = finiteCell(row.throughput_samples_per_s);
    const label = labelOf.get(Number(row.run_id));
    return v === undefined || label === undefined ? [] : [{ run: label, throughput: v }];
  });
  if (values.length === 0) return { name, reason: 'summary.csv has no throughput (no simulated time passed)' };
  const order = values.map((v) => v.run);
  return {
    name,
    spec: {
      ...BASE_CONFIG,
      title: { text: 'Throughput per run', subtitle: 'training samples per simulated second (summary.csv)' },
      data: { values },
      width: 520,
      height: { step: 22 },
      mark: 'bar',
      encoding: {
        y: { field: 'run', type: 'nominal', sort: order, title: null, axis: { labelLimit: 320 } },
        x: { field: 'throughput', type: 'quantitative', title: 'throughput (samples/s)' },
        tooltip: [{ field: 'run' }, { field: 'throughput', format: ',.0f' }],
      },
    },
  };
}
