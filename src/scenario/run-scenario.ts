/**
 * Runs one resolved scenario: builds the cluster, network, communicator, compute model, trainer and
 * recorder, starts the schedule's process, runs the simulator until a stop condition fires, and
 * returns everything the result writers need. Synchronous: the tensor backend must already be
 * initialised for `full` runs (the CLI awaits `initBackend()` first).
 */
import { Rng } from '../core/rng.ts';
import { Simulator } from '../core/simulator.ts';
import { seconds } from '../core/units.ts';
import { Communicator } from '../collectives/communicator.ts';
import { buildCluster } from '../hardware/cluster.ts';
import { Slowdown } from '../hardware/slowdown.ts';
import { buildTopology } from '../network/topologies.ts';
import { createNetworkModel } from '../network/network-models.ts';
import { MemoryRecorder } from '../results/memory-recorder.ts';
import { DEFAULT_UPDATES_LIMIT, keepsUpdateRows, outputNotes } from '../results/output-defaults.ts';
import type { RunResult, WorkerRow } from '../results/recorder.ts';
import { getSchedule } from '../schedules/index.ts';
import type { ScheduleContext } from '../schedules/context.ts';
import { ComputeModel } from '../schedules/lib/compute-model.ts';
import { DivergenceWatch } from '../schedules/lib/divergence-watch.ts';
import { Progress } from '../schedules/lib/progress.ts';
import { NullTrainer } from '../schedules/lib/null-trainer.ts';
import type { Trainer } from '../schedules/lib/trainer.ts';
import { WorkerStats } from '../schedules/lib/worker-stats.ts';
import { asClassification } from '../training/datasets/dataset.ts';
import { buildStragglers } from './run-stragglers.ts';
import { resolveTiming } from './run-timing.ts';
import { runShape, scheduleProblems } from './schedule-check.ts';
import { buildFullTrainer, loadDataset, modelFor } from './run-trainer.ts';
import type { Scenario } from './types.ts';

/** Hooks the CLI passes in. */
export interface RunHooks {
  /** Called as the run advances, with the fraction done in [0, 1]. */
  readonly onProgress?: (fraction: number) => void;
  /** Wall clock in seconds (only the CLI may read it); defaults to none, giving wallS = NaN. */
  readonly wallClock?: () => number;
}

// Idle = run time − busy time; differences within float rounding of the run time are exactly 0.
function idleTime(simTimeS: number, busyS: number): number {
  const idle = simTimeS - busyS;
  return idle <= 1e-12 * Math.max(1, simTimeS) ? 0 : idle;
}

/** Evaluations per run when the scenario sets no cadence. */
const DEFAULT_EVALS = 20;

/**
 * Runs `s` and returns its results.
 * @throws Error for a schedule that cannot run this configuration, or any failure inside the run.
 */
export function runScenario(s: Scenario, runId: number, hooks: RunHooks = {}): RunResult {
  const wall0 = hooks.wallClock?.() ?? NaN;
  const root = new Rng(s.seed);
  const sim = new Simulator();
  const cluster = buildCluster(s.cluster.nodes, 'cluster.nodes');
  const workers = cluster.devices.length;
  const topology = buildTopology(s.cluster.network.topology.kind, cluster.nodes, s.cluster.network.topology.options);
  const network = createNetworkModel(s.cluster.network.model, sim, topology, s.cluster.network.options);
  const comm = new Communicator(sim, network);
  const slowdown = new Slowdown(buildStragglers(s.cluster.stragglers), root.fork('stragglers'));

  // The math half (or its null object), and the data shape the proxy-model timing needs.
  let trainer: Trainer;
  let inputSize = 784;
  let numClasses = 10;
  // The run's own streams of the math (shards, batches, initial weights); the data itself comes from
  // the scenario's data seed (run-trainer.ts), so every run seed sees the same split.
  const mathRng = root.fork('data');
  if (s.mode === 'full') {
    const built = buildFullTrainer(s, workers, mathRng);
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
    trainer = new NullTrainer(size);
  }

  const timing = resolveTiming(s.workload.timing, s.workload.model, s.workload.precision, inputSize, numClasses);
  const compute = new ComputeModel({
    devices: cluster.devices,
    profile: timing.profile,
    batchSize: s.workload.batchSize,
    precision: s.workload.precision,
    slowdown,
    ...(s.workload.efficiency !== undefined ? { efficiency: s.workload.efficiency } : {}),
    ...(timing.stepTimeS !== undefined ? { stepTimeS: timing.stepTimeS } : {}),
  });

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
    hooks.onProgress,
    ev.everyUpdates === undefined && ev.everyS === undefined ? 1 / DEFAULT_EVALS : undefined,
  );
  if (stop.epochs !== undefined && Number.isNaN(trainer.trainSize())) throw new Error('stop.epochs needs the training-set size');
  progress.watchThresholds(ev.thresholds ?? []);

  const stats = new WorkerStats(workers, () => sim.now as number);
  const schedule = getSchedule(s.training.schedule.kind);
  const options = s.training.schedule.options;
  // The schedule's check, as validation made it: a scenario forced past validation fails here, before
  // anything is scheduled, with the same words.
  const problems = scheduleProblems(schedule, options, runShape(s.cluster.nodes));
  if (problems.length > 0) throw new RangeError(`${schedule.name}: ${problems.map((p) => p.message).join('; ')}`);
  const ctx: ScheduleContext = {
    sim,
    workers,
    devices: cluster.devices,
    comm,
    network,
    compute,
    trainer,
    // Full runs check every applied gradient's loss; timing-only runs have no losses to check.
    recorder: trainer.full ? new DivergenceWatch(recorder, progress) : recorder,
    stats,
    progress,
    batchSize: s.workload.batchSize,
    rng: root.fork(`schedule-${schedule.name}`),
  };
  const driver = sim.process(schedule.start(ctx, options), schedule.name);
  // A schedule that returns on its own (nothing left to do) ends the run too.
  driver.onProcessed(() => progress.finish('the schedule finished'));
  if (stop.simTimeS !== undefined) sim.schedule(seconds(stop.simTimeS), () => progress.finish(`simulated time reached ${stop.simTimeS} s`));
  if (ev.everyS !== undefined && trainer.full) {
    const every = ev.everyS;
    sim.process(
      (function* () {
        for (;;) {
          yield sim.timeout(seconds(every));
          progress.evaluate();
        }
      })(),
      'eval',
    );
  }
  if (trainer.full) progress.evaluate();
  sim.run(progress.done);
  if (trainer.full) progress.evaluate();

  const simTimeS = sim.now as number;
  // Work booked ahead of the clock (a step that the end of the run cut short) counts up to the end only.
  stats.finish(simTimeS);
  const evals = recorder.evals();
  const last = evals[evals.length - 1];
  const rows: WorkerRow[] = cluster.devices.map((d) => {
    const w = d.rank;
    const st = recorder.perWorkerStaleness(w);
    const computeS = stats.computeS[w]!;
    return {
      worker: w,
      node: d.node,
      gpu: d.spec.name,
      computeS,
      commS: stats.commS[w]!,
      idleS: idleTime(simTimeS, stats.busyS[w]!),
      updates: stats.updates[w]!,
      utilization: simTimeS > 0 ? computeS / simTimeS : undefined,
      meanStaleness: st.mean,
      maxStaleness: st.max,
    };
  });
  let bytesSent = 0;
  for (const b of comm.bytesSentPerRank) bytesSent += b;
  const stale = recorder.stalenessStats();
  const updateRows = recorder.updateRows();
  const spans = recorder.spans(simTimeS);
  const label = s.point === '' ? s.name : s.point;
  return {
    runId,
    label,
    scenario: s.name,
    schedule: schedule.name,
    mode: s.mode,
    workers,
    seed: s.seed,
    timing: `${timing.label} (${timing.profile.description})`,
    simTimeS,
    updates: progress.updates,
    samples: progress.samples,
    finalLoss: last?.loss,
    finalAccuracy: last?.accuracy,
    bestAccuracy: progress.bestAccuracy,
    timeToTargetS: progress.timeToTargetS,
    thresholds: progress.thresholds.map((t) => ({ accuracy: t.accuracy, timeS: t.timeS })),
    bytesSent,
    meanStaleness: stale.mean,
    maxStaleness: stale.max,
    meanUtilization: simTimeS > 0 ? rows.reduce((a, r) => a + (r.utilization ?? 0), 0) / Math.max(1, rows.length) : undefined,
    stopReason: progress.stopReason,
    divergence: progress.divergence,
    collapse: progress.collapse,
    evals,
    updateRows,
    updatesKept: recorder.wantsUpdates,
    updatesDropped: recorder.updatesDropped,
    notes: outputNotes({
      updatesSetting: s.output.updates,
      workers,
      updatesLimit,
      updatesKept: updateRows.length,
      updatesDropped: recorder.updatesDropped,
      traceLimit: s.output.traceLimit,
      spansKept: spans.length,
      spansDropped: recorder.traceDropped,
    }),
    workerRows: rows,
    spans,
    traceDropped: recorder.traceDropped,
    wallS: (hooks.wallClock?.() ?? NaN) - wall0,
    ...(trainer.full ? { finalParams: progress.current.params } : {}),
  };
}
