import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  csvFiles,
  evalsCsv,
  EVALS_COLUMNS,
  metricsCsv,
  METRICS_COLUMNS,
  summaryCsv,
  RUN_KEY_COLUMN,
  SUMMARY_COLUMNS,
  updatesCsv,
  UPDATES_COLUMNS,
  workersCsv,
  WORKERS_COLUMNS,
} from '../../src/results/csv.ts';
import { csvNumber, csvText } from '../../src/results/csv-cells.ts';
import { makeRun, workerRow } from './fixtures.ts';
import { cellNumber, parseCsv } from './csv-parse.ts';

describe('csv cells', () => {
  it('writes numbers in shortest round-trip form, integers without a point, missing as empty and NaN as NaN', () => {
    expect(csvNumber(3)).toBe('3');
    expect(csvNumber(-0)).toBe('0');
    expect(csvNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvNumber(1e-7)).toBe('1e-7');
    expect(csvNumber(2.5e21)).toBe('2.5e+21');
    expect(csvNumber(undefined)).toBe('');
    expect(csvNumber(Number.NaN)).toBe('NaN');
    expect(csvNumber(Infinity)).toBe('Infinity');
    expect(csvNumber(-Infinity)).toBe('-Infinity');
  });

  it('quotes text only when CSV needs it', () => {
    expect(csvText('sync-allreduce')).toBe('sync-allreduce');
    expect(csvText('')).toBe('');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
  });
});

describe('csv tables', () => {
  it('writes the documented headers in order', () => {
    expect(summaryCsv([]).split('\n')[0]).toBe([...SUMMARY_COLUMNS, RUN_KEY_COLUMN].join(','));
    expect(evalsCsv([])).toBe(`${EVALS_COLUMNS.join(',')}\n`);
    expect(updatesCsv([])).toBe(`${UPDATES_COLUMNS.join(',')}\n`);
    expect(workersCsv([])).toBe(`${WORKERS_COLUMNS.join(',')}\n`);
    expect(SUMMARY_COLUMNS).toContain('throughput_samples_per_s');
  });

  it('writes summary.csv with throughput, empty missing cells, the flags and quoted text', () => {
    const run = makeRun({
      label: 'training.schedule.kind=async-ps',
      timing: 'profile:resnet50 (fwd 4.1, GFLOP)',
      schedule: 'async-ps',
    });
    expect(summaryCsv([run])).toBe(
      `${[...SUMMARY_COLUMNS, RUN_KEY_COLUMN].join(',')}\n` +
        // throughput = 1280 samples / 10 s = 128; time_to_target is missing → empty; not diverged, not collapsed; peak memory 4 GB;
        // an image profile: no tokens/s, model FLOPs or MFU (empty).
        '0,demo,training.schedule.kind=async-ps,async-ps,full,2,7,"profile:resnet50 (fwd 4.1, GFLOP)",10,20,1280,128,0.25,0.9,0.91,,2500000000,0,0,0.8,updates reached 20,false,false,4000000000,,,,\n',
    );
  });

  it('writes a diverged run with NaN results, and the diverged and collapsed columns as true/false', () => {
    const reason = 'diverged at update 3 (t = 0.04 s): non-finite training loss (NaN)';
    const diverged = makeRun({
      finalLoss: Number.NaN,
      finalAccuracy: Number.NaN,
      stopReason: reason,
      divergence: reason,
    });
    const collapsed = makeRun({ runId: 1, finalAccuracy: 0.1135, collapse: { sinceUpdates: 12, sinceTimeS: 6 } });
    const rows = parseCsv(summaryCsv([diverged, collapsed]));
    const col = (name: (typeof SUMMARY_COLUMNS)[number]): string[] =>
      rows.slice(1).map((r) => r[SUMMARY_COLUMNS.indexOf(name)]!);
    expect(col('final_loss')).toEqual(['NaN', '0.25']);
    expect(col('final_accuracy')).toEqual(['NaN', '0.1135']);
    expect(col('time_to_target_s')).toEqual(['', '']);
    expect(col('stop_reason')).toEqual([reason, 'updates reached 20']);
    expect(col('diverged')).toEqual(['true', 'false']);
    expect(col('collapsed')).toEqual(['false', 'true']);
  });

  it('adds a time_to_<accuracy>_s column per accuracy threshold of any run, empty where not reached or not asked', () => {
    const runs = [
      makeRun({
        thresholds: [
          { accuracy: 0.9, timeS: 4.5 },
          { accuracy: 0.925, timeS: undefined },
        ],
      }),
      makeRun({ runId: 1, thresholds: [{ accuracy: 0.5, timeS: 1 }] }),
      makeRun({ runId: 2 }),
    ];
    const rows = parseCsv(summaryCsv(runs));
    expect(rows[0]!.slice(SUMMARY_COLUMNS.length)).toEqual([
      'time_to_0.50_s',
      'time_to_0.90_s',
      'time_to_0.925_s',
      RUN_KEY_COLUMN,
    ]);
    expect(rows.slice(1).map((r) => r.slice(SUMMARY_COLUMNS.length))).toEqual([
      ['', '4.5', '', ''],
      ['1', '', '', ''],
      ['', '', '', ''],
    ]);
    // Without thresholds the table is exactly the fixed columns and run_key.
    expect(parseCsv(summaryCsv([makeRun()]))[0]).toEqual([...SUMMARY_COLUMNS, RUN_KEY_COLUMN]);
  });

  it('leaves throughput empty when no simulated time passed', () => {
    const rows = parseCsv(summaryCsv([makeRun({ simTimeS: 0 })]));
    expect(rows[1]![SUMMARY_COLUMNS.indexOf('throughput_samples_per_s')]).toBe('');
  });

  it('writes evals.csv, updates.csv (staleness derived) and workers.csv row by row', () => {
    const runs = [
      makeRun(),
      makeRun({
        runId: 1,
        workerRows: [workerRow(0, { gpu: 'V100, 32GB', meanStaleness: undefined })],
        evals: [],
        updateRows: [],
      }),
    ];
    expect(evalsCsv(runs)).toBe(
      'run_id,sim_time_s,updates,samples,epoch,loss,accuracy\n0,5,10,640,0.01,0.5,0.8\n0,10,20,1280,0.02,0.25,0.9\n',
    );
    expect(updatesCsv(runs)).toBe(
      'run_id,sim_time_s,worker,stage,version_read,version_applied,staleness,loss,version_backward\n0,0.5,0,0,0,0,0,2.3,\n0,1,1,0,0,1,1,,\n',
    );
    expect(workersCsv(runs)).toBe(
      'run_id,worker,node,gpu,compute_s,comm_s,idle_s,updates,utilization,mean_staleness,max_staleness,peak_memory_bytes,stage,peak_weight_versions,peak_activations\n' +
        '0,0,0,A100-80GB,8,1.5,0.5,10,0.8,0,0,4000000000,,,\n0,1,0,A100-80GB,8,1.5,0.5,10,0.8,0,0,4000000000,,,\n' +
        '1,0,0,"V100, 32GB",8,1.5,0.5,10,0.8,,0,4000000000,,,\n',
    );
  });

  it('writes version_backward only where the backward pass used another version than the forward', () => {
    const row = { timeS: 1, worker: 0, stage: 2, versionRead: 3, versionApplied: 5, loss: undefined };
    const run = makeRun({
      updateRows: [row, { ...row, versionBackward: 3 }, { ...row, versionBackward: 4 }],
    });
    expect(updatesCsv([run])).toBe(
      'run_id,sim_time_s,worker,stage,version_read,version_applied,staleness,loss,version_backward\n' +
        '0,1,0,2,3,5,2,,\n0,1,0,2,3,5,2,,\n0,1,0,2,3,5,2,,4\n',
    );
  });

  it('gives byte-identical text for the same input', () => {
    const runs = [makeRun(), makeRun({ runId: 1, seed: 8 })];
    expect(csvFiles(runs)).toEqual(csvFiles(runs.map((r) => ({ ...r }))));
  });

  it('writes metrics.csv, one row per measurement, only when some run reported one', () => {
    const runs = [
      makeRun(),
      makeRun({
        runId: 1,
        metrics: [
          { timeS: 0.5, worker: 2, name: 'conflicts', value: 3 },
          { timeS: 0.75, worker: undefined, name: 'lost_updates', value: 0 },
        ],
      }),
    ];
    expect(METRICS_COLUMNS).toEqual(['run_id', 'sim_time_s', 'worker', 'name', 'value']);
    expect(metricsCsv(runs)).toBe('run_id,sim_time_s,worker,name,value\n1,0.5,2,conflicts,3\n1,0.75,,lost_updates,0\n');
    expect(csvFiles(runs)['metrics.csv']).toBe(metricsCsv(runs));
    expect(Object.keys(csvFiles([makeRun()]))).not.toContain('metrics.csv');
  });

  it('leaves updates.csv out when no run kept update rows, unless asked', () => {
    const runs = [makeRun({ updateRows: [] })];
    expect(Object.keys(csvFiles(runs)).sort()).toEqual(['evals.csv', 'summary.csv', 'workers.csv']);
    expect(Object.keys(csvFiles(runs, true))).toContain('updates.csv');
    expect(Object.keys(csvFiles([makeRun()]))).toContain('updates.csv');
  });

  it('round-trips any double, NaN, ±Infinity and a missing loss through updates.csv and evals.csv', () => {
    const num = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant(Number.NaN),
      fc.constant(Infinity),
      fc.constant(-Infinity),
      fc.integer(),
    );
    const loss = fc.oneof(num, fc.constant(undefined));
    fc.assert(
      fc.property(fc.array(fc.tuple(num, num, num, loss), { minLength: 1, maxLength: 30 }), (rows) => {
        const triples = rows.map(([t, l, a]) => [t, l, a] as const);
        const run = makeRun({
          updateRows: rows.map(([t, , , l], i) => ({
            timeS: t,
            worker: i,
            stage: 0,
            versionRead: i,
            versionApplied: i + 2,
            loss: l,
          })),
          evals: triples.map(([t, l, a]) => ({ timeS: t, updates: 1, samples: 2, epoch: a, loss: l, accuracy: a })),
        });
        const upd = parseCsv(updatesCsv([run])).slice(1);
        const ev = parseCsv(evalsCsv([run])).slice(1);
        triples.forEach(([t, l, a], i) => {
          // Object.is: -0 is written as 0 (String(-0)), which is the one value not preserved bit for bit.
          const same = (x: number | undefined, y: number | undefined): boolean =>
            Object.is(x, y) || (x === 0 && y === 0);
          expect(same(cellNumber(upd[i]![1]!), t)).toBe(true);
          // A missing loss is an empty cell, never the same text as NaN.
          expect(same(cellNumber(upd[i]![7]!), rows[i]![3])).toBe(true);
          expect(cellNumber(upd[i]![6]!)).toBe(2);
          expect(same(cellNumber(ev[i]![4]!), a)).toBe(true);
          expect(same(cellNumber(ev[i]![5]!), l)).toBe(true);
        });
      }),
      { seed: 4242, numRuns: 200 },
    );
  });

  it('round-trips arbitrary text through the quoted columns of summary.csv', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (label, reason) => {
        const rows = parseCsv(summaryCsv([makeRun({ label, stopReason: reason })]));
        expect(rows).toHaveLength(2);
        expect(rows[1]![SUMMARY_COLUMNS.indexOf('point')]).toBe(label);
        expect(rows[1]![SUMMARY_COLUMNS.indexOf('stop_reason')]).toBe(reason);
      }),
      { seed: 99, numRuns: 200 },
    );
  });

  it('writes 100k update rows with one line each', () => {
    const updateRows = Array.from({ length: 100_000 }, (_, i) => ({
      timeS: i * 1e-3,
      worker: i % 64,
      stage: 0,
      versionRead: i,
      versionApplied: i + (i % 5),
      loss: 1 / (i + 1),
    }));
    const text = updatesCsv([makeRun({ updateRows })]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(100_002); // header, rows, and the empty string after the final newline
    expect(lines[100_000]).toBe(`0,99.999,31,0,99999,100003,4,${String(1 / 100_000)},`);
  });
});
