/**
 * Plot 5: the stage × time grid of pipeline runs, as the pipeline papers draw it: one row per stage,
 * one bar per op (F forward, B backward, I input gradient, W weight gradient), coloured by op, with
 * the micro-batch number written inside where it fits. Read from trace.json: the ops' span names
 * (`F3`, `B3.1` for chunk 1 of an interleaved schedule; pipe-run.ts) and the tracks' stage
 * (`worker N · stage S`, trace.ts). With several replicas (pipeline × data parallelism) only the
 * first GPU of each stage is drawn: the replicas run the same program. Bounded like the timeline:
 * the first runs, and each run's earliest ops up to a time cut; the subtitle says what was left out.
 */
import type { RunInfo } from './runs.ts';
import { BASE_CONFIG, count, seconds, type PlotSpec, type SkippedPlot } from './spec-common.ts';
import type { TraceData, TraceSpan } from './tables.ts';

/** Bounds of the stage grid. */
export interface PipelineLimits {
  readonly runs: number;
  readonly opsPerRun: number;
}

/** The default bounds: 4 runs, 600 ops per run (enough for a few batches of a deep pipeline). */
export const PIPELINE_LIMITS: PipelineLimits = { runs: 4, opsPerRun: 600 };

/** The bars' width in pixels, and the room one character of the micro-batch text takes. */
const WIDTH = 640;
const CHAR_PX = 6;

const OPS = ['F', 'B', 'I', 'W'] as const;
const OP_NAMES: Readonly<Record<string, string>> = {
  F: 'F forward',
  B: 'B backward',
  I: 'I input gradient',
  W: 'W weight gradient',
};
const COLORS = ['#4c78a8', '#e45756', '#f58518', '#54a24b'];

/** `F3` → op F, micro-batch 3; `B3.1` → op B, micro-batch 3 (chunk 1). */
const OP_NAME = /^([FBIW])(\d+)(?:\.(\d+))?$/;

interface Cell {
  readonly run: string;
  readonly stage: string;
  readonly op: string;
  readonly start: number;
  readonly end: number;
  readonly mid: number;
  /** The micro-batch number, or '' where the bar is too narrow for it. */
  readonly text: string;
}

/** The pipeline ops of one run: spans on a stage track whose names are ops, on each stage's first GPU. */
function pipelineOps(spans: readonly TraceSpan[]): TraceSpan[] {
  const first = new Map<number, number>();
  for (const s of spans)
    if (s.stage !== undefined && OP_NAME.test(s.name ?? '') && s.kind !== 'comm')
      first.set(s.stage, Math.min(first.get(s.stage) ?? Infinity, s.worker));
  return spans.filter((s) => s.stage !== undefined && first.get(s.stage) === s.worker && OP_NAME.test(s.name ?? ''));
}

/** Plot 5: the stage × time grid of the pipeline runs, or why it cannot be drawn. */
export function pipelinePlot(
  trace: TraceData,
  runs: readonly RunInfo[],
  limits: PipelineLimits = PIPELINE_LIMITS,
): PlotSpec | SkippedPlot {
  const name = 'pipeline';
  const byRun = new Map<number, TraceSpan[]>();
  for (const s of trace.spans) {
    if (s.stage === undefined) continue;
    let list = byRun.get(s.runId);
    if (list === undefined) byRun.set(s.runId, (list = []));
    list.push(s);
  }
  const opsByRun = new Map([...byRun].map(([id, spans]) => [id, pipelineOps(spans)] as const));
  const runIds = [...opsByRun.keys()].filter((id) => opsByRun.get(id)!.length > 0).sort((a, b) => a - b);
  if (runIds.length === 0) return { name, reason: 'trace.json has no pipeline stage tracks (no pipeline schedule)' };
  const labelOf = new Map(runs.map((r) => [r.runId, r.label]));
  const runName = (id: number): string => labelOf.get(id) ?? `run ${String(id)}`;
  const shownRuns = runIds.slice(0, limits.runs);
  const cells: Cell[] = [];
  const cuts: string[] = [];
  let stages = 0;
  for (const runId of shownRuns) {
    const ops = [...opsByRun.get(runId)!].sort((a, b) => a.startS - b.startS || a.stage! - b.stage!);
    const end = ops.reduce((m, s) => Math.max(m, s.endS), 0);
    // The earliest ops up to the limit: a prefix in time, so every stage row is complete up to the cut.
    const cut = ops.length > limits.opsPerRun ? ops[limits.opsPerRun]!.startS : end;
    const kept = ops.filter((s) => s.startS < cut || (cut === end && s.startS <= cut));
    if (kept.length < ops.length)
      cuts.push(
        `run ${String(runId)}: first ${seconds(cut)} of ${seconds(end)} (${count(kept.length)} of ${count(ops.length)} ops)`,
      );
    for (const s of kept) {
      const m = OP_NAME.exec(s.name!)!;
      const stop = Math.min(s.endS, cut);
      const mb = m[2]!;
      // Scales are per run (the facets' x is independent), so a bar's pixels follow from the run's cut.
      const px = cut > 0 ? ((stop - s.startS) / cut) * WIDTH : 0;
      stages = Math.max(stages, s.stage! + 1);
      cells.push({
        run: runName(runId),
        stage: `stage ${String(s.stage)}`,
        op: OP_NAMES[m[1]!]!,
        start: s.startS,
        end: stop,
        mid: (s.startS + stop) / 2,
        text: px >= CHAR_PX * (mb.length + 1) ? mb : '',
      });
    }
  }
  if (runIds.length > shownRuns.length)
    cuts.unshift(`runs ${String(shownRuns[0])}–${String(shownRuns.at(-1))} of ${count(runIds.length)}`);
  const subtitle =
    cuts.length === 0
      ? 'every op of trace.json; numbers are micro-batches; blank = bubble'
      : `shown: ${cuts.join('; ')}; numbers are micro-batches; blank = bubble`;
  const used = OPS.filter((op) => cells.some((c) => c.op === OP_NAMES[op]));
  const domain = used.map((op) => OP_NAMES[op]!);
  const range = used.map((op) => COLORS[OPS.indexOf(op)]!);
  const stageOrder = Array.from({ length: stages }, (_, i) => `stage ${String(i)}`);
  const x = { field: 'start', type: 'quantitative', title: 'simulated time (s)' };
  return {
    name,
    spec: {
      ...BASE_CONFIG,
      title: { text: 'Pipeline stages over simulated time', subtitle },
      data: { values: cells },
      facet: {
        row: {
          field: 'run',
          type: 'nominal',
          sort: shownRuns.map(runName),
          title: null,
          header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 11 },
        },
      },
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: WIDTH,
        height: { step: 18 },
        encoding: { y: { field: 'stage', type: 'nominal', sort: stageOrder, title: null } },
        layer: [
          {
            mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
            encoding: {
              x,
              x2: { field: 'end' },
              color: { field: 'op', type: 'nominal', title: 'op', scale: { domain, range } },
            },
          },
          {
            mark: { type: 'text', fontSize: 9, color: 'white', baseline: 'middle' },
            encoding: { x: { field: 'mid', type: 'quantitative' }, text: { field: 'text' } },
          },
        ],
      },
    },
  };
}
