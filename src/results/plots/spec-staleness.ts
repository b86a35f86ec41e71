/**
 * Plot 4: how stale the applied updates were (updates.csv), a histogram of τ in model versions per run.
 * When every run has few workers and their staleness differs (a straggler in an asynchronous run), the
 * histogram is split per worker, which is where a straggler shows; otherwise workers are pooled, since
 * many near-identical panels say nothing more. Counts are made here, so the spec holds one row per bar.
 */
import type { RunInfo } from './runs.ts';
import { BASE_CONFIG, count, type PlotSpec, type SkippedPlot } from './spec-common.ts';
import { finiteCell, type Table } from './tables.ts';

/** Most workers per run for per-worker panels. */
export const MAX_WORKER_FACETS = 8;
/** Most runs drawn (one row of panels each). */
export const MAX_STALENESS_RUNS = 12;
/** Most bars per histogram: wider staleness ranges are binned. */
const MAX_BINS = 50;

interface Counts {
  /** worker → staleness → count */
  readonly byWorker: Map<number, Map<number, number>>;
  total: number;
}

/** Whether the workers' mean staleness differs by at least half a version and 10% of the mean. */
function workersDiffer(c: Counts): boolean {
  const means = [...c.byWorker.values()].map((m) => {
    let n = 0;
    let s = 0;
    for (const [tau, k] of m) {
      n += k;
      s += tau * k;
    }
    return s / n;
  });
  if (means.length < 2) return false;
  const lo = Math.min(...means);
  const hi = Math.max(...means);
  const pooled = means.reduce((a, b) => a + b, 0) / means.length;
  return hi - lo >= Math.max(0.5, 0.1 * pooled);
}

/** Plot 4: the staleness histogram, or why it cannot be drawn. */
export function stalenessPlot(updates: Table, runs: readonly RunInfo[]): PlotSpec | SkippedPlot {
  const name = 'staleness';
  const byRun = new Map<number, Counts>();
  let maxTau = 0;
  for (const row of updates.rows) {
    const tau = finiteCell(row.staleness);
    const worker = finiteCell(row.worker);
    if (tau === undefined || worker === undefined) continue;
    const runId = Number(row.run_id);
    let c = byRun.get(runId);
    if (c === undefined) byRun.set(runId, (c = { byWorker: new Map(), total: 0 }));
    let w = c.byWorker.get(worker);
    if (w === undefined) c.byWorker.set(worker, (w = new Map()));
    w.set(tau, (w.get(tau) ?? 0) + 1);
    c.total++;
    maxTau = Math.max(maxTau, tau);
  }
  const runIds = [...byRun.keys()].sort((a, b) => a - b);
  if (runIds.length === 0) return { name, reason: 'updates.csv has no rows' };
  const shown = runIds.slice(0, MAX_STALENESS_RUNS);
  const perWorker =
    shown.every((id) => byRun.get(id)!.byWorker.size <= MAX_WORKER_FACETS) &&
    shown.some((id) => workersDiffer(byRun.get(id)!));
  const width = Math.max(1, Math.ceil((maxTau + 1) / MAX_BINS));
  const labelOf = new Map(runs.map((r) => [r.runId, r.label]));
  const values: { run: string; worker: string; lo: number; hi: number; updates: number }[] = [];
  for (const id of shown) {
    const run = labelOf.get(id) ?? `run ${String(id)}`;
    const bins = new Map<string, number>();
    for (const [w, m] of [...byRun.get(id)!.byWorker].sort((a, b) => a[0] - b[0])) {
      for (const [tau, k] of m) {
        const key = `${perWorker ? w : -1}|${Math.floor(tau / width)}`;
        bins.set(key, (bins.get(key) ?? 0) + k);
      }
    }
    for (const [key, k] of [...bins].sort()) {
      const [w, b] = key.split('|').map(Number) as [number, number];
      values.push({
        run,
        worker: w < 0 ? 'all workers' : `worker ${String(w)}`,
        lo: b * width - 0.5,
        hi: (b + 1) * width - 0.5,
        updates: k,
      });
    }
  }
  const notes = [perWorker ? 'per worker' : 'all workers pooled'];
  if (width > 1) notes.push(`bins of ${String(width)} versions`);
  if (runIds.length > shown.length)
    notes.push(`runs ${String(shown[0])}–${String(shown.at(-1))} of ${count(runIds.length)}`);
  const runOrder = shown.map((id) => labelOf.get(id) ?? `run ${String(id)}`);
  const workerOrder = [...new Set(values.map((v) => v.worker))].sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  // Run names read across: above each panel when pooled, left of each row of worker panels.
  const header = perWorker
    ? { labelAngle: 0, labelAlign: 'right', labelOrient: 'left', labelFontSize: 11, labelLimit: 200 }
    : { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 11 };
  return {
    name,
    spec: {
      ...BASE_CONFIG,
      title: {
        text: 'Staleness of applied updates',
        subtitle: `τ = version applied − version read (updates.csv); ${notes.join(', ')}`,
      },
      data: { values },
      facet: {
        row: { field: 'run', type: 'nominal', sort: runOrder, title: null, header },
        ...(perWorker ? { column: { field: 'worker', type: 'nominal', sort: workerOrder, title: null } } : {}),
      },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: perWorker ? 120 : 480,
        height: 110,
        mark: { type: 'rect', color: '#4c78a8' },
        encoding: {
          x: {
            field: 'lo',
            type: 'quantitative',
            title: 'staleness τ (versions)',
            scale: { domain: [-0.5, maxTau + 0.5] },
          },
          x2: { field: 'hi' },
          y: { field: 'updates', type: 'quantitative', title: 'updates' },
          y2: { datum: 0 },
        },
      },
    },
  };
}
