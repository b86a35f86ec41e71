import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { processName, threadName, traceJson, traceThreadSlots } from '../../src/results/trace.ts';
import type { SpanRecord } from '../../src/results/recorder.ts';
import { makeRun, workerRow } from './fixtures.ts';

interface Ev {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  cat?: string;
  ts?: number;
  dur?: number;
  s?: string;
  args?: Record<string, unknown>;
}
interface Trace {
  traceEvents: Ev[];
  displayTimeUnit: string;
  otherData: Record<string, unknown>;
}

const parse = (text: string): Trace => JSON.parse(text) as Trace;

/**
 * Checks what Perfetto's JSON importer needs: required fields per phase, non-negative times, and
 * complete events on one thread that either nest or are disjoint, compared in integer nanoseconds as
 * Perfetto does (llround(us * 1000)).
 */
function checkValid(t: Trace): void {
  expect(Array.isArray(t.traceEvents)).toBe(true);
  expect(t.displayTimeUnit).toBe('ms');
  const byThread = new Map<string, Array<[number, number]>>();
  for (const e of t.traceEvents) {
    expect(typeof e.name).toBe('string');
    expect(['X', 'M', 'i']).toContain(e.ph);
    expect(Number.isInteger(e.pid) && e.pid > 0).toBe(true);
    expect(Number.isInteger(e.tid) && e.tid > 0).toBe(true);
    if (e.ph === 'M') {
      expect(e.ts).toBeUndefined();
      expect(e.args).toBeDefined();
      continue;
    }
    expect(typeof e.ts).toBe('number');
    expect(e.ts!).toBeGreaterThanOrEqual(0);
    if (e.ph === 'i') continue;
    expect(typeof e.cat).toBe('string');
    expect(e.dur!).toBeGreaterThanOrEqual(0);
    const key = `${e.pid}/${e.tid}`;
    const start = Math.round(e.ts! * 1000);
    const list = byThread.get(key) ?? [];
    list.push([start, start + Math.round(e.dur! * 1000)]);
    byThread.set(key, list);
  }
  for (const [key, spans] of byThread) {
    const sorted = [...spans].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const stack: Array<[number, number]> = [];
    for (const [s, e] of sorted) {
      while (stack.length > 0 && stack[stack.length - 1]![1] <= s) stack.pop();
      const top = stack[stack.length - 1];
      if (top !== undefined && e > top[1])
        throw new Error(`thread ${key}: [${s}, ${e}] overlaps [${top[0]}, ${top[1]}] without nesting`);
      stack.push([s, e]);
    }
  }
}

describe('trace.json', () => {
  it('is valid Trace Event Format JSON with process and thread names', () => {
    const t = parse(
      traceJson([makeRun(), makeRun({ runId: 1, schedule: 'async-ps', label: 'training.schedule.kind=async-ps' })]),
    );
    checkValid(t);
    const meta = t.traceEvents.filter((e) => e.ph === 'M');
    expect(meta.filter((e) => e.name === 'process_name').map((e) => e.args!['name'])).toEqual([
      'run 0: sync-allreduce',
      'run 1: async-ps [training.schedule.kind=async-ps]',
    ]);
    expect(meta.filter((e) => e.name === 'thread_name').map((e) => e.args!['name'])).toEqual([
      'worker 0 (node 0, A100-80GB)',
      'worker 1 (node 0, A100-80GB)',
      'worker 0 (node 0, A100-80GB)',
      'worker 1 (node 0, A100-80GB)',
    ]);
    expect(t.otherData['generator']).toBe('dtsim');
  });

  it('writes spans as complete events in microseconds, with the span kind as category', () => {
    const t = parse(traceJson([makeRun()]));
    const x = t.traceEvents.filter((e) => e.ph === 'X');
    expect(x).toHaveLength(4);
    expect(x[1]).toEqual({
      name: 'all-reduce ring 1 MB',
      cat: 'comm',
      ph: 'X',
      pid: 1,
      tid: 1,
      ts: 400000,
      dur: 100000,
    });
    expect(new Set(x.map((e) => e.cat))).toEqual(new Set(['compute', 'comm', 'wait']));
  });

  it('keeps tids unique across runs, because Perfetto names threads by tid alone', () => {
    const runs = [makeRun({ workers: 3 }), makeRun({ runId: 1 }), makeRun({ runId: 2 })];
    const t = parse(traceJson(runs));
    const owner = new Map<number, number>();
    for (const e of t.traceEvents) {
      if (owner.has(e.tid)) expect(owner.get(e.tid)).toBe(e.pid);
      owner.set(e.tid, e.pid);
    }
    expect(traceThreadSlots(runs[0]!)).toBe(3);
    expect(Math.min(...t.traceEvents.filter((e) => e.pid === 2).map((e) => e.tid))).toBe(4);
  });

  it('names a worker without a workers row by number only', () => {
    expect(threadName(5, undefined)).toBe('worker 5');
    expect(threadName(5, workerRow(5))).toBe('worker 5 (node 1, A100-80GB)');
    expect(threadName(5, { ...workerRow(5), stage: 2 })).toBe('worker 5 · stage 2 (node 1, A100-80GB)');
    expect(processName(makeRun({ label: '' }))).toBe('run 0: sync-allreduce');
  });

  it('never lets back-to-back spans overlap after conversion, whatever the float noise', () => {
    // Spans that abut in seconds must abut (not overlap) in Perfetto's integer nanoseconds.
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-9, max: 3, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (durs, t0) => {
          const spans: SpanRecord[] = [];
          let t = t0;
          for (const d of durs) {
            spans.push({ worker: 0, kind: 'compute', name: 'c', startS: t, durationS: d });
            t += d;
          }
          checkValid(parse(traceJson([makeRun({ spans })])));
        },
      ),
      { seed: 31337, numRuns: 200 },
    );
  });

  it('orders a parent before a child that starts at the same time', () => {
    const spans: SpanRecord[] = [
      { worker: 0, kind: 'compute', name: 'child', startS: 1, durationS: 0.5 },
      { worker: 0, kind: 'compute', name: 'parent', startS: 1, durationS: 2 },
    ];
    const t = parse(traceJson([makeRun({ spans })]));
    checkValid(t);
    expect(t.traceEvents.filter((e) => e.ph === 'X').map((e) => e.name)).toEqual(['parent', 'child']);
  });

  it('notes dropped spans in otherData and with an instant event at the end of the kept ones', () => {
    const t = parse(traceJson([makeRun({ traceDropped: 1234 })]));
    checkValid(t);
    expect(String(t.otherData['note'])).toContain('run 0 dropped 1234 spans');
    expect(t.otherData['dropped_spans']).toBe(1234);
    const marks = t.traceEvents.filter((e) => e.ph === 'i');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ s: 'p', pid: 1, ts: 500000, args: { dropped_spans: 1234 } });
  });

  it('has no note when nothing was dropped, and is deterministic', () => {
    const text = traceJson([makeRun()]);
    expect(parse(text).otherData['note']).toBeUndefined();
    expect(traceJson([makeRun()])).toBe(text);
  });

  it('writes a valid trace for runs without spans', () => {
    const t = parse(traceJson([makeRun({ spans: [] })]));
    checkValid(t);
    expect(t.traceEvents.filter((e) => e.ph === 'X')).toHaveLength(0);
    expect(parse(traceJson([])).traceEvents).toEqual([]);
  });

  it('rejects spans with negative or non-finite times', () => {
    const bad = (startS: number, durationS: number): string =>
      traceJson([makeRun({ spans: [{ worker: 0, kind: 'compute', name: 'x', startS, durationS }] })]);
    expect(() => bad(-1, 1)).toThrow(RangeError);
    expect(() => bad(0, Number.NaN)).toThrow(RangeError);
    expect(() => bad(Infinity, 1)).toThrow(RangeError);
  });
});
