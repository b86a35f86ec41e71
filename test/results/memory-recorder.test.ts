import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryRecorder } from '../../src/results/memory-recorder.ts';
import type { UpdateRecord } from '../../src/results/recorder.ts';

const upd = (
  worker: number,
  versionRead: number,
  versionApplied: number,
  timeS = 1,
  loss: number | undefined = 0.5,
): UpdateRecord => ({
  timeS,
  worker,
  stage: 0,
  versionRead,
  versionApplied,
  loss,
});

describe('MemoryRecorder', () => {
  it('gives back kept update rows in record order, losses, NaN and missing losses intact', () => {
    const rec = new MemoryRecorder({ updates: true, spans: false, traceLimit: 0 });
    const rows = [
      upd(1, 0, 0, 0.25, 2.5),
      upd(0, 0, 1, 0.5, Number.NaN),
      { ...upd(2, 1, 1, 0.6), loss: undefined },
      { ...upd(3, 4, 9, 1.75), stage: 2 },
    ];
    for (const r of rows) rec.update(r);
    expect([...rec.updateRows()]).toEqual(rows);
    expect(rec.updateRows().at(2)!.loss).toBeUndefined();
    expect(rec.updateRows().at(-1)).toEqual(rows[3]);
    expect(rec.updateRows().at(4)).toBeUndefined();
    expect(rec.updateCount).toBe(4);
  });

  it('keeps versionBackward only where it differs from versionRead, and rejects a bad one', () => {
    const rec = new MemoryRecorder({ updates: true, spans: false, traceLimit: 0 });
    rec.update(upd(0, 2, 5));
    rec.update({ ...upd(0, 2, 5), versionBackward: 2 });
    rec.update({ ...upd(1, 2, 5), stage: 3, versionBackward: 4 });
    const rows = [...rec.updateRows()];
    expect(rows.map((r) => 'versionBackward' in r)).toEqual([false, false, true]);
    expect(rows[2]).toEqual({ ...upd(1, 2, 5), stage: 3, versionBackward: 4 });
    expect(() => rec.update({ ...upd(0, 2, 5), versionBackward: Number.NaN })).toThrow(/versionBackward/);
    expect(() => rec.update({ ...upd(0, 2, 5), versionBackward: -1 })).toThrow(RangeError);
    expect(rec.updateCount).toBe(3);
  });

  it('keeps staleness statistics but no rows when updates are off', () => {
    const rec = new MemoryRecorder({ updates: false, spans: false, traceLimit: 0, workers: 4 });
    rec.update(upd(0, 5, 5)); // τ = 0
    rec.update(upd(1, 2, 5)); // τ = 3
    rec.update(upd(1, 4, 5)); // τ = 1
    expect([...rec.updateRows()]).toEqual([]);
    expect(rec.stalenessStats()).toEqual({ count: 3, mean: 4 / 3, max: 3 });
    expect(rec.perWorkerStaleness(1)).toEqual({ count: 2, mean: 2, max: 3 });
    expect(rec.perWorkerStaleness(0)).toEqual({ count: 1, mean: 0, max: 0 });
  });

  it('keeps at most updatesLimit rows, counts the rest, and still counts them all in the staleness statistics', () => {
    const rec = new MemoryRecorder({ updates: true, spans: false, traceLimit: 0, updatesLimit: 2 });
    for (let i = 0; i < 5; i++) rec.update(upd(0, i, i + 1, i));
    expect([...rec.updateRows()].map((u) => u.timeS)).toEqual([0, 1]);
    expect(rec.updatesDropped).toBe(3);
    expect(rec.stalenessStats()).toEqual({ count: 5, mean: 1, max: 1 });
    expect(() => new MemoryRecorder({ updates: true, spans: false, traceLimit: 0, updatesLimit: -1 })).toThrow(
      RangeError,
    );
  });

  it('reports a missing (undefined) mean and max for a worker without updates, and for an empty run', () => {
    const rec = new MemoryRecorder({ updates: false, spans: false, traceLimit: 0, workers: 2 });
    expect(rec.stalenessStats()).toEqual({ count: 0, mean: undefined, max: undefined });
    rec.update(upd(0, 0, 0));
    expect(rec.perWorkerStaleness(1)).toEqual({ count: 0, mean: undefined, max: undefined });
    expect(rec.perWorkerStaleness(99)).toEqual({ count: 0, mean: undefined, max: undefined });
  });

  it('grows past the preallocated worker count and the initial row capacity', () => {
    const rec = new MemoryRecorder({ updates: true, spans: false, traceLimit: 0, workers: 1 });
    for (let i = 0; i < 5000; i++) rec.update(upd(i % 3000, 0, i % 7));
    expect(rec.updateRows()).toHaveLength(5000);
    expect(rec.perWorkerStaleness(2999).count).toBe(1);
    expect(rec.perWorkerStaleness(5).count).toBe(2);
  });

  it('rejects negative staleness and bad worker indices (a schedule bug, never data)', () => {
    const rec = new MemoryRecorder({ updates: false, spans: false, traceLimit: 0 });
    expect(() => rec.update(upd(0, 3, 2))).toThrow(RangeError);
    expect(() => rec.update(upd(-1, 0, 0))).toThrow(RangeError);
    expect(() => rec.update(upd(0.5, 0, 0))).toThrow(RangeError);
    expect(() => new MemoryRecorder({ updates: false, spans: true, traceLimit: -1 })).toThrow(RangeError);
  });

  it('matches a naive computation of run-wide and per-worker staleness', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 20 })),
          { maxLength: 200 },
        ),
        fc.boolean(),
        (rows, keep) => {
          const rec = new MemoryRecorder({ updates: keep, spans: false, traceLimit: 0, workers: 3 });
          for (const [w, read, tau] of rows) rec.update(upd(w, read, read + tau));
          const taus = rows.map(([, , t]) => t);
          const all = rec.stalenessStats();
          expect(all.count).toBe(rows.length);
          if (rows.length > 0) {
            expect(all.max).toBe(Math.max(...taus));
            expect(all.mean).toBeCloseTo(taus.reduce((a, b) => a + b, 0) / taus.length, 12);
          }
          for (let w = 0; w < 10; w++) {
            const mine = rows.filter(([x]) => x === w).map(([, , t]) => t);
            const st = rec.perWorkerStaleness(w);
            expect(st.count).toBe(mine.length);
            if (mine.length > 0) expect(st.max).toBe(Math.max(...mine));
          }
          expect(rec.updateRows()).toHaveLength(keep ? rows.length : 0);
        },
      ),
      { seed: 11, numRuns: 100 },
    );
  });

  it('keeps spans up to traceLimit and counts the rest', () => {
    const rec = new MemoryRecorder({ updates: false, spans: true, traceLimit: 2 });
    const kinds = ['compute', 'comm', 'wait'] as const;
    for (let i = 0; i < 5; i++) rec.span({ worker: i, kind: kinds[i % 3]!, name: `s${i}`, startS: i, durationS: 0.5 });
    expect(rec.spans()).toEqual([
      { worker: 0, kind: 'compute', name: 's0', startS: 0, durationS: 0.5 },
      { worker: 1, kind: 'comm', name: 's1', startS: 1, durationS: 0.5 },
    ]);
    expect(rec.traceDropped).toBe(3);
  });

  it('keeps every kind of span under a large limit', () => {
    const rec = new MemoryRecorder({ updates: false, spans: true, traceLimit: 1_000_000 });
    for (let i = 0; i < 3000; i++)
      rec.span({ worker: i % 4, kind: i % 2 === 0 ? 'compute' : 'wait', name: 'x', startS: i, durationS: 1 });
    expect(rec.spans()).toHaveLength(3000);
    expect(rec.spans()[2999]).toEqual({ worker: 3, kind: 'wait', name: 'x', startS: 2999, durationS: 1 });
    expect(rec.traceDropped).toBe(0);
  });

  it('stores and counts nothing when spans are off', () => {
    const rec = new MemoryRecorder({ updates: false, spans: false, traceLimit: 10 });
    rec.span({ worker: 0, kind: 'compute', name: 'x', startS: 0, durationS: 1 });
    expect(rec.wantsSpans).toBe(false);
    expect(rec.spans()).toEqual([]);
    expect(rec.traceDropped).toBe(0);
  });

  it('returns evaluations in order, as a copy', () => {
    const rec = new MemoryRecorder({ updates: false, spans: false, traceLimit: 0 });
    const e = { timeS: 1, updates: 2, samples: 64, epoch: 0.1, loss: 1, accuracy: 0.5 };
    rec.eval(e);
    const got = rec.evals();
    got.push(e);
    expect(rec.evals()).toEqual([e]);
  });
});
