/**
 * The checks a run's set-up makes (run-scenario.ts and what it calls), made at validation with the
 * same constructors, so that `dtsim validate` rejects, with the file and path, what `dtsim run` would
 * otherwise reject later without them. Data is never loaded and nothing per worker is allocated beyond
 * the cluster and topology, which are built once per distinct cluster of a load:
 * - the straggler models (schema-cluster.ts), the cluster and topology, and whether each all-reduce
 *   algorithm can run on the group of all workers (`fabricCheck`);
 * - the dataset's shape from the registry (`describe`), the model shaped to it (`modelFor`), the
 *   timing profile (`resolveTiming`) and the compute model on one GPU of each group;
 * - the all-reduce algorithms the schedule's options name (its own `check` runs in schema-training.ts);
 * - in full mode: that the data can be split across the workers, and batches fit the shards.
 */
import type { CompressorSpec } from '../core/options.ts';
import type { z } from 'zod';
import { checkCollective } from '../collectives/communicator.ts';
import { COLLECTIVES } from '../collectives/registry.ts';
import { Rng } from '../core/rng.ts';
import { ClusterSpecError, buildCluster } from '../hardware/cluster.ts';
import type { Cluster, Device, NodeGroupSpec } from '../hardware/cluster.ts';
import { DeviceSpecError } from '../hardware/device-spec.ts';
import { MemoryLedger, OutOfMemoryError } from '../hardware/memory-ledger.ts';
import { UnknownGpuError } from '../hardware/gpu-catalog.ts';
import { Slowdown } from '../hardware/slowdown.ts';
import { buildTopology } from '../network/topologies.ts';
import { ComputeModel } from '../schedules/lib/compute-model.ts';
import { SCHEDULES } from '../schedules/index.ts';
import { getDataset } from '../training/datasets/registry.ts';
import type { DatasetShape } from '../training/datasets/registry.ts';
import { shardDirichlet } from '../training/datasets/sharding.ts';
import { addIssue, memoized } from './fields.ts';
import type { SchemaContext } from './fields.ts';
import { bookModelState, gradientBytesPerValue, optimizerSlots, wirePrecisionOptions } from './run-memory.ts';
import { resolveTiming } from './run-timing.ts';
import { modelFor } from './run-model.ts';
import type { ParsedScenario } from './schema.ts';

type Ctx = z.core.$RefinementCtx;

/**
 * Most parameters of a model trained in full mode (2^24 float32s, 64 MB per weight version). Full
 * mode trains small proxy models (the 2NN has 199,210); every worker may hold its own versions.
 */
export const MAX_TRAINED_PARAMS = 1 << 24;

/**
 * Gamma draws the dirichlet-sharding replay may make (about 0.3 µs each): a try draws classes ×
 * workers of them, so a split that needs many tries on many workers is replayed only in part.
 */
export const DIRICHLET_REPLAY_DRAWS = 2_000_000;

/** What building a cluster and its topology found. */
export interface FabricCheck {
  /** Why the topology cannot be built. */
  readonly topologyError?: string;
  /** For each all-reduce algorithm that cannot run on the group of all workers: why. */
  readonly allReduce: Readonly<Record<string, string>>;
}

/**
 * Builds the cluster and its topology (once per distinct cluster in a load) and asks every all-reduce
 * algorithm whether it can run on the group of all workers, as the schedules that take an all-reduce
 * option use it (sync-allreduce, local-sgd). Only the answers are kept, not the topology.
 */
export function fabricCheck(
  sctx: SchemaContext,
  nodes: readonly NodeGroupSpec[],
  topology: { kind: string; options: Readonly<Record<string, unknown>> },
): FabricCheck {
  return memoized(sctx, `fabric:${JSON.stringify([nodes, topology])}`, (): FabricCheck => {
    const built = clusterOf(sctx, nodes);
    // A cluster error is reported at the node groups; only the topology's own is reported here.
    if (!('devices' in built)) return { allReduce: {} };
    let topo;
    try {
      topo = buildTopology(topology.kind, built.nodes, topology.options);
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      return { topologyError: err.message, allReduce: {} };
    }
    const group = Array.from({ length: topo.ranks }, (_, i) => i);
    const allReduce: Record<string, string> = {};
    for (const algo of Object.values(COLLECTIVES)) {
      if (!algo.ops.includes('all-reduce')) continue;
      try {
        checkCollective(topo, 'all-reduce', group, 0, { algorithm: algo.name });
      } catch (err) {
        allReduce[algo.name] = err instanceof Error ? err.message : String(err);
      }
    }
    return { allReduce };
  });
}

/** Why node groups do not make a cluster: the message and the path below `cluster.nodes`. */
export interface ClusterProblem {
  readonly message: string;
  readonly path: PropertyKey[];
}

/**
 * The cluster of `groups`, built once per distinct set of groups in a load (sweep points and the
 * checks share it, so a 65,536-GPU cluster is built once), or why it cannot be built.
 */
export function clusterOf(sctx: SchemaContext, groups: readonly NodeGroupSpec[]): Cluster | ClusterProblem {
  return memoized(sctx, `cluster:${JSON.stringify(groups)}`, (): Cluster | ClusterProblem => {
    try {
      return buildCluster(groups, 'nodes');
    } catch (err) {
      if (!(
        err instanceof ClusterSpecError ||
        err instanceof RangeError ||
        err instanceof UnknownGpuError ||
        err instanceof DeviceSpecError
      ))
        throw err;
      // The issue carries the path, so a ClusterSpecError's message keeps only what follows "path: ".
      return err instanceof ClusterSpecError
        ? { message: err.message.slice(err.path.length + 2), path: clusterPath(err.path.replace(/^nodes/, '')) }
        : { message: err.message, path: [] };
    }
  });
}

/** Maps `nodes[1].speed` (a ClusterSpecError path) to `[1, 'speed']`. */
function clusterPath(path: string): PropertyKey[] {
  return [...path.matchAll(/\[(\d+)\]|\.([^.[]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!));
}

/** Runs `f`; a RangeError or TypeError (what the constructors throw for bad input) becomes an issue at `path`. */
function attempt<T>(ctx: Ctx, input: unknown, path: PropertyKey[], f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof RangeError || err instanceof TypeError)) throw err;
    addIssue(ctx, input, err.message, path);
    return undefined;
  }
}

/** Whether the run loads its data: always in full mode; in timing-only mode for epochs (the set's size) or model timing (its shape). */
export function runLoadsData(s: ParsedScenario): boolean {
  return s.mode === 'full' || s.training.stop.epochs !== undefined || s.workload.timing.kind === 'model';
}

/**
 * Adds an issue, at the path the user must change, for each thing the run's set-up would reject.
 * `s` is the scenario as the schema normalized it; runs only when every section is valid.
 */
export function checkRunSetup(s: ParsedScenario, sctx: SchemaContext, ctx: Ctx): void {
  const w = s.workload;
  const workers = s.cluster.nodes.reduce((n, g) => n + g.count * g.gpusPerNode, 0);
  const data = attempt(ctx, w.dataset, ['workload', 'dataset'], () =>
    getDataset(w.dataset.kind).describe(w.dataset.options),
  );

  // The model is shaped to the data, and the data must suit a classifier, whenever the run loads it.
  let inputSize = 784;
  // Full mode: the trained model, for schedules whose math runs stage by stage (memoryCheck's env).
  let trained: { readonly name: string; readonly denseLayers: number | null } | undefined;
  let numClasses = 10;
  let ok = data !== undefined;
  if (data !== undefined && runLoadsData(s)) {
    if (data.task !== 'classification') {
      addIssue(
        ctx,
        w.dataset.kind,
        `dataset "${w.dataset.kind}" is a regression set; the trained models are classifiers (use it only in timing-only mode with profile or custom timing and no epochs)`,
        ['workload', 'dataset', 'kind'],
      );
      ok = false;
    } else {
      const model = attempt(ctx, w.model, ['workload', 'model'], () =>
        modelFor(w.model, { name: data.trainName, d: data.features, numClasses: data.numClasses }),
      );
      if (model === undefined) ok = false;
      else {
        inputSize = model.inputSize;
        numClasses = model.numClasses;
        if (s.mode === 'full')
          trained = { name: model.name, denseLayers: model.dense === null ? null : model.dense.widths.length - 1 };
        if (s.mode === 'full' && model.layout.size > MAX_TRAINED_PARAMS) {
          addIssue(
            ctx,
            w.model,
            `${model.name} has ${model.layout.size} parameters; full mode trains at most ${MAX_TRAINED_PARAMS} (use a smaller proxy model, or timing-only mode)`,
            ['workload', 'model'],
          );
        }
      }
    }
  }
  if (ok) {
    const timing = attempt(ctx, w.timing, ['workload', 'timing'], () =>
      resolveTiming(w.timing, w.model, w.precision, inputSize, numClasses),
    );
    if (timing !== undefined) {
      // One GPU per group: the compute model's checks (roofline, precision, efficiency) are per GPU kind.
      // The NICs are left out: only the devices are wanted, and a node of 8 NICs cannot have 1 GPU.
      const devices = buildCluster(
        s.cluster.nodes.map(({ nic: _nic, ...g }) => ({ ...g, count: 1, gpusPerNode: 1 })),
        'nodes',
      ).devices;
      const computeOn = (on: readonly Device[]): ComputeModel =>
        new ComputeModel({
          devices: on,
          profile: timing.profile,
          batchSize: w.batchSize,
          precision: w.precision,
          slowdown: new Slowdown([], new Rng(0)),
          ...(w.efficiency !== undefined ? { efficiency: w.efficiency } : {}),
          ...(w.computeModel !== undefined ? { computeModel: w.computeModel } : {}),
          ...(timing.stepTimeS !== undefined ? { stepTimeS: timing.stepTimeS } : {}),
          ...wirePrecisionOptions(w),
        });
      const computes = attempt(ctx, w, ['workload'], () => computeOn(devices)) !== undefined;
      // Memory: every rank holds the model state and a batch of activations (run-memory.ts), unless
      // the schedule books its own (pipelines hold one stage each; the run checks them as it books).
      if (!(s.cluster.allowOversubscribe ?? false) && SCHEDULES[s.training.schedule.kind]?.ownsMemory !== true) {
        try {
          const slots = optimizerSlots(s.training.optimizer);
          const ledger = new MemoryLedger(
            devices.map((d) => d.spec.memoryBytes as number),
            false,
            devices.map((d) => d.spec.name),
          );
          bookModelState(ledger, timing.profile, w.batchSize, slots, gradientBytesPerValue(w));
        } catch (err) {
          if (!(err instanceof OutOfMemoryError || err instanceof RangeError)) throw err;
          // What would fit is a search of its own: point at it.
          const hint =
            err instanceof OutOfMemoryError
              ? '; `dtsim fit` on this file lists the layouts (ZeRO stage, pipeline and tensor degrees, micro-batch, recomputation) that fit'
              : '';
          addIssue(ctx, w.batchSize, err.message.replace(/ on rank \d+/, '') + hint, ['workload', 'batchSize']);
        }
      }
      // A pipeline plans its stages (reporting what only planning finds) and books them as it runs:
      // replay that booking at its peaks on the whole cluster.
      const def = SCHEDULES[s.training.schedule.kind];
      if (computes && def?.memoryCheck !== undefined) {
        const all = attempt(ctx, s.cluster.nodes, ['cluster', 'nodes'], () => buildCluster(s.cluster.nodes, 'nodes'));
        if (all !== undefined) {
          // Every GPU kind passed computeOn above, so this one is built without a second report.
          const env = {
            devices: all.devices,
            nodes: all.nodes,
            compute: computeOn(all.devices),
            batchSize: w.batchSize,
            optimizerSlots: optimizerSlots(s.training.optimizer),
            allowOversubscribe: s.cluster.allowOversubscribe ?? false,
            ...(trained !== undefined ? { trained } : {}),
          };
          for (const m of def.memoryCheck(s.training.schedule.options, env))
            addIssue(ctx, s.training.schedule.kind, m, ['training', 'schedule']);
        }
      }
    }
  }

  checkSchedule(s, sctx, workers, ctx);
  if (s.mode === 'full' && data !== undefined && data.task === 'classification')
    checkShards(s, sctx, data, workers, ctx);
}

function checkSchedule(s: ParsedScenario, sctx: SchemaContext, workers: number, ctx: Ctx): void {
  const { kind, options } = s.training.schedule;
  const def = SCHEDULES[kind];
  if (def === undefined) return;
  // def.check ran in the schedule's own schema (schema-training.ts), where the cluster shape is known.
  // Every all-reduce option runs on the group of all workers (sync-allreduce, local-sgd).
  const fabric = fabricCheck(sctx, s.cluster.nodes, s.cluster.network.topology);
  for (const [key, spec] of Object.entries(def.options)) {
    const alg = options[key];
    if (spec.type !== 'collective' || typeof alg !== 'string') continue;
    const why = fabric.allReduce[alg];
    if (why !== undefined)
      addIssue(ctx, alg, `${why} (this cluster has ${workers} workers)`, ['training', 'schedule', key]);
  }
  // Accordion reads gradient norms, which only full mode computes (the run would refuse it at start).
  for (const [key, spec] of Object.entries(def.options)) {
    const c = options[key] as CompressorSpec | undefined;
    if (spec.type === 'compressor' && c?.accordion !== undefined && s.mode === 'timing-only')
      addIssue(
        ctx,
        'accordion',
        "accordion decides each tensor's level from gradient norms, which timing-only mode does not compute; use mode: full",
        ['training', 'schedule', key],
      );
  }
}

/**
 * Full mode: the training split must cover every worker's shard, and a batch must not exceed the
 * average shard (⌊training samples / workers⌋, exactly the smallest iid shard): a larger batch
 * would repeat samples within a step.
 */
function checkShards(s: ParsedScenario, sctx: SchemaContext, data: DatasetShape, workers: number, ctx: Ctx): void {
  const w = s.workload;
  const n = data.trainSize;
  if (data.testSize < 1) {
    addIssue(
      ctx,
      w.dataset,
      `the test split of ${w.dataset.kind} is empty (${data.testSize + n} samples, testFraction ${String(w.dataset.options['testFraction'])}); full mode evaluates on it`,
      ['workload', 'dataset'],
    );
  }
  const sh = w.sharding;
  if (sh.kind === 'classes') {
    const k = sh.shardsPerWorker ?? 2;
    if (k * workers > n) {
      addIssue(
        ctx,
        k,
        `${workers} workers × ${k} shards per worker need ${k * workers} shards; ${data.trainName} has ${n} samples`,
        ['workload', 'sharding', 'shardsPerWorker'],
      );
      return;
    }
  }
  if (sh.kind === 'dirichlet') {
    // The split depends only on the class sizes and the seed, so the run's draws are replayed on
    // labels with the same class sizes: a split the run could not make fails here, with the same words.
    // Each try draws classes × workers gamma variates: replay at most DIRICHLET_REPLAY_DRAWS of them.
    // The first tries are the run's own, so a success here is the run's; a failure in fewer tries
    // than maxTries says so.
    const maxTries = sh.maxTries ?? 100;
    const tries = Math.min(maxTries, Math.max(1, Math.floor(DIRICHLET_REPLAY_DRAWS / (data.numClasses * workers))));
    const key = `dirichlet:${JSON.stringify([data.trainClassCounts, workers, sh, tries, s.seed])}`;
    // Only the outcome is kept (a sweep over seeds replays once per seed).
    const replay = memoized(sctx, key, (): { empty: number } | { error: string } => {
      const labels = new Int32Array(n);
      let at = 0;
      data.trainClassCounts.forEach((c, cls) => {
        labels.fill(cls, at, at + c);
        at += c;
      });
      try {
        const shards = shardDirichlet(
          labels,
          data.numClasses,
          workers,
          sh.alpha,
          new Rng(s.seed).fork('data').fork('shards'),
          {
            ...(sh.minPerWorker !== undefined ? { minPerWorker: sh.minPerWorker } : {}),
            maxTries: tries,
          },
        );
        return { empty: shards.findIndex((x) => x.length === 0) };
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        return {
          error:
            tries < maxTries
              ? `${err.message} (validation replays the first ${tries} of maxTries ${maxTries} draws; lower maxTries to ${tries} or make the split easier)`
              : err.message,
        };
      }
    });
    if ('error' in replay) {
      addIssue(ctx, sh, replay.error, ['workload', 'sharding']);
      return;
    }
    if (replay.empty >= 0) {
      addIssue(
        ctx,
        sh.minPerWorker,
        `with seed ${s.seed} worker ${replay.empty} gets no samples, and an empty shard cannot be sampled; set minPerWorker >= 1`,
        ['workload', 'sharding', 'minPerWorker'],
      );
      return;
    }
  }
  const shard = Math.floor(n / workers);
  if (shard < 1) {
    addIssue(
      ctx,
      w.dataset,
      `${data.trainName} has ${n} samples for ${workers} workers; every worker needs at least one`,
      ['workload', 'dataset'],
    );
  } else if (w.batchSize > shard) {
    addIssue(
      ctx,
      w.batchSize,
      `got ${w.batchSize}; a batch must fit a worker's shard: ${data.trainName} has ${n} samples for ${workers} workers, ${shard} each`,
      ['workload', 'batchSize'],
    );
  }
}
