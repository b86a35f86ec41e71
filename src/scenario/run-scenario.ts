/**
 * Runs one resolved scenario: sets it up (run-setup.ts), starts the schedule's process, runs the
 * simulator until a stop condition fires, clips what was booked past the end, and returns everything
 * the result writers need. Synchronous: the tensor backend must already be
 * initialised for `full` runs (the CLI awaits `initBackend()` first).
 */
import { runKey } from '../results/run-key.ts';
import { seconds } from '../core/units.ts';
import { outputNotes } from '../results/output-defaults.ts';
import type { MetricRecord, RunResult, WorkerRow } from '../results/recorder.ts';
import { runLinks, linksNotes } from './run-links.ts';
import { lmFigures } from './run-lm-figures.ts';
import { setUpRun } from './run-setup.ts';
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

/** The fields of a result that name the run (its id, label and configuration), not what it computed. */
export type RunNames = Pick<RunResult, 'runId' | 'label' | 'configId' | 'configLabel' | 'repeats'>;

/**
 * The naming fields of `s`'s result when it is run as run `runId`. A resumed sweep gives a stored
 * result these afresh: the run key leaves them out, so the same run may sit at another place.
 */
export function runNames(s: Scenario, runId: number): RunNames {
  return {
    runId,
    label: s.point === '' ? s.name : s.point,
    ...(s.configId === undefined
      ? {}
      : {
          configId: s.configId,
          configLabel: s.configLabel === undefined || s.configLabel === '' ? s.name : s.configLabel,
          repeats: s.repeats ?? 1,
        }),
  };
}

/** A result computed for another place (a stored run) given `s`'s names as run `runId`. */
export function renameResult(result: RunResult, s: Scenario, runId: number): RunResult {
  const { runId: _id, label: _label, configId: _c, configLabel: _cl, repeats: _r, ...rest } = result;
  return { ...rest, ...runNames(s, runId) };
}

/**
 * Runs `s` and returns its results.
 * @throws Error for a schedule that cannot run this configuration, or any failure inside the run.
 */
export function runScenario(s: Scenario, runId: number, hooks: RunHooks = {}): RunResult {
  const wall0 = hooks.wallClock?.() ?? NaN;
  const {
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
  } = setUpRun(s, hooks.onProgress);
  const workers = cluster.devices.length;
  const stop = s.training.stop;
  const ev = s.training.eval;
  const driver = sim.process(schedule.start(ctx, options), schedule.name);
  // A schedule that returns on its own (nothing left to do) ends the run too.
  driver.onProcessed(() => progress.finish('the schedule finished'));
  if (stop.simTimeS !== undefined)
    sim.schedule(seconds(stop.simTimeS), () => progress.finish(`simulated time reached ${stop.simTimeS} s`));
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
      peakMemoryBytes: memory.peak(w),
      ...(stats.stage[w]! >= 0
        ? {
            stage: stats.stage[w]!,
            peakWeightVersions: stats.peakWeightVersions[w]!,
            peakActivations: stats.peakActivations[w]!,
          }
        : {}),
    };
  });
  let bytesSent = 0;
  for (const b of comm.bytesSentPerRank) bytesSent += b;
  const stale = recorder.stalenessStats();
  const updateRows = recorder.updateRows();
  const spans = recorder.spans(simTimeS);
  const metrics = recorder.metrics(simTimeS);
  const links = runLinks(ctx.network);
  return {
    ...runNames(s, runId),
    runKey: runKey(s),
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
    peakMemoryBytes: memory.maxPeak(),
    ...lmFigures(timing.profile, cluster.devices, s.workload.precision, progress.samples, simTimeS),
    meanStaleness: stale.mean,
    maxStaleness: stale.max,
    meanUtilization:
      simTimeS > 0 ? rows.reduce((a, r) => a + (r.utilization ?? 0), 0) / Math.max(1, rows.length) : undefined,
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
    })
      .concat(metricNotes(metrics))
      .concat(linksNotes(s, workers)),
    workerRows: rows,
    spans,
    traceDropped: recorder.traceDropped,
    metrics,
    ...(links === undefined ? {} : { links }),
    wallS: (hooks.wallClock?.() ?? NaN) - wall0,
    ...(trainer.full ? { finalParams: progress.current.params } : {}),
  };
}

/** One note per metric name: its total over the run (metrics.csv has the rows). */
function metricNotes(metrics: readonly MetricRecord[]): string[] {
  const totals = new Map<string, { sum: number; rows: number }>();
  for (const m of metrics) {
    const t = totals.get(m.name) ?? { sum: 0, rows: 0 };
    t.sum += m.value;
    t.rows += 1;
    totals.set(m.name, t);
  }
  return [...totals].map(([name, t]) => `metrics.csv: ${name} total ${String(t.sum)} over ${String(t.rows)} rows`);
}
