/**
 * `dtsim plot`'s pipeline stage grid: a shortened pipelines-deep-mlp run (two schedules, two
 * updates, timing only, with a trace) gives pipeline.svg with a row per stage, ops coloured by kind and
 * micro-batch numbers; a run without a pipeline gets no such plot (trace without stage tracks).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plotFolder } from '../../src/cli/commands/plot.ts';
import { runFile } from '../../src/cli/commands/run.ts';
import { pipelinePlot } from '../../src/results/plots/spec-pipeline.ts';
import type { TraceSpan } from '../../src/results/plots/tables.ts';

const DEEP = resolve(import.meta.dirname, '../../scenarios/pipelines-deep-mlp.yaml');
const root = mkdtempSync(join(tmpdir(), 'dtsim-plot-pipeline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('dtsim plot: pipeline stage grid', () => {
  const results = join(root, 'deep');
  beforeAll(async () => {
    const set = [
      'training.stop={updates: 2}',
      'output.trace=true',
      'sweep={training.schedule: [{kind: gpipe, microBatches: 4}, {kind: zb-h1, microBatches: 4}]}',
    ];
    await runFile(DEEP, { out: results, quiet: true, timingOnly: true, set }, 'wasm');
  }, 120_000);

  it('draws one row per stage, ops coloured by kind, micro-batch numbers where they fit', async () => {
    const lines: string[] = [];
    await plotFolder(results, {}, { out: (t) => lines.push(t) });
    const dir = join(results, 'plots');
    expect(readdirSync(dir)).toContain('pipeline.svg');
    expect(readdirSync(dir)).toContain('pipeline.png');
    const svg = readFileSync(join(dir, 'pipeline.svg'), 'utf8');
    for (const s of ['Pipeline stages over simulated time', 'stage 0', 'stage 3', 'F forward', 'B backward'])
      expect(svg).toContain(s);
    // ZB-H1 splits the backward into I and W.
    expect(svg).toContain('W weight gradient');
    for (const mb of ['>0<', '>3<']) expect(svg).toContain(mb);
  }, 120_000);
});

describe('pipelinePlot', () => {
  it('keeps the first GPU of each stage, bounds the ops to a time prefix, and says so', () => {
    const spans: TraceSpan[] = [];
    for (let st = 0; st < 2; st++)
      for (let rep = 0; rep < 2; rep++)
        for (let mb = 0; mb < 10; mb++) {
          const worker = st + 2 * rep;
          spans.push({
            runId: 0,
            worker,
            stage: st,
            kind: 'compute',
            name: `F${mb}`,
            startS: mb + st,
            endS: mb + st + 0.9,
          });
          spans.push({
            runId: 0,
            worker,
            stage: st,
            kind: 'comm',
            name: `act ${mb}`,
            startS: mb + st + 0.9,
            endS: mb + st + 1,
          });
        }
    const p = pipelinePlot({ spans, workers: new Map([[0, [0, 1, 2, 3]]]) }, [], { runs: 4, opsPerRun: 8 });
    if (!('spec' in p)) throw new Error(p.reason);
    const spec = p.spec as {
      title: { subtitle: string };
      data: { values: { stage: string; op: string; end: number }[] };
    };
    // 20 F ops on the first replica's two GPUs; the second replica and the sends are left out.
    // The cut is the 9th op's start (4 s): ops from then on go, so every row is complete up to it.
    expect(spec.title.subtitle).toContain('first 4 s of 10.9 s (7 of 20 ops)');
    expect(new Set(spec.data.values.map((v) => v.stage))).toEqual(new Set(['stage 0', 'stage 1']));
    expect(new Set(spec.data.values.map((v) => v.op))).toEqual(new Set(['F forward']));
    expect(spec.data.values).toHaveLength(7);
    expect(pipelinePlot({ spans: spans.map(({ stage: _s, ...rest }) => rest), workers: new Map() }, [])).toEqual({
      name: 'pipeline',
      reason: 'trace.json has no pipeline stage tracks (no pipeline schedule)',
    });
  });
});
