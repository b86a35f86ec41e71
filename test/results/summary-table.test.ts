import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../src/results/summary-table.ts';
import { makeRun } from './fixtures.ts';

const runs = [
  makeRun({ label: 'schedule=sync' }),
  makeRun({
    runId: 1, label: 'schedule=async', schedule: 'async-ps', workers: 16, simTimeS: 252, updates: 123456, samples: 3.2e6,
    finalAccuracy: 0.9123, bestAccuracy: 0.95, timeToTargetS: 5400, bytesSent: 1.234e12, meanStaleness: 14.98,
    maxStaleness: 31, meanUtilization: 0.632, timing: 'profile:resnet50', traceDropped: 5,
  }),
  makeRun({
    runId: 2, label: 'schedule=local', schedule: 'local-sgd', mode: 'timing-only', simTimeS: 0.25, finalAccuracy: Number.NaN,
    bestAccuracy: Number.NaN, meanStaleness: Number.NaN, maxStaleness: Number.NaN,
  }),
];

describe('formatSummaryTable', () => {
  it('prints one aligned row per run, human units, and the timing of each run', () => {
    // samples/s: 3.2e6 / 252 s = 12698.4 → 12.7k; 1280 / 0.25 s = 5120 → 5.1k. 252 s = 4.2 min; 5400 s = 1.5 h.
    expect(formatSummaryTable(runs)).toBe(
      [
        'run  point           schedule        workers  sim time  updates  samples/s  final acc  best acc  to target  staleness mean/max (versions)   util  GB sent',
        '---  --------------  --------------  -------  --------  -------  ---------  ---------  --------  ---------  -----------------------------  -----  -------',
        '  0  schedule=sync   sync-allreduce        2    10.0 s       20      128.0      90.0%     91.0%          -                       0.00 / 0  80.0%     2.50',
        '  1  schedule=async  async-ps             16   4.2 min   123456      12.7k      91.2%     95.0%      1.5 h                     14.98 / 31  63.2%  1234.00',
        '  2  schedule=local  local-sgd             2  250.0 ms       20       5.1k          -         -          -                              -  80.0%     2.50',
        'timing run 0: model:mlp',
        'timing run 1: profile:resnet50',
        'timing run 2: model:mlp',
        'trace run 1: 5 spans beyond the trace limit were dropped',
        '',
      ].join('\n'),
    );
  });

  it('names a shared timing once', () => {
    const text = formatSummaryTable([makeRun(), makeRun({ runId: 1 })]);
    expect(text.endsWith('\ntiming (all runs): model:mlp\n')).toBe(true);
  });

  it('is plain ASCII without color, and wraps only the header and notes in ANSI codes with color', () => {
    const plain = formatSummaryTable(runs);
    expect(/^[\x20-\x7e\n]*$/.test(plain)).toBe(true);
    const colored = formatSummaryTable([makeRun()], { color: true });
    expect(colored.startsWith('\u001b[1mrun  point')).toBe(true);
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(formatSummaryTable([makeRun()]));
  });

  it('says so when there are no runs', () => {
    expect(formatSummaryTable([])).toContain('(no runs)');
  });
});
