import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../src/results/summary-table.ts';
import { makeRun } from './fixtures.ts';

const runs = [
  makeRun({ label: 'schedule=sync' }),
  makeRun({
    runId: 1,
    label: 'schedule=async',
    schedule: 'async-ps',
    workers: 16,
    simTimeS: 252,
    updates: 123456,
    samples: 3.2e6,
    finalAccuracy: 0.9123,
    bestAccuracy: 0.95,
    timeToTargetS: 5400,
    bytesSent: 1.234e12,
    meanStaleness: 14.98,
    maxStaleness: 31,
    meanUtilization: 0.632,
    timing: 'profile:resnet50',
    traceDropped: 5,
    notes: ['trace.json keeps the first 3 spans of 8 (output.traceLimit 3)'],
  }),
  makeRun({
    runId: 2,
    label: 'schedule=local',
    schedule: 'local-sgd',
    mode: 'timing-only',
    simTimeS: 0.25,
    finalAccuracy: undefined,
    bestAccuracy: undefined,
    meanStaleness: undefined,
    maxStaleness: undefined,
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
        'note run 1: trace.json keeps the first 3 spans of 8 (output.traceLimit 3)',
        '',
      ].join('\n'),
    );
  });

  it('prints a note shared by every run once', () => {
    const note = 'no updates.csv rows: output.updates is off by default above 1,024 workers';
    const text = formatSummaryTable([makeRun({ notes: [note] }), makeRun({ runId: 1, notes: [note] })]);
    expect(text.endsWith(`\nnote (all runs): ${note}\n`)).toBe(true);
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
    // eslint-disable-next-line no-control-regex -- strips the ANSI colour codes
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(formatSummaryTable([makeRun()]));
  });

  it('marks a diverged and a collapsed run with ! and explains each in a footnote', () => {
    const reason = 'diverged at update 3 (t = 0.04 s): non-finite training loss (NaN)';
    const text = formatSummaryTable([
      makeRun({ label: 'ok' }),
      makeRun({
        runId: 1,
        label: 'bad',
        finalLoss: Number.NaN,
        finalAccuracy: Number.NaN,
        stopReason: reason,
        divergence: reason,
      }),
      makeRun({ runId: 2, label: 'flat', finalAccuracy: 0.107, collapse: { sinceUpdates: 593, sinceTimeS: 2.05 } }),
    ]);
    const lines = text.split('\n');
    const acc = (run: number): string => {
      const header = lines[0]!;
      const end = header.indexOf('final acc') + 'final acc'.length;
      return lines[2 + run]!.slice(0, end)
        .trimEnd()
        .split(/\s{2,}/)
        .pop()!;
    };
    expect(acc(0)).toBe('90.0%');
    expect(acc(1)).toBe('! NaN');
    expect(acc(2)).toBe('! 10.7%');
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(`! run 1 ${reason}; the run stopped there`);
    expect(flat).toContain(
      '! run 2 collapsed: from update 593 (t = 2.0 s) to the end, it predicted the same class for every test sample',
    );
    expect(text).not.toMatch(/! run 0/);
    // Footnotes are wrapped to a readable width.
    for (const l of lines.slice(5)) expect(l.length).toBeLessThanOrEqual(100);
  });

  it('says when a divergence was found only after another stop condition ended the run', () => {
    const d = 'diverged at update 20 (t = 10 s): non-finite parameters';
    const text = formatSummaryTable([makeRun({ stopReason: `updates reached 20; ${d}`, divergence: d })]);
    expect(text.replace(/\s+/g, ' ')).toContain('the run had already stopped (updates reached 20)');
  });

  it('prints the description above the table, wrapped', () => {
    const description = 'Four schedules on one mixed cluster. '.repeat(6).trim();
    const text = formatSummaryTable([makeRun()], { description });
    const lines = text.split('\n');
    expect(lines[0]!.startsWith('Four schedules on one mixed cluster.')).toBe(true);
    expect(lines[0]!.length).toBeLessThanOrEqual(100);
    const blank = lines.indexOf('');
    expect(lines.slice(0, blank).join(' ')).toBe(description);
    expect(lines[blank + 1]!.startsWith('run  point')).toBe(true);
  });

  it('says so when there are no runs', () => {
    expect(formatSummaryTable([])).toContain('(no runs)');
  });
});
