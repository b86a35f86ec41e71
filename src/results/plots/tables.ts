/**
 * Reading a results folder back for `dtsim plot`: the CSV tables (RFC 4180, as csv.ts writes them)
 * and the complete events of trace.json. Only what the plots need is parsed; a cell's text is kept
 * and converted by the caller, so an empty cell (missing) and `NaN` (computed, not finite) stay apart.
 */
import { readFileSync } from 'node:fs';
import { readCsv } from '../csv-read.ts';

/** A CSV table: its header and one record per row, keyed by column name. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, string>>[];
}

/** Parses a CSV text with a header row into a `Table`. */
export function parseTable(text: string): Table {
  // The same reader as `dtsim compare` (csv-read.ts): RFC 4180, a missing final line end allowed.
  const [header = [], ...body] = readCsv(text);
  const rows = body.map((cells) => Object.fromEntries(header.map((c, i) => [c, cells[i] ?? ''])));
  return { columns: header, rows };
}

/** Reads and parses one CSV file. */
export function readTable(path: string): Table {
  return parseTable(readFileSync(path, 'utf8'));
}

/** A cell as a number: empty is missing (`undefined`); `NaN`/`Infinity` are kept as numbers. */
export function cellNumber(cell: string | undefined): number | undefined {
  if (cell === undefined || cell === '') return undefined;
  return Number(cell);
}

/** A cell as a finite number, or `undefined` (missing, or not finite: nothing to draw). */
export function finiteCell(cell: string | undefined): number | undefined {
  const x = cellNumber(cell);
  return x !== undefined && Number.isFinite(x) ? x : undefined;
}

/** One busy interval of trace.json, in seconds, with its run and worker read from the names. */
export interface TraceSpan {
  readonly runId: number;
  readonly worker: number;
  /** `compute`, `comm` or `wait` (the event's `cat`). */
  readonly kind: string;
  readonly startS: number;
  readonly endS: number;
  /** The event's name: a pipeline op reads `F3`, `B3`, `I3`, `W3` (op and micro-batch, `.chunk` when interleaved). */
  readonly name?: string;
  /** The pipeline stage of the worker's track (`worker 3 · stage 1 (…)`), if it names one. */
  readonly stage?: number;
}

/** What `readTraceSpans` found: spans in file order and every worker track per run. */
export interface TraceData {
  readonly spans: readonly TraceSpan[];
  /** `run_id` → worker indices named in the trace, ascending. */
  readonly workers: ReadonlyMap<number, readonly number[]>;
}

interface RawEvent {
  readonly name?: string;
  readonly ph?: string;
  readonly pid?: number;
  readonly tid?: number;
  readonly cat?: string;
  readonly ts?: number;
  readonly dur?: number;
  readonly args?: { readonly name?: string };
}

/**
 * Reads trace.json's complete events. pid and tid are only ids (see trace.ts): the run and worker
 * numbers come from the `process_name` (`run 3: …`) and `thread_name` (`worker 7 …`) metadata.
 */
export function readTraceSpans(path: string): TraceData {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents?: RawEvent[] };
  const events = doc.traceEvents ?? [];
  const runOf = new Map<number, number>();
  const workerOf = new Map<string, number>();
  const stageOf = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'M' || e.pid === undefined) continue;
    const name = e.args?.name ?? '';
    if (e.name === 'process_name') {
      const m = /^run (\d+)/.exec(name);
      if (m !== null) runOf.set(e.pid, Number(m[1]));
    } else if (e.name === 'thread_name' && e.tid !== undefined) {
      const m = /^worker (\d+)(?: · stage (\d+))?/.exec(name);
      if (m !== null) workerOf.set(`${e.pid}:${e.tid}`, Number(m[1]));
      if (m?.[2] !== undefined) stageOf.set(`${e.pid}:${e.tid}`, Number(m[2]));
    }
  }
  const spans: TraceSpan[] = [];
  const workers = new Map<number, Set<number>>();
  for (const [key, worker] of workerOf) {
    const runId = runOf.get(Number(key.split(':')[0])) ?? Number(key.split(':')[0]) - 1;
    let set = workers.get(runId);
    if (set === undefined) workers.set(runId, (set = new Set()));
    set.add(worker);
  }
  for (const e of events) {
    if (e.ph !== 'X' || e.pid === undefined || e.tid === undefined || e.ts === undefined) continue;
    const runId = runOf.get(e.pid) ?? e.pid - 1;
    const worker = workerOf.get(`${e.pid}:${e.tid}`) ?? e.tid - 1;
    const startS = e.ts / 1e6;
    const stage = stageOf.get(`${e.pid}:${e.tid}`);
    spans.push({
      runId,
      worker,
      kind: e.cat ?? 'other',
      startS,
      endS: startS + (e.dur ?? 0) / 1e6,
      ...(e.name === undefined ? {} : { name: e.name }),
      ...(stage === undefined ? {} : { stage }),
    });
  }
  const sorted = new Map([...workers].sort((a, b) => a[0] - b[0]).map(([r, s]) => [r, [...s].sort((a, b) => a - b)]));
  return { spans, workers: sorted };
}
