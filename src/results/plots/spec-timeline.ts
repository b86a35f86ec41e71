/**
 * Plot 3: per-worker activity over simulated time from trace.json, a Gantt chart with one row per
 * worker and, within it, one lane per kind (compute, communication, waiting, idle), because a
 * worker's communication may overlap its computation. Idle is what no span covers. The drawing is
 * bounded so that the SVG stays small at any cluster size: the first runs, the first workers of each,
 * and each run's earliest spans up to a time cut; the subtitle says what was left out.
 */
import type { RunInfo } from './runs.ts';
import { BASE_CONFIG, count, seconds, type PlotSpec, type SkippedPlot } from './spec-common.ts';
import type { TraceData, TraceSpan } from './tables.ts';

/** Bounds of the timeline drawing. */
export interface TimelineLimits {
  readonly runs: number;
  readonly workers: number;
  readonly spansPerRun: number;
}

/** The default bounds: 4 runs, 16 workers per run, 1,500 spans per run. */
export const TIMELINE_LIMITS: TimelineLimits = { runs: 4, workers: 16, spansPerRun: 1500 };

const KINDS = ['compute', 'comm', 'wait', 'idle'] as const;
const COLORS = ['#4c78a8', '#f58518', '#e45756', '#d9d9d9'];

interface Bar {
  readonly run: string;
  readonly worker: string;
  readonly kind: string;
  readonly start: number;
  readonly end: number;
}

/** Gaps in [0, until) that no span of `spans` (one worker) covers. */
function idleGaps(spans: readonly TraceSpan[], until: number): [number, number][] {
  const sorted = [...spans].sort((a, b) => a.startS - b.startS || a.endS - b.endS);
  const gaps: [number, number][] = [];
  let covered = 0;
  for (const s of sorted) {
    if (s.startS > covered) gaps.push([covered, Math.min(s.startS, until)]);
    covered = Math.max(covered, s.endS);
    if (covered >= until) break;
  }
  if (covered < until) gaps.push([covered, until]);
  return gaps.filter(([a, b]) => b > a);
}

/** Plot 3: the activity timeline, or why it cannot be drawn. */
export function timelinePlot(
  trace: TraceData,
  runs: readonly RunInfo[],
  limits: TimelineLimits = TIMELINE_LIMITS,
): PlotSpec | SkippedPlot {
  const name = 'timeline';
  const spansByRun = new Map<number, TraceSpan[]>();
  for (const s of trace.spans) {
    let list = spansByRun.get(s.runId);
    if (list === undefined) spansByRun.set(s.runId, (list = []));
    list.push(s);
  }
  const runIds = [...spansByRun.keys()].sort((a, b) => a - b);
  if (runIds.length === 0) return { name, reason: 'trace.json has no spans' };
  const labelOf = new Map(runs.map((r) => [r.runId, r.label]));
  const shownRuns = runIds.slice(0, limits.runs);
  const bars: Bar[] = [];
  const cuts: string[] = [];
  for (const runId of shownRuns) {
    const run = labelOf.get(runId) ?? `run ${String(runId)}`;
    const all = spansByRun.get(runId)!;
    const workers = [...new Set([...(trace.workers.get(runId) ?? []), ...all.map((s) => s.worker)])].sort(
      (a, b) => a - b,
    );
    const shownWorkers = new Set(workers.slice(0, limits.workers));
    const mine = all
      .filter((s) => shownWorkers.has(s.worker))
      .sort((a, b) => a.startS - b.startS || a.worker - b.worker);
    const end = mine.reduce((m, s) => Math.max(m, s.endS), 0);
    // The earliest spans up to the limit: a prefix in time, so every worker row is complete up to the cut.
    const cut = mine.length > limits.spansPerRun ? mine[limits.spansPerRun]!.startS : end;
    const kept = mine.filter((s) => s.startS < cut || (cut === end && s.startS <= cut));
    const notes: string[] = [];
    if (workers.length > shownWorkers.size)
      notes.push(`workers ${String(workers[0])}–${String([...shownWorkers].at(-1))} of ${count(workers.length)}`);
    if (kept.length < mine.length)
      notes.push(`first ${seconds(cut)} of ${seconds(end)} (${count(kept.length)} of ${count(mine.length)} spans)`);
    if (notes.length > 0) cuts.push(`run ${String(runId)}: ${notes.join(', ')}`);
    for (const s of kept)
      bars.push({
        run,
        worker: `worker ${String(s.worker)}`,
        kind: s.kind,
        start: s.startS,
        end: Math.min(s.endS, cut),
      });
    for (const w of shownWorkers) {
      const own = kept.filter((s) => s.worker === w);
      for (const [a, b] of idleGaps(own, cut))
        bars.push({ run, worker: `worker ${String(w)}`, kind: 'idle', start: a, end: b });
    }
  }
  if (runIds.length > shownRuns.length)
    cuts.unshift(`runs ${String(shownRuns[0])}–${String(shownRuns.at(-1))} of ${count(runIds.length)}`);
  const subtitle =
    cuts.length === 0 ? 'every span of trace.json; idle = no span' : `shown: ${cuts.join('; ')}; idle = no span`;
  const kinds = [
    ...KINDS,
    ...new Set(bars.map((b) => b.kind).filter((k) => !(KINDS as readonly string[]).includes(k))),
  ];
  const workerOrder = [...new Set(bars.map((b) => b.worker))].sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  return {
    name,
    spec: {
      ...BASE_CONFIG,
      title: { text: 'Worker activity over simulated time', subtitle },
      data: { values: bars },
      facet: {
        row: {
          field: 'run',
          type: 'nominal',
          sort: shownRuns.map((id) => labelOf.get(id) ?? `run ${String(id)}`),
          title: null,
          header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 11 },
        },
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: 640,
        // One 16 px row per worker, split into a 4 px lane per kind.
        height: { step: 16 },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'worker', type: 'nominal', sort: workerOrder, title: null },
          yOffset: { field: 'kind', type: 'nominal', sort: kinds, scale: { domain: kinds } },
          x: { field: 'start', type: 'quantitative', title: 'simulated time (s)' },
          x2: { field: 'end' },
          color: {
            field: 'kind',
            type: 'nominal',
            title: 'activity',
            scale: { domain: kinds, range: [...COLORS, '#72b7b2', '#54a24b', '#b279a2'].slice(0, kinds.length) },
          },
        },
      },
    },
  };
}
