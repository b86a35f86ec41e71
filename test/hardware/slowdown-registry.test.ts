import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { STRAGGLER_MODELS, createStraggler } from '../../src/hardware/slowdown-registry.ts';
import type { SlowdownModel } from '../../src/hardware/slowdown.ts';

function factors(m: SlowdownModel, timesS: readonly number[], worker = 0): number[] {
  const s = m.forWorker(worker, new Rng(3).fork(`w${worker}`));
  return timesS.map((t) => s.taskFactor(t));
}

describe('STRAGGLER_MODELS', () => {
  it('registers constant, lognormal, spike, periodic and trace, each with a description and options', () => {
    expect(Object.keys(STRAGGLER_MODELS)).toEqual(['constant', 'lognormal', 'spike', 'periodic', 'trace']);
    for (const e of Object.values(STRAGGLER_MODELS)) {
      expect(e.description.length).toBeGreaterThan(10);
      for (const o of Object.values(e.options)) expect(o.description.length).toBeGreaterThan(5);
    }
  });

  it('makes a constant factor limited to the listed workers', () => {
    const m = createStraggler('constant', { factor: 3 }, [1]);
    expect(m.kind).toBe('constant');
    expect(factors(m, [0, 1], 1)).toEqual([3, 3]);
    expect(factors(m, [0, 1], 0)).toEqual([1, 1]);
  });

  it('takes durations in seconds: a periodic window of 5 s every 60 s from phase 10 s', () => {
    const m = createStraggler('periodic', { period: 60, duration: 5, factor: 2, phase: 10 });
    // Windows [10, 15), [70, 75), ...; also [-50, -45) before the phase, so t = 0 is outside.
    expect(factors(m, [0, 10, 14.9, 15, 70, 76])).toEqual([1, 2, 2, 1, 2, 1]);
  });

  it('passes spike and lognormal options through, checking them as the models do', () => {
    const spike = createStraggler('spike', { probability: 1, factor: 4, duration: 10 });
    expect(factors(spike, [0, 5, 9.9])).toEqual([4, 4, 4]);
    expect(createStraggler('lognormal', { sigma: 0, meanOne: false }).kind).toBe('lognormal');
    expect(() => createStraggler('lognormal', { sigma: 0.1, mu: 0, meanOne: true })).toThrow(/either mu or meanOne/);
    expect(() => createStraggler('spike', { probability: 2, factor: 1, duration: 0 })).toThrow(
      /probability must be in \[0, 1\]/,
    );
  });

  it('replays a trace from the text the caller read, named by its file in messages', () => {
    const m = createStraggler('trace', { file: 'slow.csv', text: 'time_s,worker,factor\n0,2,1.5\n10,2,1\n' });
    expect(factors(m, [0, 9, 10], 2)).toEqual([1.5, 1.5, 1]);
    expect(() => createStraggler('trace', { file: 'bad.csv', text: 'time_s,worker\n' })).toThrow(
      /^bad\.csv:1: header must name columns/,
    );
    expect(() => createStraggler('trace', { file: 'a.csv', text: 'time_s,worker,factor\n' }, [0])).toThrow(
      /trace names its workers/,
    );
  });

  it('rejects an unknown kind listing the known ones, and a missing option', () => {
    expect(() => createStraggler('slow', {})).toThrow(
      "unknown straggler model 'slow' (known: constant, lognormal, spike, periodic, trace)",
    );
    expect(() => createStraggler('constant', {})).toThrow(/factor must be a number/);
  });
});
