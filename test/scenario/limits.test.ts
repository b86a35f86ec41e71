import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.ts';
import {
  DEFAULT_MAX_RUNS,
  MAX_BATCH_SIZE,
  MAX_CLUSTER_GPUS,
  MAX_RUNS_CEILING,
  MAX_SCENARIO_BYTES,
  MAX_SWEEP_GPUS,
  MAX_TRACE_BYTES,
} from '../../src/scenario/limits.ts';
import { loadScenario, parseScenario } from '../../src/scenario/load.ts';
import { scenarioProblems } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'dtsim-limits-'));
const BASE =
  'name: base\nmode: timing-only\ncluster: { nodes: [{ count: 2, gpusPerNode: 4, gpu: A100-80GB }] }\ntraining: { stop: { updates: 5 } }\n';

const problems = scenarioProblems;

const list = (n: number, f: (i: number) => unknown = (i) => i + 1): string =>
  `[${Array.from({ length: n }, (_, i) => String(f(i))).join(', ')}]`;

describe('file size', () => {
  it('refuses a 50 MB scenario by its size, before reading it', () => {
    const p = join(dir, 'huge.yaml');
    writeFileSync(p, '');
    truncateSync(p, 50 * 1024 * 1024);
    expect(() => loadScenario(p)).toThrow(ScenarioError);
    expect(() => loadScenario(p)).toThrow(
      `${p}: the file is 52428800 bytes; at most ${MAX_SCENARIO_BYTES} bytes (128 KiB) are read`,
    );
  });

  it('holds a text returned by a custom reader to the same limit', () => {
    const big = `${BASE}description: "${'x'.repeat(MAX_SCENARIO_BYTES)}"\n`;
    expect(() => loadScenario('s.yaml', { readFile: () => big })).toThrow(
      /s\.yaml: the scenario is \d+ bytes; at most 131072 bytes/,
    );
  });

  it('refuses a straggler trace over its own, larger limit, at the file option', () => {
    const trace = join(dir, 'trace.csv');
    writeFileSync(trace, '');
    truncateSync(trace, MAX_TRACE_BYTES + 1);
    const p = join(dir, 'with-trace.yaml');
    writeFileSync(
      p,
      `${BASE.replace('cluster: { nodes', 'cluster: { stragglers: [{ kind: trace, file: trace.csv }], nodes')}`,
    );
    expect(() => loadScenario(p)).toThrow(
      /cluster\.stragglers\[0\]\.file: cannot read .*trace\.csv: the file is 4194305 bytes; at most 4194304 bytes \(4 MiB\) are read/,
    );
  });

  it('reads a trace once for all the points of a sweep', () => {
    let reads = 0;
    const files: Record<string, string> = { '/t/trace.csv': 'time_s,worker,factor\n0,0,2\n' };
    const read = (p: string): string => {
      if (p.endsWith('.csv')) reads++;
      const t = files[p];
      if (t === undefined) throw new Error(`ENOENT ${p}`);
      return t;
    };
    const text =
      `${BASE}cluster: { nodes: [{ gpu: A100-80GB }], stragglers: [{ kind: trace, file: trace.csv }] }\nsweep: { seed: ${list(20)} }\n`.replace(
        /cluster: \{ nodes: \[\{ count.*\n/,
        '',
      );
    expect(parseScenario(text, '/t/s.yaml', { readFile: read }).runs).toHaveLength(20);
    expect(reads).toBe(1);
  });
});

describe('sweep size', () => {
  it('rejects a 10^6-point sweep from the product of its list lengths, without expanding it', () => {
    const text = `${BASE}sweep:\n  seed: ${list(100)}\n  workload.batchSize: ${list(100)}\n  training.stop.updates: ${list(100)}\n`;
    expect(problems(text)).toEqual([
      `s.yaml:5:1: sweep: the sweep has 1000000 points (100 × 100 × 100); at most ${DEFAULT_MAX_RUNS} runs are allowed (raise it with --max-runs N)`,
    ]);
  });

  it('accepts a larger sweep when --max-runs raises the limit, and names the raised limit', () => {
    const text = `${BASE}sweep: { seed: ${list(DEFAULT_MAX_RUNS + 1)} }\n`;
    expect(problems(text)[0]).toMatch(/the sweep has 1001 points \(1001\); at most 1000 runs/);
    expect(parseScenario(text, 's.yaml', { maxRuns: DEFAULT_MAX_RUNS + 1 }).runs).toHaveLength(DEFAULT_MAX_RUNS + 1);
    expect(problems(text, { maxRuns: 10 })).toEqual([
      's.yaml:5:1: sweep: the sweep has 1001 points (1001); at most 10 runs are allowed',
    ]);
  });

  it('blames a sweep set by --set on that --set', () => {
    expect(problems(BASE, { overrides: [`sweep={seed: ${list(30)}}`], maxRuns: 20 })[0]).toMatch(
      /^--set sweep=\{seed: \[1, .*\}: sweep: the sweep has 30 points/,
    );
  });

  it.each([0, 1.5, MAX_RUNS_CEILING + 1, Number.NaN])('rejects --max-runs %s', (maxRuns) => {
    expect(problems(BASE, { maxRuns })).toEqual([
      `--max-runs ${String(maxRuns)}: expected an integer >= 1 and <= ${MAX_RUNS_CEILING}`,
    ]);
  });

  it('rejects a sweep that would validate too many values in all (a large file swept many times)', () => {
    const text =
      `${BASE}cluster: { nodes: [{ count: 2, gpusPerNode: 4, gpu: A100-80GB }], stragglers: [{ kind: constant, factor: 2, workers: ${list(3000, (i) => i % 8)} }] }\nsweep: { seed: ${list(100)} }\n`.replace(
        /cluster: \{ nodes: \[\{ count: 2, gpusPerNode: 4, gpu: A100-80GB \}\] \}\n/,
        '',
      );
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^s\.yaml:\d+:1: sweep: the sweep validates 100 points × 30\d\d values = 30\d\d00 values; at most 250000 are allowed/,
      ),
    ]);
  });

  it('rejects a sweep whose distinct clusters hold too many GPUs, counting a shared cluster once', () => {
    const counts = [4096, 4095, 4094, 4093, 4092];
    const text = `${BASE}sweep: { "cluster.nodes[0].count": ${list(counts.length, (i) => counts[i])}, "cluster.nodes[0].gpusPerNode": [16] }\n`;
    expect(counts.reduce((a, b) => a + b * 16, 0)).toBeGreaterThan(MAX_SWEEP_GPUS);
    expect(problems(text)).toEqual([
      `s.yaml:5:1: sweep: the sweep's distinct clusters hold more than ${MAX_SWEEP_GPUS} GPUs in all; each distinct cluster is built at validation, so split the sweep into several files`,
    ]);
    // Ten seeds over one cluster build it once.
    const seeds = `${BASE}sweep: { seed: ${list(10)}, "cluster.nodes[0].count": [2048], "cluster.nodes[0].gpusPerNode": [16] }\n`;
    expect(parseScenario(seeds, 's.yaml').runs).toHaveLength(10);
  });
});

describe('cluster size', () => {
  it('rejects absurd counts and gpusPerNode at their own key, before building anything', () => {
    expect(
      problems('name: x\ncluster:\n  nodes:\n    - { count: 1000000000, gpusPerNode: 1e308, gpu: A100-80GB }\n'),
    ).toEqual([
      `s.yaml:4:16: cluster.nodes[0].count: got 1000000000; expected an integer >= 1 and <= ${MAX_CLUSTER_GPUS}`,
      `s.yaml:4:41: cluster.nodes[0].gpusPerNode: got 1e+308; expected an integer >= 1 and <= ${MAX_CLUSTER_GPUS}`,
    ]);
  });

  it('rejects groups that together exceed the limit, stating the total and the limit', () => {
    const text =
      'name: x\ncluster:\n  nodes:\n    - { count: 4096, gpusPerNode: 8, gpu: A100-80GB }\n    - { count: 4097, gpusPerNode: 8, gpu: A100-80GB }\n';
    expect(problems(text)).toEqual([
      `s.yaml:4:5: cluster.nodes: the node groups hold 65544 GPUs (count × gpusPerNode summed); at most ${MAX_CLUSTER_GPUS} GPUs are simulated`,
    ]);
  });

  it('accepts 16,384 GPUs (the size other issues target) and exactly the limit', () => {
    for (const count of [2048, MAX_CLUSTER_GPUS / 8]) {
      const s = parseScenario(
        `name: x\nmode: timing-only\ncluster: { nodes: [{ count: ${count}, gpusPerNode: 8, gpu: A100-80GB }] }\nworkload: { timing: { kind: profile, name: resnet50 } }\ntraining: { stop: { updates: 5 } }\n`,
        's.yaml',
      );
      expect(s.runs[0]!.cluster.nodes[0]!.count * 8).toBe(count * 8);
    }
  });

  it('does not evaluate formulas over an over-limit cluster', () => {
    const text =
      'name: x\ncluster: { nodes: [{ count: 65536, gpusPerNode: 2, gpu: A100-80GB }] }\nworkload: { batchSize: "workers * 1e300" }\n';
    expect(problems(text)).toEqual([
      expect.stringMatching(/^s\.yaml:2:19: cluster\.nodes: the node groups hold 131072 GPUs/),
    ]);
  });
});

describe('batch size and other numbers that size allocations', () => {
  it(`bounds batchSize in any mode (at most ${MAX_BATCH_SIZE})`, () => {
    expect(problems(`${BASE}workload: { batchSize: 1e15 }\n`)).toEqual([
      `s.yaml:5:24: workload.batchSize: got 1000000000000000; expected an integer >= 1 and <= ${MAX_BATCH_SIZE}`,
    ]);
    // The largest batch validates once memory is out of the way (ResNet-50's activations at 2^20 exceed 80 GB).
    expect(
      parseScenario(
        `${BASE.replace('}] }', '}], allowOversubscribe: true }')}workload: { batchSize: ${MAX_BATCH_SIZE}, timing: { kind: profile, name: resnet50 } }\n`,
        's.yaml',
      ).runs[0]!.workload.batchSize,
    ).toBe(MAX_BATCH_SIZE);
  });

  it("in full mode, rejects a batch larger than a worker's share of the training split (8,499 MNIST samples over 8 workers: 1,062)", () => {
    const full =
      'name: x\ncluster: { nodes: [{ count: 2, gpusPerNode: 4, gpu: A100-80GB }] }\ntraining: { stop: { updates: 5 } }\n';
    expect(problems(`${full}workload: { batchSize: 1063 }\n`)).toEqual([
      "s.yaml:4:24: workload.batchSize: got 1063; a batch must fit a worker's shard: mnist/train has 8499 samples for 8 workers, 1062 each",
    ]);
    expect(parseScenario(`${full}workload: { batchSize: 1062 }\n`, 's.yaml').runs).toHaveLength(1);
    // The same batch is fine in timing-only mode, where no data is split.
    expect(parseScenario(`${full}workload: { batchSize: 100000 }\nmode: timing-only\n`, 's.yaml').runs).toHaveLength(1);
  });

  it('sizes the shard from the dataset options: a smaller synthetic set, a larger test fraction', () => {
    const full =
      'name: x\ncluster: { nodes: [{ count: 1, gpusPerNode: 4, gpu: A100-80GB }] }\ntraining: { stop: { updates: 5 } }\n';
    // 1,000 samples, 4 classes of 250, 20% test per class: 800 train, 200 per worker.
    expect(
      problems(
        `${full}workload: { batchSize: 201, dataset: { kind: gaussian-mixture, n: 1000, testFraction: 0.2 } }\n`,
      )[0],
    ).toMatch(/gaussian-mixture\/train has 800 samples for 4 workers, 200 each/);
  });

  it('bounds synthetic datasets by samples × features before generating them', () => {
    expect(problems(`${BASE}workload: { dataset: { kind: gaussian-mixture, n: 1000000, d: 65536 } }\n`)).toEqual([
      "s.yaml:5:22: workload.dataset: dataset 'gaussian-mixture': n × d = 1000000 × 65536 = 65536000000 values; at most 16777216 are allowed",
    ]);
    expect(
      problems(`${BASE}workload: { dataset: { kind: gaussian-mixture, n: 2000000, numClasses: 5000 } }\n`),
    ).toEqual([
      's.yaml:5:51: workload.dataset.n: got 2000000; expected an integer >= 1 and <= 1000000',
      's.yaml:5:72: workload.dataset.numClasses: got 5000; expected an integer >= 1 and <= 1000',
    ]);
  });

  it('rejects counts that JavaScript holds as integers but cannot count exactly (above 2^53)', () => {
    expect(problems(`${BASE.replace('updates: 5', 'updates: 1e300')}`)).toEqual([
      's.yaml:4:30: training.stop.updates: got 1e+300; expected an integer >= 1 and at most 9007199254740991 (2^53 − 1)',
    ]);
  });

  it('rejects a formula over 200 characters without parsing it', () => {
    const f = `1${' + 1'.repeat(60)}`;
    expect(
      problems(
        `${BASE.replace('training: { stop: { updates: 5 } }\n', '')}training: { optimizer: { learningRate: "${f}" }, stop: { updates: 5 } }\n`,
      ),
    ).toEqual([
      `s.yaml:4:40: training.optimizer.learningRate: formula of ${f.length} characters; at most 200 are allowed`,
    ]);
  });

  it('rejects a leaf-spine fabric of absurd size before building a link', () => {
    expect(
      problems(
        `${BASE}cluster: { nodes: [{ count: 64, gpusPerNode: 8, gpu: A100-80GB }], network: { topology: { kind: leaf-spine, nodesPerLeaf: 1, spines: 1e9 } } }\n`.replace(
          /cluster: \{ nodes: \[\{ count: 2.*\n/,
          '',
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /cluster\.network\.topology: leaf-spine: 64 leaves × 1000000000 spines is 64000000000 leaf–spine pairs; at most 65536 are allowed/,
      ),
    ]);
  });
});
