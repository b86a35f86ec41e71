/**
 * Replay of a measured straggler trace. The trace is CSV text with a header naming the columns
 * `time_s`, `worker` and `factor` (any order; other columns are ignored), one point per line. A worker's
 * factor is piecewise constant: from a point's time until its next point, the point's factor; before
 * its first point, and for workers absent from the trace, 1. The hardware layer reads no files, so the
 * caller passes the text and a source name used in error messages (`trace.csv:7: ...`).
 * Fields are split on commas; quoted fields are not supported and are rejected as bad numbers.
 */
import type { SlowdownModel, WorkerSlowdown } from './slowdown.ts';
import { NO_SLOWDOWN } from './slowdown.ts';

/** One worker's points, sorted by strictly increasing time. */
export interface WorkerTrace {
  readonly timesS: readonly number[];
  readonly factors: readonly number[];
}

/** A parsed trace: points per worker. */
export interface SlowdownTrace {
  /** Where the text came from, for messages. */
  readonly source: string;
  readonly workers: ReadonlyMap<number, WorkerTrace>;
}

/** A malformed trace: names the source, the 1-based line, and what was wrong. */
export class TraceParseError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${source}:${line}: ${detail}`);
    this.name = 'TraceParseError';
  }
}

const COLUMNS = ['time_s', 'worker', 'factor'] as const;

/**
 * Parses trace CSV text. Blank lines and lines starting with `#` are skipped. Per worker, times must
 * strictly increase down the file (two factors at one instant would be ambiguous).
 * @throws TraceParseError for a missing header column, a row with too few fields, a time that is not
 *   finite and ≥ 0, a worker that is not an integer ≥ 0, a factor that is not finite and > 0, or a
 *   time not after the same worker's previous point.
 */
export function parseSlowdownTrace(text: string, source: string): SlowdownTrace {
  // The scenario layer checks a trace's text when it validates and then builds the model from the
  // same text: keep the last result (traces are read-only) so a large trace is parsed once.
  if (last !== undefined && last.text === text && last.source === source) {
    if (last.result instanceof TraceParseError) throw last.result;
    return last.result;
  }
  let result: SlowdownTrace | TraceParseError;
  try {
    result = parseUncached(text, source);
  } catch (err) {
    if (!(err instanceof TraceParseError)) throw err;
    result = err;
  }
  last = { text, source, result };
  if (result instanceof TraceParseError) throw result;
  return result;
}

let last:
  { readonly text: string; readonly source: string; readonly result: SlowdownTrace | TraceParseError } | undefined;

function parseUncached(text: string, source: string): SlowdownTrace {
  const lines = text.split(/\r?\n/);
  let col: Record<(typeof COLUMNS)[number], number> | undefined;
  let width = 0;
  const acc = new Map<number, { timesS: number[]; factors: number[]; lastLine: number }>();
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(',').map((f) => f.trim());
    if (col === undefined) {
      const names = fields.map((f) => f.toLowerCase());
      const idx = (c: string): number => {
        const k = names.indexOf(c);
        if (k < 0)
          throw new TraceParseError(source, lineNo, `header must name columns ${COLUMNS.join(', ')}; got "${line}"`);
        return k;
      };
      col = { time_s: idx('time_s'), worker: idx('worker'), factor: idx('factor') };
      width = Math.max(col.time_s, col.worker, col.factor) + 1;
      return;
    }
    if (fields.length < width)
      throw new TraceParseError(source, lineNo, `expected ${width} fields, got ${fields.length}`);
    const field = (c: (typeof COLUMNS)[number]): string => fields[col![c]]!;
    const num = (c: (typeof COLUMNS)[number]): number => (field(c) === '' ? NaN : Number(field(c)));
    const t = num('time_s');
    if (!(t >= 0) || t === Infinity)
      throw new TraceParseError(source, lineNo, `time_s must be a finite number >= 0, got "${field('time_s')}"`);
    const w = num('worker');
    if (!Number.isInteger(w) || w < 0)
      throw new TraceParseError(source, lineNo, `worker must be an integer >= 0, got "${field('worker')}"`);
    const f = num('factor');
    if (!(f > 0) || f === Infinity)
      throw new TraceParseError(source, lineNo, `factor must be a finite number > 0, got "${field('factor')}"`);
    let wt = acc.get(w);
    if (wt === undefined) {
      wt = { timesS: [], factors: [], lastLine: 0 };
      acc.set(w, wt);
    }
    const prev = wt.timesS[wt.timesS.length - 1];
    if (prev !== undefined && t <= prev) {
      throw new TraceParseError(
        source,
        lineNo,
        `worker ${w}: time_s ${t} is not after ${prev} (line ${wt.lastLine}); times must increase per worker`,
      );
    }
    wt.timesS.push(t);
    wt.factors.push(f);
    wt.lastLine = lineNo;
  });
  if (col === undefined)
    throw new TraceParseError(source, Math.max(1, lines.length), `no header; expected columns ${COLUMNS.join(', ')}`);
  const workers = new Map<number, WorkerTrace>();
  for (const [w, { timesS, factors }] of acc) workers.set(w, { timesS, factors });
  return { source, workers };
}

/** The factor of `trace` at `timeS`: the last point at or before `timeS`, or 1 before the first. */
export function traceFactorAt(trace: WorkerTrace, timeS: number): number {
  // Binary search for the last index with timesS[i] <= timeS.
  let lo = 0;
  let hi = trace.timesS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (trace.timesS[mid]! <= timeS) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 1 : trace.factors[lo - 1]!;
}

/** A model replaying `trace` (see the file comment). Draws nothing. */
export function traceSlowdown(trace: SlowdownTrace): SlowdownModel {
  return {
    kind: 'trace',
    forWorker: (w): WorkerSlowdown => {
      const wt = trace.workers.get(w);
      return wt === undefined ? NO_SLOWDOWN : { taskFactor: (t) => traceFactorAt(wt, t) };
    },
  };
}
