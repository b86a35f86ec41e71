import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/core/rng.ts';
import {
  TraceParseError,
  parseSlowdownTrace,
  traceFactorAt,
  traceSlowdown,
} from '../../src/hardware/slowdown-trace.ts';

const CSV = `# measured on cluster B
worker,time_s,factor,note
0,0,1.0,start
0,10,2.5,thermal
1,5,1.2,
0,20,1.0,recovered
`;

describe('parseSlowdownTrace', () => {
  it('reads points per worker in any column order, skipping comments and blank lines', () => {
    const t = parseSlowdownTrace(CSV, 'b.csv');
    expect(t.workers.get(0)).toEqual({ timesS: [0, 10, 20], factors: [1, 2.5, 1] });
    expect(t.workers.get(1)).toEqual({ timesS: [5], factors: [1.2] });
  });

  it('names the source and line of a bad row', () => {
    const bad = (body: string, msg: RegExp): void => {
      const f = (): unknown => parseSlowdownTrace(`time_s,worker,factor\n${body}`, 'trace.csv');
      expect(f).toThrow(TraceParseError);
      expect(f).toThrow(msg);
    };
    bad('0,0,1\n1,0,x', /^trace\.csv:3: factor must be a finite number > 0, got "x"/);
    bad('0,0,0', /trace\.csv:2: factor/);
    bad('-1,0,1', /trace\.csv:2: time_s/);
    bad('0,1.5,1', /trace\.csv:2: worker must be an integer >= 0, got "1.5"/);
    bad('0,0', /trace\.csv:2: expected 3 fields, got 2/);
    bad('5,0,1\n\n5,0,2', /trace\.csv:4: worker 0: time_s 5 is not after 5 \(line 2\)/);
    expect(() => parseSlowdownTrace('t,w,f\n0,0,1', 'x.csv')).toThrow(
      /x\.csv:1: header must name columns time_s, worker, factor/,
    );
    expect(() => parseSlowdownTrace('# only a comment\n', 'e.csv')).toThrow(/e\.csv:\d+: no header/);
  });
});

describe('traceSlowdown', () => {
  it('is piecewise constant between points and 1 before the first and for absent workers', () => {
    const m = traceSlowdown(parseSlowdownTrace(CSV, 'b.csv'));
    const w0 = m.forWorker(0, new Rng(0));
    expect([0, 9.99, 10, 15, 19.99, 20, 1e6].map((t) => w0.taskFactor(t))).toEqual([1, 1, 2.5, 2.5, 2.5, 1, 1]);
    const w1 = m.forWorker(1, new Rng(0));
    expect([0, 4.9, 5, 100].map((t) => w1.taskFactor(t))).toEqual([1, 1, 1.2, 1.2]);
    expect(m.forWorker(7, new Rng(0)).taskFactor(50)).toBe(1);
  });

  it('agrees with a linear scan (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 }),
        fc.integer({ min: -5, max: 1010 }),
        (ts, q) => {
          const timesS = [...ts].sort((a, b) => a - b);
          const factors = timesS.map((_, i) => i + 2);
          let expected = 1;
          timesS.forEach((t, i) => {
            if (t <= q) expected = factors[i]!;
          });
          expect(traceFactorAt({ timesS, factors }, q)).toBe(expected);
        },
      ),
    );
  });
});
