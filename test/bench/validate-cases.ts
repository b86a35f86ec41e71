/**
 * Scenarios at (or just within) each size limit of docs/scenarios.md "Limits", written to a temporary
 * folder: what test/bench/validate-limits.ts and validate.bench.ts validate to show that validation
 * stays within its budget (about 1 s and 200 MB) for any input under the limits. The rejected cases
 * (over a limit) show that refusing is quick too.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_MAX_RUNS,
  MAX_CLUSTER_GPUS,
  MAX_SCENARIO_BYTES,
  MAX_SWEEP_GPUS,
  MAX_TRACE_BYTES,
} from '../../src/scenario/limits.ts';

/** One case: a file to validate, whether it is meant to pass, and what it stresses. */
export interface ValidateCase {
  readonly name: string;
  readonly file: string;
  readonly valid: boolean;
}

const header = (name: string, mode = 'timing-only'): string => `name: ${name}\nmode: ${mode}\n`;
const TAIL = 'workload: { timing: { kind: profile, name: resnet50 } }\ntraining: { stop: { updates: 10 } }\n';
const nums = (n: number, f: (i: number) => number = (i) => i): string =>
  Array.from({ length: n }, (_, i) => f(i)).join(', ');

/** Writes every case into a new temporary folder and lists them. */
export function writeValidateCases(): ValidateCase[] {
  const dir = mkdtempSync(join(tmpdir(), 'dtsim-validate-bench-'));
  const out: ValidateCase[] = [];
  const add = (name: string, text: string, valid: boolean): void => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    if (Buffer.byteLength(text) > MAX_SCENARIO_BYTES && valid) throw new Error(`${name} is over the file limit`);
    out.push({ name, file, valid });
  };
  const nodes8 = MAX_CLUSTER_GPUS / 8;
  const cluster = (count: number, gpus: number, network: string): string =>
    `cluster:\n  nodes: [{ count: ${count}, gpusPerNode: ${gpus}, gpu: A100-80GB, nic: { bandwidth: "200 Gbit/s", latency: "5 us" } }]\n  network: ${network}\n  stragglers: [{ kind: lognormal, sigma: 0.1 }]\n`;

  add(
    'gpus-65536-switch',
    header('a') + cluster(nodes8, 8, '{ model: analytical, topology: { kind: switch } }') + TAIL,
    true,
  );
  add(
    'gpus-65536-1-per-node-ring-flow',
    header('b') + cluster(MAX_CLUSTER_GPUS, 1, '{ model: flow, topology: { kind: ring } }') + TAIL,
    true,
  );
  // 8,192 nodes, 4 per leaf: 2,048 leaves × 32 spines = 65,536 pairs, the leaf-spine limit.
  add(
    'gpus-65536-leaf-spine-max-pairs',
    header('c') +
      cluster(nodes8, 8, '{ model: flow, topology: { kind: leaf-spine, nodesPerLeaf: 4, spines: 32 } }') +
      TAIL,
    true,
  );
  add(
    'sweep-1000-runs-16384-gpus',
    header('d') +
      cluster(2048, 8, '{ topology: { kind: switch } }') +
      TAIL +
      `sweep:\n  seed: [${nums(DEFAULT_MAX_RUNS)}]\n`,
    true,
  );
  // Two distinct clusters of 65,536 GPUs (flow ring and switch): the 131,072 GPUs a sweep may build.
  const counts = [nodes8, nodes8];
  if (counts.reduce((a, c) => a + 8 * c, 0) > MAX_SWEEP_GPUS) throw new Error('distinct-cluster case over the budget');
  add(
    'sweep-2-distinct-65536-gpu-clusters',
    header('e') +
      cluster(nodes8, 8, '{ topology: { kind: switch } }') +
      TAIL +
      'sweep:\n  cluster.network: [{ model: flow, topology: { kind: ring } }, { topology: { kind: switch } }]\n',
    true,
  );
  // A file near 128 KiB of numbers: a straggler worker list of about 19,000 distinct ranks (a rank may
  // be listed once) on the largest cluster.
  let listed = 0;
  for (let bytes = 0; bytes + String(listed).length + 2 < MAX_SCENARIO_BYTES - 400; listed++)
    bytes += String(listed).length + 2;
  add(
    'file-128k-19k-values',
    header('f') +
      `cluster:\n  nodes: [{ count: ${nodes8}, gpusPerNode: 8, gpu: A100-80GB }]\n  stragglers: [{ kind: constant, factor: 2, workers: [${nums(listed)}] }]\n` +
      TAIL,
    true,
  );
  // The costliest YAML per byte measured: nested flow collections, ~128 KiB (rejected by the schema, after parsing).
  let nested = '';
  while (nested.length < MAX_SCENARIO_BYTES - 200) nested += '  - {a: [1, 2, 3, {b: c}]}\n';
  add('file-128k-nested-flow', `name: g\ncluster: { nodes: [{ gpu: A100-80GB }] }\ndescription:\n${nested}`, false);
  // The value budget: 1,000 points × ~245 values = ~245,000 (limit 250,000).
  add(
    'sweep-1000-points-x-245-values',
    header('h') +
      `cluster:\n  nodes: [{ count: 32, gpusPerNode: 8, gpu: A100-80GB }]\n  stragglers: [{ kind: constant, factor: 2, workers: [${nums(200)}] }]\n` +
      TAIL +
      `sweep:\n  seed: [${nums(DEFAULT_MAX_RUNS)}]\n`,
    true,
  );
  // Full mode, dirichlet over 2,000 workers with a split no draw meets: the replay stops at its draw budget.
  add(
    'full-dirichlet-replay-budget',
    `${header('i', 'full')}cluster:\n  nodes: [{ count: 250, gpusPerNode: 8, gpu: A100-80GB }]\nworkload:\n  batchSize: 1\n  sharding: { kind: dirichlet, alpha: 0.01, minPerWorker: 4 }\ntraining: { stop: { updates: 10 } }\n`,
    false,
  );
  // A trace at the limit (4 MiB): about 300,000 rows.
  const trace = join(dir, 'trace.csv');
  const rows: string[] = ['time_s,worker,factor'];
  let size = rows[0]!.length + 1;
  for (let i = 0; ; i++) {
    const row = `${(Math.floor(i / 64) * 0.5).toFixed(1)},${i % 64},${(1 + (i % 7) / 10).toFixed(1)}`;
    if (size + row.length + 1 > MAX_TRACE_BYTES) break;
    rows.push(row);
    size += row.length + 1;
  }
  writeFileSync(trace, `${rows.join('\n')}\n`);
  add(
    'trace-at-limit',
    header('j') +
      'cluster:\n  nodes: [{ count: 8, gpusPerNode: 8, gpu: A100-80GB }]\n  stragglers: [{ kind: trace, file: trace.csv }]\n' +
      TAIL,
    true,
  );
  // Over the limits: refused quickly.
  add(
    'over-billion-laughs',
    `name: k\n${['a: &a [l, l, l, l, l, l, l, l, l, l]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n')}\ncluster: { nodes: [{ gpu: A100-80GB }] }\n`,
    false,
  );
  add(
    'over-sweep-10^6-points',
    header('l') +
      cluster(1, 8, '{ topology: { kind: switch } }') +
      TAIL +
      `sweep:\n  seed: [${nums(100)}]\n  workload.batchSize: [${nums(100, (i) => i + 1)}]\n  training.stop.updates: [${nums(100, (i) => i + 1)}]\n`,
    false,
  );
  add('over-count-1e9', header('m') + cluster(1e9, 8, '{ topology: { kind: switch } }') + TAIL, false);
  const huge = join(dir, 'over-50mb.yaml');
  writeFileSync(huge, '');
  truncateSync(huge, 50 * 1024 * 1024);
  out.push({ name: 'over-50mb-file', file: huge, valid: false });
  return out;
}
