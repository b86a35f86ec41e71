/**
 * Schedule conformance: what every schedule in the registry must do, whatever its algorithm. The
 * suite is parameterized over `Object.values(SCHEDULES)`, so a schedule registered later runs it with
 * no edit here; it uses only the public run API (`runScenario` → `RunResult`), the `dtsim list`
 * text and README.md, never a schedule's internals.
 *
 * The checks, and why each exists:
 *  1. It runs, in `full` and `timing-only` mode, on a two-generation cluster (2 × A100, 2 × V100) with
 *     a straggler (rank 3, a V100, twice as slow), with its default options: the configuration every
 *     study starts from, and the one where unequal workers expose ordering mistakes.
 *  2. Staleness τ = version_applied − version_read is ≥ 0 on every update row (a gradient cannot be
 *     applied before the version it read exists), and exactly 0 when the definition declares
 *     `semantics: 'synchronous'` (that is what the declaration promises readers of the results).
 *  3. The same seed gives byte-identical results: update, eval and worker rows, and the CSV text.
 *     Every comparison between schedules and every sweep relies on it.
 *  4. Stopped by `simTime` in the middle of a step or round, in both modes, with the default options
 *     and with the schedule's "stress options" (below): nothing is booked that simulated time has not
 *     reached. No update row after the run's end, no worker busier than the run was long
 *     (utilization ≤ 1, compute ≤ sim time, compute + comm ≤ sim time when they cannot overlap), and
 *     the summary's counts agree with the workers' (`countRelations`). A schedule that books a whole
 *     step or round when it starts reports utilizations above 100 % and updates that never happened.
 *     The count relations are checked on the runs of 1 (stopped by updates) too: a run stopped
 *     between steps must agree as well.
 *  5. `dtsim list schedules` shows every option with its description: it is the option reference.
 *  6. README.md's "Schedules" table has one row per schedule, in registry order, with its semantics
 *     and summary: adding a schedule without documenting it fails here.
 *  7. Every schedule definition exported from a file of src/schedules/ is registered in SCHEDULES: a
 *     schedule that is written but not registered would silently escape this suite.
 *
 * One relation is replaced, explicitly, for the federated schedules (`CLIENT_ROUNDS`): their global
 * update is one server aggregation of whatever sampled clients (data keys placed on GPUs) trained, so
 * a GPU's count of client steps is neither the summary's updates (synchronous relation) nor its share
 * of them (asynchronous relation). For them the summary's updates must equal the number of distinct
 * versions the stage-0 rows were applied at (every aggregation's rows carry its version), and samples
 * = batchSize × Σ updates and rows = updates per worker are checked as for every schedule.
 *
 * Another, explicitly, for the asynchronous pipelines (`STAGE_STEPS`): each stage steps on its own,
 * and a GPU's `updates` counts the micro-batch gradients its stage applied (one per update row), so
 * the global update (stage 0's step, the last of a batch) is again counted by the distinct versions of
 * the stage-0 rows, and samples = stage-0 rows / t × micro-batch rows (stages × batchSize / M). Every
 * pipeline sends while it computes, so compute + comm may exceed busy time (`OVERLAP_SCHEDULES`).
 * Their math is stage-wise, so they train a three-layer MLP instead of the logistic regression
 * (`STAGED_MATH`): a model needs at least as many layers as stages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import { listText } from '../../src/cli/commands/list.ts';
import { csvFiles } from '../../src/results/csv.ts';
import type { RunResult } from '../../src/results/recorder.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { SCHEDULES, type ScheduleDefinition } from '../../src/schedules/index.ts';
import type { OptionValues } from '../../src/schedules/options.ts';
import { withScheduleDefaults } from './fixtures.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';

const MODES = ['full', 'timing-only'] as const;
type Mode = (typeof MODES)[number];

/** Global updates of the runs of checks 1–3 (a multiple of local-sgd's default H = 4). */
const UPDATES = 8;
/**
 * The `simTime` stop of check 4: in the third step of sync-allreduce (a step is the straggler's
 * 24.8 ms plus a 0.5 ms all-reduce), mid-step for async-ps's workers, and inside the first round of
 * local-sgd (H steps of the straggler's 24.8 ms: 99 ms at the default H = 4).
 */
const STOP_S = 0.055;
/** Per-worker batch size of every run. */
const BATCH = 16;
/** Float slack for sums of step times compared with the clock. */
const EPS = 1e-9;

/**
 * Per schedule, options that stress it beyond its defaults in the `simTime` runs (check 4); a schedule
 * not listed runs with its defaults only. local-sgd with H = 16 runs a round far longer than the stop
 * (16 × 24.8 ms), the case of the bookkeeping report.
 */
const STRESS_OPTIONS: Readonly<Record<string, OptionValues>> = {
  'local-sgd': { localSteps: 16 },
  'sync-allreduce': { bucketSize: 1e6 },
  'async-ps': { shards: 2 },
  // The switch (after one step) and a Local SGD round both inside the run; the stop lands in the round.
  'post-local-sgd': { switchAt: 1, localSteps: 2 },
  diloco: { localSteps: 2 },
  // The stop lands in the second round, the one that ends with the slow-momentum step.
  slowmo: { slowmoFrequency: 4, localsgdFrequency: 2, momentum: 0.9, lr: 1.5 },
  hogwild: { writes: 'racy', granule: 3, writeShare: 0.9 },
  wavelet: { sync: 'alternating' },
  ssp: { shards: 2, staleness: 1, batchesPerClock: 2, visibility: 'lazy' },
  'dc-asgd': { shards: 2, compensation: 'adaptive' },
  // 8 clients of 30 samples (2 steps of 16), 4 per round, one per GPU: the straggler (rank 3, 2 × 24.8 ms)
  // misses the 40 ms deadline and is dropped every round.
  fedavg: { clients: 8, fraction: 0.5, deadline: 0.04 },
  // Six clients at once on three client GPUs (two queued per GPU), a server step every 2 deltas.
  fedbuff: { clients: 8, concurrency: 6, bufferSize: 2, servers: 'dedicated' },
  // Two stages × two data-parallel replicas: per-stage all-reduces after the flush or at each step.
  gpipe: { stages: 2, microBatches: 8 },
  '1f1b': { stages: 2 },
  'interleaved-1f1b': { stages: 2, chunks: 2, microBatches: 4 },
  'zb-h1': { stages: 2, microBatches: 2 },
  pipedream: { stages: 2, verticalSync: true },
  'pipedream-2bw': { stages: 2, microBatches: 2 },
  pipemare: { stages: 2, microBatches: 8, rescheduleSteps: 2 },
  'pipelined-backprop': { stages: 2, microBatches: 4, momentum: 0.5 },
  // Pairs that change every step, and local steps between exchanges (workers drift apart by up to 2 steps).
  decentralized: { peerSelection: 'shift-one', communicationInterval: 2 },
  'low-precision-decentralized': { communicationInterval: 2 },
  // A round after every 5 ms of sleep: several averages land inside the 55 ms run, some mid-step. (Its
  // warm-up steps count as sync-allreduce's, one update of every worker; test/schedules/async-model-average.test.ts.)
  'async-model-average': { syncInterval: 0.005 },
  // Per-layer gathers, bucketed reduce-scatters and the host step, all inside the stopped step.
  zero: { stage: 3, offload: 'cpu', bucketSize: 1e6 },
};

/** The option sets of check 4: the defaults, then the schedule's stress options if it has any. */
function optionSets(def: ScheduleDefinition): OptionValues[] {
  const stress = STRESS_OPTIONS[def.name];
  const sets: OptionValues[] = stress === undefined ? [{}] : [{}, stress];
  // Dedicated parameter-server ranks are a layout of their own: servers that do not train.
  if (def.name === 'async-ps') sets.push({ shards: 2, servers: 'dedicated' });
  // Compressed synchronisation: an all-gather compressor in buckets, PowerSGD's two all-reduces per
  // round, and compressed pushes.
  const topk = { kind: 'top-k', options: { ratio: 0.1, errorFeedback: true } };
  const power = { kind: 'powersgd', options: { rank: 1, warmStart: true, minCompressionRate: 2, errorFeedback: true } };
  if (def.name === 'sync-allreduce') sets.push({ bucketSize: 1e6, compressor: topk });
  if (def.name === 'local-sgd') sets.push({ localSteps: 2, compressor: power });
  if (def.name === 'async-ps') sets.push({ shards: 2, compressor: topk });
  // Hogwild!'s lock: threads queue for it, so a stop lands while some wait.
  if (def.name === 'hogwild') sets.push({ locking: 'lock', writeShare: 0.9 });
  return sets;
}

/**
 * Schedules whose global update is one aggregation of client work (see the file header): FedAvg's
 * round, FedBuff's buffer flush.
 */
const CLIENT_ROUNDS: readonly string[] = ['fedavg', 'fedbuff'];

/** Asynchronous pipelines: per-stage steps (see the file header). */
const STAGE_STEPS: readonly string[] = ['pipedream', 'pipedream-2bw', 'pipemare', 'pipelined-backprop'];

/** Schedules whose math runs stage by stage, on a model of at least 4 layers (see the file header). */
const STAGED_MATH: readonly string[] = STAGE_STEPS;

/** Options under which a schedule may overlap communication with compute (compute + comm may exceed busy time). */
const OVERLAP_OPTIONS: readonly string[] = ['bucketSize'];

/** Schedules that always overlap: pipelines send activations and gradients while they compute (isend). */
const OVERLAP_SCHEDULES: readonly string[] = [
  'gpipe',
  '1f1b',
  'interleaved-1f1b',
  'zb-h1',
  'pipedream',
  'pipedream-2bw',
  'pipemare',
  'pipelined-backprop',
  // The weight exchange runs under the forward and backward pass (BAGUA's forward pre-hook).
  'decentralized',
  // The averaging all-reduce runs on its own stream beside the compute.
  'async-model-average',
];

const LINK = { bandwidth: bytesPerSecond(12.5e9), latency: seconds(5e-6) };
const INTRA = { bandwidth: bytesPerSecond(300e9), latency: seconds(1e-6) };

/**
 * Two GPU generations on one switch: ranks 0–1 are single-GPU A100-80GB nodes, ranks 2–3 single-GPU
 * V100-32GB nodes, rank 3 twice as slow (a constant straggler). Steps are timed by the roofline of
 * each GPU from a fixed forward cost per sample: at batch 16 and fp32 that is 10.0 ms on an A100
 * (19.5 TFLOP/s × 0.6), 12.4 ms on a V100 (15.7 TFLOP/s × 0.6), 24.8 ms on rank 3. A 300-sample
 * Gaussian mixture and a logistic regression keep full mode fast.
 */
function heteroScenario(
  schedule: string,
  options: OptionValues,
  mode: Mode,
  stop: Scenario['training']['stop'],
  seed = 11,
): Scenario {
  return {
    file: '<conformance>',
    name: 'conformance',
    point: '',
    seed,
    mode,
    cluster: {
      nodes: [
        { count: 2, gpusPerNode: 1, gpu: 'A100-80GB', intraNode: INTRA, nic: LINK },
        { count: 2, gpusPerNode: 1, gpu: 'V100-32GB', intraNode: INTRA, nic: LINK },
      ],
      network: { model: 'analytical', topology: { kind: 'switch', options: {} } },
      stragglers: [{ kind: 'constant', options: { factor: 2 }, workers: [3] }],
    },
    workload: {
      model: STAGED_MATH.includes(schedule) ? { kind: 'mlp', hidden: [16, 16, 16] } : { kind: 'logistic-regression' },
      dataset: { kind: 'gaussian-mixture', options: { n: 300, d: 8, numClasses: 3, testFraction: 0.2 } },
      sharding: { kind: 'iid' },
      batchSize: BATCH,
      // 3 × F × 16 / (19.5e12 × 0.6) = 10 ms on an A100: the plain roofline at one efficiency, so the
      // step times (and the mid-step stop at STOP_S) do not move with the kind model's constants.
      timing: { kind: 'custom', forwardFlopsPerSample: 2.4375e9, paramBytes: 4e6 },
      precision: 'fp32',
      efficiency: 0.6,
    },
    training: {
      schedule: { kind: schedule, options: withScheduleDefaults(schedule, options) },
      optimizer: { kind: 'sgd', options: {} },
      lr: { kind: 'constant', options: { lr: 0.1 } },
      stop,
      eval: { everyUpdates: 4 },
    },
    output: { trace: false, traceLimit: 1000, updates: true, plots: false },
  };
}

// Runs are shared by the checks that read them, made once each (the determinism check makes its own second run).
const cache = new Map<string, RunResult>();
function run(
  def: ScheduleDefinition,
  mode: Mode,
  stop: Scenario['training']['stop'],
  options: OptionValues = {},
): RunResult {
  const key = JSON.stringify([def.name, mode, stop, options]);
  let r = cache.get(key);
  if (r === undefined) cache.set(key, (r = runScenario(heteroScenario(def.name, options, mode, stop), 0)));
  return r;
}

/** `sync-allreduce full {localSteps:16}`: names a run in failure messages. */
function label(def: ScheduleDefinition, mode: Mode, options: OptionValues = {}): string {
  return `${def.name} ${mode}${Object.keys(options).length > 0 ? ` ${JSON.stringify(options)}` : ' (defaults)'}`;
}

/**
 * The counts a run's summary must agree with, from its workers rows (each with a name, the value and
 * what it must equal). A worker's `updates` counts its gradients that were applied, and every update
 * row is one applied gradient of one batch of `batchSize` samples, so:
 *  - samples = batchSize × Σ_w updates_w, for any semantics (every sample counted was trained on);
 *  - synchronous: one global update takes exactly one gradient from every worker (sync-allreduce: the
 *    mean of N; local-sgd: a round of H advances the global model by H and each worker by H local
 *    steps), so the summary's `updates` equals every worker's `updates`;
 *  - asynchronous: one global update is one worker's gradient applied by the server, so the summary's
 *    `updates` equals Σ_w updates_w.
 */
function countRelations(
  def: ScheduleDefinition,
  r: RunResult,
  batchSize: number,
  options: OptionValues,
): { what: string; actual: number; expected: number }[] {
  const semantics = def.semantics;
  const total = r.workerRows.reduce((a, w) => a + w.updates, 0);
  if (STAGE_STEPS.includes(def.name)) {
    const o = withScheduleDefaults(def.name, options);
    const p = (o.stages as number | undefined) ?? r.workers / (o.tensorParallel as number);
    const M = (o.microBatches as number | undefined) ?? p * batchSize;
    const t = o.tensorParallel as number;
    // Stage-0 rows: one per micro-batch gradient and GPU of its group (t of them), over every replica.
    let rows0 = 0;
    const versions = new Set<number>();
    for (const u of r.updateRows)
      if (u.stage === 0) {
        versions.add(u.versionApplied);
        rows0++;
      }
    return [
      {
        what: `summary samples vs stage-0 rows (${rows0}) / t ${t} × micro-batch rows ${(p * batchSize) / M}`,
        actual: r.samples,
        expected: (rows0 / t) * ((p * batchSize) / M),
      },
      {
        what: `summary updates vs distinct versions applied in the stage-0 rows (one stage-0 step per update)`,
        actual: r.updates,
        expected: versions.size,
      },
    ];
  }
  const out = [
    {
      what: `summary samples vs batchSize ${batchSize} × Σ workers' updates ${total} (a surplus counts batches whose gradients were never applied)`,
      actual: r.samples,
      expected: batchSize * total,
    },
  ];
  if (CLIENT_ROUNDS.includes(def.name)) {
    const versions = new Set<number>();
    for (const u of r.updateRows) if (u.stage === 0) versions.add(u.versionApplied);
    out.push({
      what: `summary updates vs distinct versions applied in the update rows (one aggregation of client work per update)`,
      actual: r.updates,
      expected: versions.size,
    });
  } else if (semantics === 'synchronous') {
    for (const w of r.workerRows)
      out.push({
        what: `summary updates vs worker ${w.worker}'s updates (synchronous: every worker in every update)`,
        actual: r.updates,
        expected: w.updates,
      });
  } else {
    out.push({
      what: `summary updates vs Σ workers' updates (asynchronous: one worker per update)`,
      actual: r.updates,
      expected: total,
    });
  }
  return out;
}

/** Checks the count relations and that each worker's stage-0 update rows number its `updates` (soft: every broken relation is reported). */
function expectCountsAgree(def: ScheduleDefinition, r: RunResult, name: string, options: OptionValues = {}): void {
  expect(r.updatesKept && r.updatesDropped === 0, `${name}: every update row kept`).toBe(true);
  for (const w of r.workerRows) {
    // A worker's rows at its first stage: 0 for every schedule but a pipeline, whose rank s runs stage s.
    let first = Infinity;
    for (const u of r.updateRows) if (u.worker === w.worker) first = Math.min(first, u.stage);
    if (first === Infinity) first = 0;
    let rows = 0;
    for (const u of r.updateRows) if (u.worker === w.worker && u.stage === first) rows++;
    expect
      .soft(rows, `${name}: worker ${w.worker}: stage-${first} update rows vs its workers-row updates ${w.updates}`)
      .toBe(w.updates);
  }
  for (const c of countRelations(def, r, BATCH, options))
    expect.soft(c.actual, `${name}: ${c.what}: got ${c.actual}, expected ${c.expected}`).toBe(c.expected);
}

/** What a schedule's README row must say: name, semantics, its option names in declaration order, summary. */
function readmeRow(def: ScheduleDefinition): string[] {
  return [def.name, def.semantics, Object.keys(def.options).join(', '), def.summary];
}

/** The rows of README.md's "### Schedules" table, backticks removed. */
function readmeScheduleRows(): string[][] {
  const lines = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('\n');
  const at = lines.findIndex((l) => l.trim() === '### Schedules');
  expect(at, 'README.md has a "### Schedules" section').toBeGreaterThanOrEqual(0);
  let i = at + 1;
  while (i < lines.length && !lines[i]!.startsWith('|')) i++;
  const table: string[][] = [];
  for (; i < lines.length && lines[i]!.startsWith('|'); i++)
    table.push(
      lines[i]!.split('|')
        .slice(1, -1)
        .map((c) =>
          c
            .trim()
            .replace(/^`([^`]*)`$/, '$1')
            .replace(/`/g, ''),
        ),
    );
  expect(table[0], 'README.md Schedules table header').toEqual(['schedule', 'semantics', 'options', 'summary']);
  return table.slice(2);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe.each(Object.values(SCHEDULES).map((d) => [d.name, d] as const))('conformance: %s', (_name, def) => {
  describe.each(MODES)('%s mode', (mode) => {
    const name = label(def, mode);

    it('1. runs on a two-generation cluster with a straggler, with its default options', () => {
      const r = run(def, mode, { updates: UPDATES });
      expect(r.stopReason, `${name}: stop reason`).toBe(`updates reached ${UPDATES}`);
      expect(
        r.workerRows.map((w) => w.gpu),
        `${name}: GPUs`,
      ).toEqual(['A100-80GB', 'A100-80GB', 'V100-32GB', 'V100-32GB']);
      expect(r.updateRows.length, `${name}: update rows`).toBeGreaterThan(0);
      if (mode === 'full') expect(r.evals.length, `${name}: evaluations`).toBeGreaterThan(0);
    });

    it(`4. stopped by updates (${UPDATES}): reports summary counts that agree with the workers rows`, () => {
      expectCountsAgree(def, run(def, mode, { updates: UPDATES }), `${name} stopped by updates`);
    });

    it(`2. records τ ≥ 0 on every update row${def.semantics === 'synchronous' ? ', and τ = 0 (synchronous)' : ''}`, () => {
      const runs: [string, RunResult][] = [[name, run(def, mode, { updates: UPDATES })]];
      for (const o of optionSets(def))
        runs.push([`${label(def, mode, o)} simTime ${STOP_S}`, run(def, mode, { simTimeS: STOP_S }, o)]);
      for (const [n, r] of runs) {
        let i = 0;
        for (const u of r.updateRows) {
          const tau = u.versionApplied - u.versionRead;
          const where = `${n}: update row ${i++} (worker ${u.worker}, stage ${u.stage}, t = ${u.timeS} s): τ = ${tau}`;
          expect(tau, where).toBeGreaterThanOrEqual(0);
          if (def.semantics === 'synchronous')
            expect(tau, `${where}, but ${def.name} declares synchronous semantics`).toBe(0);
        }
      }
    });

    it('3. gives byte-identical rows and CSVs for a given seed', () => {
      const a = run(def, mode, { updates: UPDATES });
      const b = runScenario(heteroScenario(def.name, {}, mode, { updates: UPDATES }), 0);
      expect([...b.updateRows], `${name}: update rows of a second run`).toStrictEqual([...a.updateRows]);
      expect(b.evals, `${name}: eval rows of a second run`).toStrictEqual(a.evals);
      expect(b.workerRows, `${name}: worker rows of a second run`).toStrictEqual(a.workerRows);
      expect(csvFiles([b], true), `${name}: CSV text of a second run`).toStrictEqual(csvFiles([a], true));
    });

    describe.each(optionSets(def).map((o) => [label(def, mode, o), o] as const))(
      `4. stopped by simTime ${STOP_S} s mid-step: %s`,
      (n, options) => {
        const get = (): RunResult => {
          const r = run(def, mode, { simTimeS: STOP_S }, options);
          expect(r.stopReason, `${n}: stop reason`).toBe(`simulated time reached ${STOP_S} s`);
          return r;
        };

        it('books no update after the run’s end', () => {
          const r = get();
          let late = 0;
          let latest = -Infinity;
          for (const u of r.updateRows) {
            if (u.timeS > r.simTimeS) late++;
            latest = Math.max(latest, u.timeS);
          }
          expect(
            late,
            `${n}: ${late} of ${r.updateRows.length} update rows after the run's sim time ${r.simTimeS} s (latest at ${latest} s)`,
          ).toBe(0);
        });

        it('keeps every worker busy at most as long as the run', () => {
          const r = get();
          const t = r.simTimeS;
          const overlaps =
            OVERLAP_SCHEDULES.includes(def.name) || OVERLAP_OPTIONS.some((k) => options[k] !== undefined);
          for (const w of r.workerRows) {
            const who = `${n}: worker ${w.worker} (${w.gpu})`;
            expect
              .soft(
                w.utilization ?? NaN,
                `${who}: utilization ${w.utilization} > 1 (compute ${w.computeS} s in a ${t} s run)`,
              )
              .toBeLessThanOrEqual(1 + EPS);
            expect.soft(w.computeS, `${who}: compute ${w.computeS} s > sim time ${t} s`).toBeLessThanOrEqual(t + EPS);
            expect.soft(w.idleS, `${who}: idle ${w.idleS} s < 0`).toBeGreaterThanOrEqual(0);
            if (!overlaps)
              expect
                .soft(w.computeS + w.commS, `${who}: compute ${w.computeS} s + comm ${w.commS} s > sim time ${t} s`)
                .toBeLessThanOrEqual(t + EPS);
          }
        });

        it('reports summary counts that agree with the workers rows', () => {
          expectCountsAgree(def, get(), n, options);
        });
      },
    );
  });

  it('5. shows every option with its description in `dtsim list schedules`', async () => {
    const text = await listText('schedules');
    const block = text
      .split('\n\n')
      .map((b) => b.replace(/^schedules:\n/, ''))
      .find((b) => b.startsWith(`  ${def.name}: `));
    expect(block, `dtsim list schedules has a block for ${def.name}`).toBeDefined();
    const lines = block!.split('\n');
    expect(lines[0], `${def.name}: first line of its listing`).toBe(`  ${def.name}: ${def.summary}`);
    const rowOf = (opt: string): string | undefined => lines.find((l) => l.trim().split(/\s+/)[0] === opt);
    for (const [opt, spec] of Object.entries(def.options)) {
      const row = rowOf(opt);
      expect(row, `${def.name}: option ${opt} missing from dtsim list schedules`).toBeDefined();
      expect(
        row!.endsWith(spec.description),
        `${def.name}: option ${opt}'s row does not end with its description "${spec.description}": ${row}`,
      ).toBe(true);
    }
    for (const retired of Object.keys(def.retiredOptions ?? {}))
      expect(rowOf(retired), `${def.name}: retired option ${retired} listed as an option`).toBeUndefined();
  });

  it('6. has its row in README.md’s Schedules table', () => {
    const row = readmeScheduleRows().find((r) => r[0] === def.name);
    expect(row, `README.md Schedules table has no row for ${def.name}`).toBeDefined();
    expect(row, `README.md Schedules row of ${def.name}`).toEqual(readmeRow(def));
  });
});

describe('conformance: the registry', () => {
  it('6. README.md’s Schedules table lists exactly the registry, in order', () => {
    expect(
      readmeScheduleRows(),
      'README.md Schedules rows [name, semantics, options, summary] vs the registry, in order',
    ).toEqual(Object.values(SCHEDULES).map(readmeRow));
  });

  it('7. registers every schedule definition exported from src/schedules/*.ts', async () => {
    const dir = new URL('../../src/schedules/', import.meta.url);
    const files = readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !['index.ts', 'types.ts', 'context.ts', 'options.ts'].includes(f),
    );
    const found: ScheduleDefinition[] = [];
    for (const f of files) {
      const mod = (await import(/* @vite-ignore */ pathToFileURL(join(dir.pathname, f)).href)) as Record<
        string,
        unknown
      >;
      for (const [exported, v] of Object.entries(mod)) {
        if (typeof v !== 'object' || v === null) continue;
        const d = v as Partial<ScheduleDefinition>;
        if (typeof d.name !== 'string' || typeof d.start !== 'function' || typeof d.options !== 'object') continue;
        expect(
          SCHEDULES[d.name],
          `src/schedules/${f} exports ${exported} (schedule '${d.name}'), which SCHEDULES does not register`,
        ).toBe(v);
        found.push(v as ScheduleDefinition);
      }
    }
    for (const d of Object.values(SCHEDULES))
      expect(found, `registered schedule ${d.name} is exported by no file of src/schedules/`).toContain(d);
  });
});
