/** Unit tests of the plot specs: the timeline's bounds, and the CSV reader the plots use. */
import { describe, expect, it } from 'vitest';
import { parseTable } from '../../src/results/plots/tables.ts';
import { timelinePlot } from '../../src/results/plots/spec-timeline.ts';
import type { TraceSpan } from '../../src/results/plots/tables.ts';

describe('plot inputs and specs', () => {
  it('reads quoted cells, doubled quotes and empty cells', () => {
    const t = parseTable('a,b,c\n1,"x, ""y""",\n');
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([{ a: '1', b: 'x, "y"', c: '' }]);
  });

  it('bounds the timeline to the first workers and spans, and says so in the subtitle', () => {
    const spans: TraceSpan[] = [];
    for (let w = 0; w < 20; w++)
      for (let k = 0; k < 10; k++) spans.push({ runId: 0, worker: w, kind: 'compute', startS: k, endS: k + 0.5 });
    const p = timelinePlot({ spans, workers: new Map([[0, [...Array(20).keys()]]]) }, [], {
      runs: 4,
      workers: 16,
      spansPerRun: 80,
    });
    if (!('spec' in p)) throw new Error(p.reason);
    const spec = p.spec as { title: { subtitle: string }; data: { values: { worker: string; end: number }[] } };
    expect(spec.title.subtitle).toContain('workers 0–15 of 20');
    expect(spec.title.subtitle).toContain('(80 of 160 spans)');
    const workers = new Set(spec.data.values.map((v) => v.worker));
    expect(workers.size).toBe(16);
    expect(Math.max(...spec.data.values.map((v) => v.end))).toBeLessThanOrEqual(5);
  });
});
