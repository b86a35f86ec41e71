/**
 * trace.json in the Chrome Trace Event Format, for ui.perfetto.dev or chrome://tracing. Each run is a
 * process and each worker a thread; every kept span is a complete event (`ph: "X"`, microseconds).
 *
 * Two choices exist for Perfetto's sake:
 * - Times are rounded to whole nanoseconds once, at both ends of a span, and `dur` is end − start of
 *   the rounded values. Perfetto converts microseconds to integer nanoseconds; computing `ts + dur`
 *   from separately rounded floats can put a span's end 1 ns past its successor's start, which
 *   Perfetto reports as an improperly nested slice and drops.
 * - pid is run_id + 1 and tid is worker + 1 + the number of thread slots of earlier runs: Perfetto
 *   treats pid/tid 0 as the kernel's idle task, and it names threads by tid alone, so a tid reused in
 *   two processes would mix up threads. The process and thread names carry the true run and worker
 *   numbers.
 */
import type { RunResult, SpanRecord, WorkerRow } from './recorder.ts';

/** One event of the Trace Event Format as dtsim writes it. */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M' | 'i';
  readonly pid: number;
  readonly tid: number;
  readonly cat?: string;
  /** Microseconds; absent on metadata events (Perfetto's advice: do not set it there). */
  readonly ts?: number;
  /** Microseconds; complete events only. */
  readonly dur?: number;
  /** Instant-event scope: `p` = the whole process (run). */
  readonly s?: 'g' | 'p' | 't';
  readonly args?: Readonly<Record<string, string | number>>;
}

/** The pid a run gets in the trace. */
export function tracePid(runId: number): number {
  return runId + 1;
}

/**
 * The tid of a worker in the trace: `tidBase + worker + 1`, where `tidBase` is the sum of
 * `traceThreadSlots` over earlier runs (0 for the first run, so there tid = worker + 1).
 */
export function traceTid(tidBase: number, worker: number): number {
  return tidBase + worker + 1;
}

/** Thread slots a run occupies: one more than its highest worker index among rows and spans. */
export function traceThreadSlots(r: RunResult): number {
  let max = Math.max(r.workers - 1, 0);
  for (const w of r.workerRows) max = Math.max(max, w.worker);
  for (const s of r.spans) max = Math.max(max, s.worker);
  return max + 1;
}

/** Process name shown in Perfetto, e.g. `run 0: sync-allreduce`. */
export function processName(r: RunResult): string {
  const point = r.label !== '' && r.label !== r.scenario ? ` [${r.label}]` : '';
  return `run ${String(r.runId)}: ${r.schedule}${point}`;
}

/**
 * Thread name shown in Perfetto, e.g. `worker 3 (node 0, A100-80GB)`, `worker 3 · stage 1 (node 0,
 * A100-80GB)` for a pipeline's GPU (one track per stage, as the papers draw them), or `worker 3`
 * without a row.
 */
export function threadName(worker: number, row: WorkerRow | undefined): string {
  if (row === undefined) return `worker ${String(worker)}`;
  const stage = row.stage === undefined ? '' : ` · stage ${String(row.stage)}`;
  return `worker ${String(worker)}${stage} (node ${String(row.node)}, ${row.gpu})`;
}

interface Placed {
  readonly span: SpanRecord;
  readonly startNs: number;
  readonly durNs: number;
  readonly order: number;
}

function place(r: RunResult, span: SpanRecord, order: number): Placed {
  const { startS, durationS } = span;
  if (!(startS >= 0) || !Number.isFinite(startS) || !(durationS >= 0) || !Number.isFinite(durationS)) {
    throw new RangeError(
      `run ${String(r.runId)}: span '${span.name}' of worker ${String(span.worker)} has start ${String(startS)} s and duration ${String(durationS)} s; both must be finite and >= 0`,
    );
  }
  if (!Number.isInteger(span.worker) || span.worker < 0) {
    throw new RangeError(
      `run ${String(r.runId)}: span '${span.name}' has worker ${String(span.worker)}; a worker is an integer >= 0`,
    );
  }
  const startNs = Math.round(startS * 1e9);
  return { span, startNs, durNs: Math.round((startS + durationS) * 1e9) - startNs, order };
}

// Within a thread: by start, longer first at equal starts so a parent precedes the child it contains
// (importers build the slice stack in file order for equal timestamps), then record order.
function byThreadThenTime(a: Placed, b: Placed): number {
  return a.span.worker - b.span.worker || a.startNs - b.startNs || b.durNs - a.durNs || a.order - b.order;
}

/**
 * The events of one run: process and thread metadata, complete events, and a truncation marker.
 * `tidBase` keeps tids unique across runs (see `traceTid`).
 * @throws RangeError if a span has a negative or non-finite start or duration, or a bad worker index.
 */
export function runTraceEvents(r: RunResult, tidBase = 0): TraceEvent[] {
  const pid = tracePid(r.runId);
  const tid = (w: number): number => traceTid(tidBase, w);
  const rows = new Map<number, WorkerRow>();
  for (const w of r.workerRows) rows.set(w.worker, w);
  const placed = r.spans.map((s, i) => place(r, s, i)).sort(byThreadThenTime);
  const workers = new Set<number>(rows.keys());
  for (const p of placed) workers.add(p.span.worker);

  const sorted = [...workers].sort((a, b) => a - b);
  // Perfetto creates a thread for the tid of every event, metadata included: process-level events use
  // the first worker's tid rather than inventing one (tid 0 would be the idle task).
  const processTid = tid(sorted[0] ?? 0);
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid, tid: processTid, args: { name: processName(r) } },
    { name: 'process_sort_index', ph: 'M', pid, tid: processTid, args: { sort_index: r.runId } },
  ];
  for (const w of sorted) {
    events.push({ name: 'thread_name', ph: 'M', pid, tid: tid(w), args: { name: threadName(w, rows.get(w)) } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid, tid: tid(w), args: { sort_index: w } });
  }
  let endNs = 0;
  for (const p of placed) {
    events.push({
      name: p.span.name,
      cat: p.span.kind,
      ph: 'X',
      pid,
      tid: tid(p.span.worker),
      ts: p.startNs / 1000,
      dur: p.durNs / 1000,
    });
    endNs = Math.max(endNs, p.startNs + p.durNs);
  }
  if (r.traceDropped > 0) {
    // At the end of the last kept span: that is where the picture stops being complete.
    events.push({
      name: `trace truncated: ${String(r.traceDropped)} later spans dropped`,
      cat: 'dtsim',
      ph: 'i',
      s: 'p',
      pid,
      tid: processTid,
      ts: endNs / 1000,
      args: { dropped_spans: r.traceDropped },
    });
  }
  return events;
}

/** Human note on the spans each run dropped, or '' when none did. */
export function truncationNote(results: readonly RunResult[]): string {
  const parts = results
    .filter((r) => r.traceDropped > 0)
    .map((r) => `run ${String(r.runId)} dropped ${String(r.traceDropped)} spans (kept ${String(r.spans.length)})`);
  return parts.length === 0 ? '' : `trace truncated at output.traceLimit: ${parts.join('; ')}`;
}

/**
 * trace.json for all runs as a stream of text pieces: `{"traceEvents":[...],"displayTimeUnit":"ms",
 * "otherData":{...}}`, one event per line. Only one run's events exist at a time, so the trace is
 * written without ever being one string. Deterministic for the same input.
 * @throws RangeError if a span has a negative or non-finite start or duration.
 */
export function* traceChunks(results: readonly RunResult[]): Generator<string, void, undefined> {
  yield '{"traceEvents":[\n';
  let tidBase = 0;
  let first = true;
  for (const r of results) {
    const lines = runTraceEvents(r, tidBase).map((e) => JSON.stringify(e));
    tidBase += traceThreadSlots(r);
    if (lines.length === 0) continue;
    yield `${first ? '' : ',\n'}${lines.join(',\n')}`;
    first = false;
  }
  const otherData: Record<string, string | number> = { generator: 'dtsim', runs: results.length };
  const note = truncationNote(results);
  if (note !== '') {
    otherData['note'] = note;
    otherData['dropped_spans'] = results.reduce((n, r) => n + r.traceDropped, 0);
  }
  yield `\n],\n"displayTimeUnit":"ms",\n"otherData":${JSON.stringify(otherData)}}\n`;
}

/** trace.json as one string (see `traceChunks`, which the CLI streams). */
export function traceJson(results: readonly RunResult[]): string {
  let out = '';
  for (const c of traceChunks(results)) out += c;
  return out;
}
