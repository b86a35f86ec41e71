/**
 * Plot: link utilisation over simulated time (links.csv, flow network model only). One line per link
 * for the busiest links of each run (highest mean utilisation: the bottlenecks, not the fastest
 * links, which carry the most bytes), drawn as steps because a bin's utilisation
 * is its average: bytes carried over what the link could carry in the bin.
 *
 * Why lines of the busiest few and not a heat map of every link: the question the plot answers is
 * "which links are the bottleneck, and when are they full"; a handful of named lines on a 0–1 axis
 * answer it and can be read against each other, while a link × time heat map of the ~4 links a GPU of
 * a cluster has is hundreds of unlabelled rows in which the few saturated ones are hard to find (and
 * every link of a symmetric collective repeats the same row). The subtitle says how many links were
 * left out; links.csv has them all.
 */
import type { RunInfo } from './runs.ts';
import { BASE_CONFIG, count, type PlotSpec, type SkippedPlot } from './spec-common.ts';
import { finiteCell, type Table } from './tables.ts';

/** Bounds of the drawing: runs shown (one panel each) and lines per run. */
export interface LinkPlotLimits {
  readonly runs: number;
  readonly links: number;
}

/** The default bounds: 4 runs, the 8 busiest links of each (more lines are not told apart by colour). */
export const LINK_PLOT_LIMITS: LinkPlotLimits = { runs: 4, links: 8 };

interface LinkSeries {
  readonly name: string;
  busy: number;
  readonly points: { start: number; end: number; u: number }[];
}

interface Point {
  readonly run: string;
  readonly link: string;
  readonly t: number;
  readonly utilization: number;
}

/** The link-utilisation plot from links.csv, or why it cannot be drawn. */
export function linksPlot(
  table: Table,
  runs: readonly RunInfo[],
  limits: LinkPlotLimits = LINK_PLOT_LIMITS,
): PlotSpec | SkippedPlot {
  const name = 'link-utilisation';
  const byRun = new Map<number, Map<string, LinkSeries>>();
  for (const row of table.rows) {
    const runId = finiteCell(row.run_id);
    const start = finiteCell(row.bin_start_s);
    const end = finiteCell(row.bin_end_s);
    const u = finiteCell(row.utilization);
    if (runId === undefined || start === undefined || end === undefined || u === undefined) continue;
    let links = byRun.get(runId);
    if (links === undefined) byRun.set(runId, (links = new Map()));
    const key = row.link ?? '';
    let s = links.get(key);
    if (s === undefined) links.set(key, (s = { name: key, busy: 0, points: [] }));
    // Busy time, u × bin width: its sum over the bins is the mean utilisation × the run's length.
    s.busy += u * (end - start);
    s.points.push({ start, end, u });
  }
  const runIds = [...byRun.keys()].sort((a, b) => a - b);
  if (runIds.length === 0) return { name, reason: 'links.csv has no rows' };
  const labelOf = new Map(runs.map((r) => [r.runId, r.label]));
  const shown = runIds.slice(0, limits.runs);
  const points: Point[] = [];
  // Per shown run: links drawn and links in links.csv, for the subtitle.
  const counts: [number, number][] = [];
  const linkOrder: string[] = [];
  for (const runId of shown) {
    const run = labelOf.get(runId) ?? `run ${String(runId)}`;
    const all = [...byRun.get(runId)!.values()];
    // Busiest first; equal busy times keep links.csv's order (by link id), so the choice is repeatable.
    const busiest = all
      .map((s, i) => ({ s, i }))
      .sort((a, b) => b.s.busy - a.s.busy || a.i - b.i)
      .slice(0, limits.links)
      .map((x) => x.s);
    counts.push([busiest.length, all.length]);
    for (const s of busiest) {
      if (!linkOrder.includes(s.name)) linkOrder.push(s.name);
      for (const p of s.points) points.push({ run, link: s.name, t: p.start, utilization: p.u });
      // The last bin drawn to its end, so the final step has a width.
      const last = s.points.at(-1);
      if (last !== undefined) points.push({ run, link: s.name, t: last.end, utilization: last.u });
    }
  }
  const subtitle = [
    'utilisation = bytes / (capacity × bin width), per bin; lines on top of each other are equally loaded links',
    linksShown(counts, limits.links) +
      (runIds.length > shown.length
        ? `; runs ${String(shown[0])}–${String(shown.at(-1))} of ${count(runIds.length)}`
        : ''),
  ];
  return {
    name,
    spec: {
      ...BASE_CONFIG,
      title: { text: 'Link utilisation over simulated time (flow network model)', subtitle },
      data: { values: points },
      facet: {
        row: {
          field: 'run',
          type: 'nominal',
          sort: shown.map((id) => labelOf.get(id) ?? `run ${String(id)}`),
          title: null,
          header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 11 },
        },
      },
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 640,
        height: 180,
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'simulated time (s)' },
          y: {
            field: 'utilization',
            type: 'quantitative',
            title: 'utilisation',
            scale: { domain: [0, 1] },
            axis: { format: '.0%' },
          },
          // 20 colours: up to 4 runs' busiest links rarely share one (10 would repeat at 8 + 3).
          color: { field: 'link', type: 'nominal', title: 'link', sort: linkOrder, scale: { scheme: 'tableau20' } },
        },
      },
    },
  };
}

/** The subtitle's account of the links drawn: all of them, or the busiest `limit` of how many. */
function linksShown(counts: readonly [number, number][], limit: number): string {
  if (counts.every(([drawn, all]) => drawn === all)) return 'every link that carried traffic';
  const totals = [...new Set(counts.map(([, all]) => all))].sort((a, b) => a - b);
  const of = totals.length === 1 ? count(totals[0]!) : `${count(totals[0]!)}–${count(totals.at(-1)!)}`;
  return `${counts.length > 1 ? 'each run: its' : 'the'} ${String(limit)} links with the highest mean utilisation, of ${of} that carried traffic (links.csv has them all)`;
}
