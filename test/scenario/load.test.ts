import { describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../src/schedules/index.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, parseScenario } from '../../src/scenario/load.ts';
import { formatPath, parsePath } from '../../src/scenario/paths.ts';
import { sweepPoints } from '../../src/scenario/sweep.ts';
import type { SweepAxis } from '../../src/scenario/sweep.ts';
import { scenarioProblems } from './helpers.ts';

/** The registry's schedule names, as the messages list them (a new schedule needs no edit here). */
const KNOWN_SCHEDULES = Object.keys(SCHEDULES).join(', ');

/** The registry's schedule names, as an unknown-schedule error lists them. */

const BASE = 'name: base\ncluster: { nodes: [{ count: 2, gpusPerNode: 4, gpu: A100-80GB }] }\n';

const issues = scenarioProblems;

describe('overrides (--set, --seed, --timing-only)', () => {
  it('sets scalars, flow mappings and list items by path, parsing the value as YAML', () => {
    const { runs } = parseScenario(BASE, 's.yaml', {
      overrides: [
        'training.schedule={kind: async-ps, shards: 2}',
        'cluster.nodes[0].gpu=H100-SXM',
        'workload.batchSize=64',
        'training.stop.updates=50',
      ],
      seed: 9,
      timingOnly: true,
    });
    const s = runs[0]!;
    expect(s.training.schedule.options['shards']).toBe(2);
    expect(s.cluster.nodes[0]!.gpu).toBe('H100-SXM');
    expect(s.workload.batchSize).toBe(64);
    expect(s.training.stop).toEqual({ updates: 50 });
    expect(s.seed).toBe(9);
    expect(s.mode).toBe('timing-only');
  });

  it('removes a key with null', () => {
    const { runs } = parseScenario(`${BASE}training: { stop: { epochs: 2, targetAccuracy: 0.9 } }\n`, 's.yaml', {
      overrides: ['training.stop.targetAccuracy=null'],
    });
    expect(runs[0]!.training.stop).toEqual({ epochs: 2 });
  });

  it('attributes a bad override to its --set argument', () => {
    expect(
      issues(BASE, {
        overrides: ['workload.batchSize=0', 'training.schedule.kind=teleport', 'oops', 'cluster.nodes[3].gpu=T4'],
      }),
    ).toEqual([
      '--set oops: expected path=value, e.g. --set training.schedule.kind=async-ps',
      '--set cluster.nodes[3].gpu=T4: cluster.nodes[3].gpu: cluster.nodes[3] is past the end of cluster.nodes (1 item(s))',
    ]);
    expect(issues(BASE, { overrides: ['workload.batchSize=0', 'training.schedule.kind=teleport'] })).toEqual([
      '--set workload.batchSize=0: workload.batchSize: got 0; expected an integer >= 1 and <= 1048576',
      `--set training.schedule.kind=teleport: training.schedule.kind: unknown schedule "teleport"; known: ${KNOWN_SCHEDULES}`,
    ]);
  });
});

describe('aliases', () => {
  it('locates a problem in a value that came from an alias where the value is written', () => {
    // The sweep's second schedule is an alias of the mapping anchored on line 3; its unknown key is
    // reported at that mapping's line, not without a position.
    const text = `${BASE}x: &s { kind: sync-allreduce, count: 3 }\nsweep:\n  training.schedule:\n    - { kind: local-sgd }\n    - *s\n`;
    // (Before aliases were followed, it pointed at the alias on line 7, and a mutated file could
    // leave it with no position at all: test/scenario/mutation.property.test.ts.)
    expect(issues(text)[1]).toMatch(/^s\.yaml:3:31: training\.schedule\.count: unknown key "count"/);
  });
});

describe('sweeps', () => {
  it('runs the cartesian product in key order, the first key varying slowest', () => {
    const { runs } = parseScenario(
      `${BASE}sweep:\n  training.schedule.kind: [sync-allreduce, local-sgd]\n  workload.batchSize: [16, 32, "512 / workers"]\n`,
      's.yaml',
    );
    expect(runs.map((r) => [r.training.schedule.kind, r.workload.batchSize])).toEqual([
      ['sync-allreduce', 16],
      ['sync-allreduce', 32],
      ['sync-allreduce', 64],
      ['local-sgd', 16],
      ['local-sgd', 32],
      ['local-sgd', 64],
    ]);
    // Short labels: the last path segment, a `kind` value alone; the full settings stay with the run.
    expect(runs[5]!.point).toBe('local-sgd, batchSize=512 / workers');
    expect(runs[5]!.sweepValues).toEqual({
      'training.schedule.kind': 'local-sgd',
      'workload.batchSize': '512 / workers',
    });
  });

  it('replaces a whole mapping with each value, so each schedule keeps only its own options', () => {
    const { runs } = parseScenario(
      `${BASE}training: { schedule: { kind: local-sgd, localSteps: 8 } }\nsweep:\n  training.schedule: [{ kind: sync-allreduce }, { kind: async-ps, shards: 2 }]\n`,
      's.yaml',
    );
    expect(runs.map((r) => r.training.schedule)).toEqual([
      { kind: 'sync-allreduce', options: { algorithm: 'ring' } },
      { kind: 'async-ps', options: { shards: 2, servers: 'colocated', lrScaling: 'none', stagger: true } },
    ]);
    expect(runs.map((r) => r.point)).toEqual(['sync-allreduce', 'async-ps']);
  });

  it('validates every point, locating a bad value at its place in the sweep list', () => {
    const text = `${BASE}training: { schedule: { kind: async-ps, shards: 2 } }\nsweep:\n  training.schedule.kind: [async-ps, sync-allreduce]\n  cluster.nodes[0].count: [1, 0]\n`;
    expect(issues(text)).toEqual([
      's.yaml:6:31: cluster.nodes[0].count: got 0; expected an integer >= 1 and <= 65536 [sweep points: async-ps, count=0; sync-allreduce, count=0]',
      's.yaml:3:41: training.schedule.shards: unknown key "shards"; allowed: kind, algorithm, bucketSize, compressor [sweep points: sync-allreduce, count=1; sync-allreduce, count=0]',
    ]);
  });

  it('rejects empty or repeated value lists, overlapping keys and keys also set by --set', () => {
    const text = `${BASE}sweep:\n  workload.batchSize: []\n  training.schedule: [{ kind: async-ps }]\n  training.schedule.kind: [a, a]\n  seed: [1, 2]\n`;
    expect(issues(text, { overrides: ['seed=3'] })).toEqual([
      's.yaml:4:3: sweep["workload.batchSize"]: got []; expected a non-empty list of values, e.g. [sync-allreduce, async-ps]',
      's.yaml:6:31: sweep["training.schedule.kind"][1]: "a" repeats item 0; each point would run twice',
      's.yaml:6:3: sweep["training.schedule.kind"]: overlaps sweep key "training.schedule"; one path may not lie inside another',
      's.yaml:7:3: sweep.seed: --set seed also sets this path; change the sweep (--set sweep.seed=[...]) instead',
    ]);
  });

  it('blames a misspelt sweep key or --set path on the key itself', () => {
    expect(issues(`${BASE}sweep:\n  training.schedul.kind: [a, b]\n`)).toEqual([
      's.yaml:4:3: training.schedul: unknown key "schedul" (did you mean "schedule"?); allowed: schedule, optimizer, stop, eval',
    ]);
    expect(issues(BASE, { overrides: ['trainng.stop.epochs=2', 'workload.model={'] })).toEqual([
      '--set workload.model={: cannot read the value as YAML: Flow map must end with a }',
    ]);
    expect(issues(BASE, { overrides: ['trainng.stop.epochs=2'] })).toEqual([
      '--set trainng.stop.epochs=2: trainng: unknown key "trainng" (did you mean "training"?); allowed: name, description, seed, mode, cluster, workload, training, output, sweep, repeats',
    ]);
  });

  it('lets --set replace the sweep itself', () => {
    const { runs } = parseScenario(`${BASE}sweep: { workload.batchSize: [8, 16] }\n`, 's.yaml', {
      overrides: ['sweep={seed: [1, 2, 3]}'],
    });
    expect(runs.map((r) => [r.seed, r.workload.batchSize])).toEqual([
      [1, 32],
      [2, 32],
      [3, 32],
    ]);
  });

  it('takes a label key out of a mapping value, or reads { value, label } for any value', () => {
    const text = `${BASE}sweep:\n  training.schedule:\n    - { kind: sync-allreduce, label: sync }\n    - { kind: async-ps, shards: 2, label: async }\n  cluster.stragglers:\n    - { value: [], label: none }\n    - { value: [{ kind: constant, factor: 2, nodes: [1] }], label: node 1 slow }\n`;
    const { runs } = parseScenario(text, 's.yaml');
    expect(runs.map((r) => r.point)).toEqual(['sync, none', 'sync, node 1 slow', 'async, none', 'async, node 1 slow']);
    expect(runs[3]!.training.schedule).toEqual({
      kind: 'async-ps',
      options: { shards: 2, servers: 'colocated', lrScaling: 'none', stagger: true },
    });
    expect(runs[3]!.cluster.stragglers).toEqual([{ kind: 'constant', options: { factor: 2 }, workers: [4, 5, 6, 7] }]);
    expect(runs[3]!.sweepValues).toEqual({
      'training.schedule': { kind: 'async-ps', shards: 2 },
      'cluster.stragglers': [{ kind: 'constant', factor: 2, nodes: [1] }],
    });
  });

  it('rejects bad and repeated labels, and values that differ only by their label', () => {
    const long = 'x'.repeat(41);
    const text = `${BASE}sweep:\n  workload.batchSize:\n    - { value: 16, label: small }\n    - { value: 32, label: small }\n    - { value: 64, label: ${long} }\n    - { value: 16, label: again }\n    - { value: 8, label: [a] }\n`;
    expect(issues(text)).toEqual([
      's.yaml:6:27: sweep["workload.batchSize"][1].label: label "small" repeats item 0\'s; each point needs its own label',
      `s.yaml:7:27: sweep["workload.batchSize"][2].label: got "${long}"; expected a label of 1 to 40 printable characters, e.g. label: sync`,
      's.yaml:8:7: sweep["workload.batchSize"][3]: 16 repeats item 0; each point would run twice',
      's.yaml:9:26: sweep["workload.batchSize"][4].label: got ["a"]; expected a label of 1 to 40 printable characters, e.g. label: sync',
    ]);
  });

  it('locates a bad value inside { value, label } at the value', () => {
    const text = `${BASE}sweep:\n  workload.batchSize:\n    - { value: 16, label: ok }\n    - { value: 0, label: zero }\n`;
    expect(issues(text)).toEqual([
      's.yaml:6:16: workload.batchSize: got 0; expected an integer >= 1 and <= 1048576 [sweep point: zero]',
    ]);
  });

  it('labels points by sweepPoints in grid order, with repeated labels told apart by index', () => {
    let groups = 0;
    const axis = (values: unknown[]): SweepAxis => ({
      key: 'k',
      path: ['k'],
      source: ['sweep', 'k'],
      group: groups++,
      values,
      labels: values.map(() => undefined),
      wrapped: values.map(() => false),
    });
    expect(sweepPoints([axis([{ kind: 'x', o: [1] }, { kind: 'x', o: [1, 2] }, 'x'])]).map((p) => p.label)).toEqual([
      'x(o=[1])',
      'x(o=[1,2])',
      'k=x',
    ]);
    expect(sweepPoints([axis([1, '1'])]).map((p) => p.label)).toEqual(['k=1#0', 'k=1#1']);
  });
});

describe('paths', () => {
  it('reads dotted paths with [n] or .n list indices and prints them back', () => {
    expect(parsePath('cluster.nodes[1].nic.bandwidth')).toEqual(['cluster', 'nodes', 1, 'nic', 'bandwidth']);
    expect(parsePath('cluster.nodes.1.count')).toEqual(['cluster', 'nodes', 1, 'count']);
    expect(formatPath(['cluster', 'nodes', 1, 'nic'])).toBe('cluster.nodes[1].nic');
    expect(formatPath(['sweep', 'a.b'])).toBe('sweep["a.b"]');
    expect(() => parsePath('a..b')).toThrow(/cannot read path/);
  });
});

describe('loadScenario', () => {
  it('reads a file by extension and returns its text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtsim-scn-'));
    const f = join(dir, 'a.yml');
    writeFileSync(f, BASE);
    const loaded = loadScenario(f);
    expect(loaded.text).toBe(BASE);
    expect(loaded.runs[0]!.file).toBe(f);
  });

  it('rejects other extensions and missing files', () => {
    expect(() => loadScenario('x.toml')).toThrow(/x\.toml: expected a \.yaml, \.yml or \.json file/);
    expect(() => loadScenario('/nonexistent/x.yaml')).toThrow(/cannot read the file/);
  });
});
