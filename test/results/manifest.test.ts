/* eslint-disable @typescript-eslint/no-explicit-any -- these tests read the parsed manifest JSON by key */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, manifestFiles, manifestJson, sha256Hex } from '../../src/results/manifest.ts';
import type { ManifestInput } from '../../src/results/manifest.ts';
import { makeRun } from './fixtures.ts';

const SCENARIO = 'name: demo\nseed: 7\n';

function input(over: Partial<ManifestInput> = {}): ManifestInput {
  return {
    results: [makeRun(), makeRun({ runId: 1, seed: 3, wallS: 2.5, traceDropped: 10 })],
    scenarioFile: 'scenarios/demo.yaml',
    scenarioText: SCENARIO,
    normalizedScenarios: [
      { name: 'demo', seed: 7 },
      { seed: 3, name: 'demo' },
    ],
    dtsimVersion: '0.1.0',
    backend: 'wasm',
    wallS: 4,
    files: { 'summary.csv': 'a,b\n1,2\n', 'evals.csv': 'é\n' },
    startedAt: '2025-01-02T03:04:05.000Z',
    finishedAt: '2025-01-02T03:04:09.000Z',
    command: ['dtsim', 'run', 'scenarios/demo.yaml'],
    node: 'v20.0.0',
    platform: 'linux x64',
    ...over,
  };
}

describe('manifest.json', () => {
  it('records hashes, seeds, versions, machine and wall-clock cost', () => {
    const m = JSON.parse(manifestJson(input())) as Record<string, any>;
    expect(m['scenario']).toEqual({
      file: 'scenarios/demo.yaml',
      name: 'demo',
      sha256: createHash('sha256').update(SCENARIO).digest('hex'),
      normalized_sha256: sha256Hex(canonicalJson(input().normalizedScenarios)),
    });
    expect(m['seeds']).toEqual([3, 7]);
    expect(m['dtsim_version']).toBe('0.1.0');
    expect(m['tensor_backend']).toBe('wasm');
    expect(m['node']).toBe('v20.0.0');
    expect(m['platform']).toBe('linux x64');
    expect(m['started_at']).toBe('2025-01-02T03:04:05.000Z');
    expect(m['finished_at']).toBe('2025-01-02T03:04:09.000Z');
    expect(m['command']).toEqual(['dtsim', 'run', 'scenarios/demo.yaml']);
    expect(m['wall_s']).toEqual({ total: 4, runs_sum: 3.75 });
    expect(m['runs'].map((r: any) => [r.run_id, r.seed, r.wall_s, r.trace_dropped])).toEqual([
      [0, 7, 1.25, 0],
      [1, 3, 2.5, 10],
    ]);
  });

  it('records the full settings of each sweep point next to its short label, and none without a sweep', () => {
    const sweepValues = [
      { 'training.schedule': { kind: 'sync-allreduce', bucketSize: '25 MB' } },
      { 'training.schedule': { kind: 'async-ps' } },
    ];
    const m = JSON.parse(manifestJson(input({ sweepValues }))) as Record<string, any>;
    expect(m['runs'].map((r: any) => r.sweep_values)).toEqual(sweepValues);
    const plain = JSON.parse(manifestJson(input())) as Record<string, any>;
    expect(plain['runs'].every((r: any) => !('sweep_values' in r))).toBe(true);
  });

  it('lists the files by name with their UTF-8 byte size and sha256', () => {
    const m = JSON.parse(manifestJson(input())) as Record<string, any>;
    expect(m['files']).toEqual([
      { name: 'evals.csv', bytes: 3, sha256: sha256Hex('é\n') }, // é is two bytes in UTF-8
      { name: 'summary.csv', bytes: 8, sha256: sha256Hex('a,b\n1,2\n') },
    ]);
    expect(manifestFiles({ 'b.bin': new Uint8Array([1, 2, 3]) })).toEqual([
      { name: 'b.bin', bytes: 3, sha256: sha256Hex(new Uint8Array([1, 2, 3])) },
    ]);
  });

  it('notes trace truncation', () => {
    const m = JSON.parse(manifestJson(input())) as Record<string, any>;
    expect(m['trace'].truncated).toBe(true);
    expect(m['trace'].note).toContain('run 1 dropped 10 spans');
    const clean = JSON.parse(manifestJson(input({ results: [makeRun()] }))) as Record<string, any>;
    expect(clean['trace']).toEqual({ truncated: false });
  });

  it('is deterministic when every time and machine fact is given', () => {
    expect(manifestJson(input())).toBe(manifestJson(input()));
  });

  it('reads the clock only for a missing finish time, and the process for node and platform', () => {
    const { finishedAt: _f, node: _n, platform: _p, ...rest } = input();
    const m = JSON.parse(manifestJson(rest)) as Record<string, any>;
    expect(m['finished_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(m['node']).toBe(process.version);
    expect(m['platform']).toBe(`${process.platform} ${process.arch}`);
  });

  it('hashes normalized scenarios independently of key order, but not of values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(canonicalJson({ x: Number.NaN })).not.toBe(canonicalJson({ x: null }));
    expect(canonicalJson({ v: new Float64Array([1.5, 2]) })).toBe('{"v":[1.5,2]}');
  });
});
