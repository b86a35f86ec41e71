/**
 * Assembles one run from its scenario: the cluster, network, communicator, straggler model, the trainer
 * (real or null), compute model, recorder, progress, per-worker accounting and the schedule's context.
 * `runScenario` runs what this builds; tests build a context here to drive the schedule library's
 * pieces directly, on exactly the parts a run gives a schedule.
 */
import { Rng } from '../core/rng.ts';
import { Simulator } from '../core/simulator.ts';
import { Communicator } from '../collectives/communicator.ts';
import type { CommunicatorOptions } from '../collectives/communicator.ts';
import { buildCluster, type Cluster } from '../hardware/cluster.ts';
import { MemoryLedger } from '../hardware/memory-ledger.ts';
import { Slowdown } from '../hardware/slowdown.ts';
import { buildTopology } from '../network/topologies.ts';
import { FlowNetwork } from '../network/flow-model.ts';
import { createNetworkModel } from '../network/network-models.ts';
import { MemoryRecorder } from '../results/memory-recorder.ts';
import { DEFAULT_UPDATES_LIMIT, keepsUpdateRows, recordsLinks } from '../results/output-defaults.ts';
import { getSchedule, type OptionValues, type ScheduleDefinition } from '../schedules/index.ts';
import type { ScheduleContext } from '../schedules/context.ts';
import { ComputeModel } from '../schedules/lib/compute-model.ts';
import { DivergenceWatch } from '../schedules/lib/divergence-watch.ts';
import { Progress } from '../schedules/lib/progress.ts';
import { NullTrainer } from '../schedules/lib/null-trainer.ts';
import type { Trainer } from '../schedules/lib/trainer.ts';
import { WorkerStats } from '../schedules/lib/worker-stats.ts';
import { asClassification } from '../training/datasets/dataset.ts';
import { bookModelState, gradientBytesPerValue, optimizerSlots, wirePrecisionOptions } from './run-memory.ts';
import { buildStragglers } from './run-stragglers.ts';
import { resolveTiming } from './run-timing.ts';
import { runShape, scheduleProblems } from './schedule-check.ts';
import { buildFullTrainer, loadDataset, modelFor } from './run-trainer.ts';
import type { Scenario } from './types.ts';

/** Evaluations per run when the scenario sets no cadence. */
const DEFAULT_EVALS = 20;

/** Everything a run is made of, before anything is scheduled. */
export interface RunSetup {
  readonly sim: Simulator;
  readonly cluster: Cluster;
  readonly comm: Communicator;
  readonly trainer: Trainer;
  readonly timing: ReturnType<typeof resolveTiming>;
  readonly recorder: MemoryRecorder;
  readonly updatesLimit: number;
  readonly progress: Progress;
  readonly stats: WorkerStats;
  readonly schedule: ScheduleDefinition;
  /** The schedule's parsed options. */
  readonly options: OptionValues;
  readonly ctx: ScheduleContext;
  /** GPU memory per rank, the model state and one batch of activations already booked. */
  readonly memory: MemoryLedger;
}

/**
 * Builds the parts of the run of `s` (see the file header).
 * @throws Error for a schedule that cannot run this configuration (its check, as validation made it).
 */
export function setUpRun(s: Scenario, onProgress?: (fraction: number) => void): RunSetup {
  const root = new Rng(s.seed);
  const sim = new Simulator();
  const cluster = buildCluster(s.cluster.nodes, 'cluster.nodes');
  const workers = cluster.devices.length;
  const topology = buildTopology(s.cluster.network.topology.kind, cluster.nodes, s.cluster.network.topology.options);
  const network = createNetworkModel(s.cluster.network.model, sim, topology, s.cluster.network.options);
  // links.csv: bytes per link over time, which only the flow model has (output.links).
  if (network instanceof FlowNetwork && recordsLinks(s.output.links, s.cluster.network.model, workers))
    network.recordLinkUsage();
  const comm = new Communicator(sim, network, communicatorOptions(s.cluster.network));
  const slowdown = new Slowdown(buildStragglers(s.cluster.stragglers), root.fork('stragglers'));

  const schedule = getSchedule(s.training.schedule.kind);
  const options = s.training.schedule.options;
  const shape = runShape(s.cluster.nodes);
  // The schedule's check, as validation made it: a scenario forced past validation fails here, before
  // anything is built, with the same words.
  const problems = scheduleProblems(schedule, options, shape);
  if (problems.length > 0) throw new RangeError(`${schedule.name}: ${problems.map((p) => p.message).join('; ')}`);
  // Data shards: one per worker unless the schedule keys data otherwise (FedAvg's clients).
  const dataKeys = schedule.dataKeys?.(options, shape) ?? workers;

  // The math half (or its null object), and the data shape the proxy-model timing needs.
  let trainer: Trainer;
  let inputSize = 784;
  let numClasses = 10;
  // The run's own streams of the math (shards, batches, initial weights); the data itself comes from
  // the scenario's data seed (run-trainer.ts), so every run seed sees the same split.
  const mathRng = root.fork('data');
  if (s.mode === 'full') {
    const built = buildFullTrainer(s, workers, mathRng, dataKeys);
    trainer = built.trainer;
    inputSize = built.model.inputSize;
    numClasses = built.model.numClasses;
  } else {
    // Epochs need the training-set size; load the data only then (timing-only runs stay light).
    let size = NaN;
    if (s.training.stop.epochs !== undefined || s.workload.timing.kind === 'model') {
      const train = asClassification(loadDataset(s).train, 'a classifier');
      size = train.n;
      const m = modelFor(s.workload.model, train);
      inputSize = m.inputSize;
      numClasses = m.numClasses;
    }
    trainer = new NullTrainer(size, dataKeys);
  }

  const timing = resolveTiming(s.workload.timing, s.workload.model, s.workload.precision, inputSize, numClasses);
  // Optimizer state vectors: the kind model prices the optimizer step by them; memory books them below.
  const slots = trainer.full ? trainer.optimizer().stateSlots : optimizerSlots(s.training.optimizer);
  const compute = new ComputeModel({
    optimizerSlots: slots,
    devices: cluster.devices,
    profile: timing.profile,
    batchSize: s.workload.batchSize,
    precision: s.workload.precision,
    slowdown,
    ...(s.workload.efficiency !== undefined ? { efficiency: s.workload.efficiency } : {}),
    ...(s.workload.computeModel !== undefined ? { computeModel: s.workload.computeModel } : {}),
    ...(timing.stepTimeS !== undefined ? { stepTimeS: timing.stepTimeS } : {}),
    ...wirePrecisionOptions(s.workload),
  });

  // Memory: every rank's model state and one batch of activations, before anything is scheduled, so
  // a configuration that does not fit fails here with the GPU, its capacity and the breakdown.
  const memory = new MemoryLedger(
    cluster.devices.map((d) => d.spec.memoryBytes as number),
    s.cluster.allowOversubscribe ?? false,
    cluster.devices.map((d) => d.spec.name),
  );
  // Pipelines book their own (a stage's share of the model, activations as micro-batches fly).
  if (schedule.ownsMemory !== true)
    bookModelState(memory, timing.profile, s.workload.batchSize, slots, gradientBytesPerValue(s.workload));

  const updatesLimit = s.output.updatesLimit ?? DEFAULT_UPDATES_LIMIT;
  const recorder = new MemoryRecorder({
    updates: keepsUpdateRows(s.output.updates, workers),
    spans: s.output.trace,
    traceLimit: s.output.traceLimit,
    updatesLimit,
    workers,
  });
  const stop = s.training.stop;
  const ev = s.training.eval;
  const progress = new Progress(
    sim,
    trainer,
    recorder,
    {
      ...(stop.updates !== undefined ? { updates: stop.updates } : {}),
      ...(stop.epochs !== undefined ? { samples: stop.epochs * trainer.trainSize() } : {}),
      ...(stop.simTimeS !== undefined ? { simTimeS: stop.simTimeS } : {}),
      ...(stop.targetAccuracy !== undefined ? { targetAccuracy: stop.targetAccuracy } : {}),
    },
    ev.everyUpdates,
    onProgress,
    ev.everyUpdates === undefined && ev.everyS === undefined ? 1 / DEFAULT_EVALS : undefined,
  );
  if (stop.epochs !== undefined && Number.isNaN(trainer.trainSize()))
    throw new Error('stop.epochs needs the training-set size');
  progress.watchThresholds(ev.thresholds ?? []);

  const stats = new WorkerStats(workers, () => sim.now as number);
  const ctx: ScheduleContext = {
    sim,
    workers,
    devices: cluster.devices,
    nodes: cluster.nodes,
    comm,
    network,
    compute,
    trainer,
    // Full runs check every applied gradient's loss; timing-only runs have no losses to check.
    recorder: trainer.full ? new DivergenceWatch(recorder, progress) : recorder,
    stats,
    progress,
    memory,
    optimizerSlots: slots,
    batchSize: s.workload.batchSize,
    rng: root.fork(`schedule-${schedule.name}`),
  };
  return {
    sim,
    cluster,
    comm,
    trainer,
    timing,
    recorder,
    updatesLimit,
    progress,
    stats,
    schedule,
    options,
    ctx,
    memory,
  };
}

/**
 * The communicator's protocol and launch overhead from a scenario's network block: protocols on by
 * default (`auto`), or the plain α-β model with `protocol: none`.
 */
export function communicatorOptions(n: Scenario['cluster']['network']): CommunicatorOptions {
  const launch = n.launchOverheadS === undefined ? {} : { launchS: n.launchOverheadS };
  if (n.protocol === 'none') return { ...launch };
  return { ...launch, protocol: n.protocol ?? 'auto' };
}
