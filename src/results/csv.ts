/**
 * The four CSV tables of a results folder (design.md §5; every column is documented in
 * results/README.md). Each function is pure: the same `RunResult[]` gives byte-identical text. Rows
 * are written run by run in the order given, and within a run in record order.
 */
import { csvNumber as num, csvText as text, joinCsvLines } from './csv-cells.ts';
import { hasLinks, linksCsv } from './link-rows.ts';
import type { RunResult } from './recorder.ts';
import { throughputSamplesPerS, thresholdColumns } from './run-metrics.ts';
import { REPEAT_COLUMNS, aggregateLines, hasRepeats } from './summary-aggregates.ts';

export { throughputSamplesPerS, thresholdColumns } from './run-metrics.ts';

/** The fixed columns of summary.csv, in order (`thresholdColumns` may follow). */
export const SUMMARY_COLUMNS = [
  'run_id',
  'scenario',
  'point',
  'schedule',
  'mode',
  'workers',
  'seed',
  'timing',
  'sim_time_s',
  'updates',
  'samples',
  'throughput_samples_per_s',
  'final_loss',
  'final_accuracy',
  'best_accuracy',
  'time_to_target_s',
  'bytes_sent',
  'mean_staleness',
  'max_staleness',
  'mean_utilization',
  'stop_reason',
  'diverged',
  'collapsed',
  'peak_memory_bytes',
  'tokens_per_s',
  'model_flops',
  'mfu',
] as const;

/** summary.csv's last column: the run's stable id (run-key.ts); empty on aggregate rows. */
export const RUN_KEY_COLUMN = 'run_key';

/** Columns of evals.csv, in order. */
export const EVALS_COLUMNS = ['run_id', 'sim_time_s', 'updates', 'samples', 'epoch', 'loss', 'accuracy'] as const;

/** Columns of updates.csv, in order. */
export const UPDATES_COLUMNS = [
  'run_id',
  'sim_time_s',
  'worker',
  'stage',
  'version_read',
  'version_applied',
  'staleness',
  'loss',
  'version_backward',
] as const;

/** Columns of metrics.csv, in order. */
export const METRICS_COLUMNS = ['run_id', 'sim_time_s', 'worker', 'name', 'value'] as const;

/** Columns of workers.csv, in order. */
export const WORKERS_COLUMNS = [
  'run_id',
  'worker',
  'node',
  'gpu',
  'compute_s',
  'comm_s',
  'idle_s',
  'updates',
  'utilization',
  'mean_staleness',
  'max_staleness',
  'peak_memory_bytes',
  'stage',
  'peak_weight_versions',
  'peak_activations',
] as const;

/**
 * Lines of summary.csv (header first, no line ends): one row per run. When some configuration ran
 * with `repeats` ≥ 2, two columns follow the threshold columns (`config_id`, `row_kind` = `run`) and
 * its aggregate rows follow all run rows (summary-aggregates.ts). `run_key` is always the last column.
 */
export function* summaryLines(results: readonly RunResult[]): Generator<string, void, undefined> {
  const extra = thresholdColumns(results);
  const repeated = hasRepeats(results);
  // run_key comes last so that readers of the older columns by position keep working.
  const header = [
    ...SUMMARY_COLUMNS,
    ...extra.map((c) => c.column),
    ...(repeated ? REPEAT_COLUMNS : []),
    RUN_KEY_COLUMN,
  ];
  yield header.join(',');
  for (const r of results) {
    yield [
      num(r.runId),
      text(r.scenario),
      text(r.label),
      text(r.schedule),
      text(r.mode),
      num(r.workers),
      num(r.seed),
      text(r.timing),
      num(r.simTimeS),
      num(r.updates),
      num(r.samples),
      num(throughputSamplesPerS(r)),
      num(r.finalLoss),
      num(r.finalAccuracy),
      num(r.bestAccuracy),
      num(r.timeToTargetS),
      num(r.bytesSent),
      num(r.meanStaleness),
      num(r.maxStaleness),
      num(r.meanUtilization),
      text(r.stopReason),
      String(r.divergence !== undefined),
      String(r.collapse !== undefined),
      num(r.peakMemoryBytes),
      num(r.tokensPerS),
      num(r.modelFlops),
      num(r.mfu),
      ...extra.map((c) => num(r.thresholds.find((t) => t.accuracy === c.accuracy)?.timeS)),
      ...(repeated ? [num(r.configId), 'run'] : []),
      text(r.runKey ?? ''),
    ].join(',');
  }
  if (repeated) yield* aggregateLines(results, header);
}

/** summary.csv: one row per run. */
export function summaryCsv(results: readonly RunResult[]): string {
  return joinCsvLines(summaryLines(results));
}

/** Lines of evals.csv (header first): one row per evaluation of the global model. */
export function* evalsLines(results: readonly RunResult[]): Generator<string, void, undefined> {
  yield EVALS_COLUMNS.join(',');
  for (const r of results) {
    const id = num(r.runId);
    for (const e of r.evals) {
      yield `${id},${num(e.timeS)},${num(e.updates)},${num(e.samples)},${num(e.epoch)},${num(e.loss)},${num(e.accuracy)}`;
    }
  }
}

/** evals.csv: one row per evaluation of the global model. */
export function evalsCsv(results: readonly RunResult[]): string {
  return joinCsvLines(evalsLines(results));
}

/**
 * Lines of updates.csv (header first): one row per kept update (only runs that kept rows contribute).
 * Every cell is a number, and `String(x)` of a number never contains a comma, quote or line break, so
 * rows are built by plain concatenation: this is the one table that reaches millions of rows, and it
 * is read row by row from the recorder's columns, never as one array of objects.
 */
export function* updatesLines(results: readonly RunResult[]): Generator<string, void, undefined> {
  yield UPDATES_COLUMNS.join(',');
  for (const r of results) {
    const id = num(r.runId);
    for (const u of r.updateRows) {
      // Staleness is derived here (not stored) so it can never disagree with the two versions.
      // version_backward is empty unless the backward pass used another version than the forward.
      const vb = u.versionBackward === u.versionRead ? undefined : u.versionBackward;
      yield `${id},${num(u.timeS)},${num(u.worker)},${num(u.stage)},${num(u.versionRead)},${num(u.versionApplied)},${num(u.versionApplied - u.versionRead)},${num(u.loss)},${num(vb)}`;
    }
  }
}

/** updates.csv as one string (small runs and tests; the CLI streams `updatesLines`). */
export function updatesCsv(results: readonly RunResult[]): string {
  return joinCsvLines(updatesLines(results));
}

/** Lines of workers.csv (header first): one row per worker per run. */
export function* workersLines(results: readonly RunResult[]): Generator<string, void, undefined> {
  yield WORKERS_COLUMNS.join(',');
  for (const r of results) {
    const id = num(r.runId);
    for (const w of r.workerRows) {
      yield `${id},${num(w.worker)},${num(w.node)},${text(w.gpu)},${num(w.computeS)},${num(w.commS)},${num(w.idleS)},${num(w.updates)},${num(w.utilization)},${num(w.meanStaleness)},${num(w.maxStaleness)},${num(w.peakMemoryBytes)},${num(w.stage)},${num(w.peakWeightVersions)},${num(w.peakActivations)}`;
    }
  }
}

/** workers.csv: one row per worker per run. */
export function workersCsv(results: readonly RunResult[]): string {
  return joinCsvLines(workersLines(results));
}

/** Lines of metrics.csv (header first): one row per named measurement a schedule reported. */
export function* metricsLines(results: readonly RunResult[]): Generator<string, void, undefined> {
  yield METRICS_COLUMNS.join(',');
  for (const r of results) {
    const id = num(r.runId);
    for (const m of r.metrics) yield `${id},${num(m.timeS)},${num(m.worker)},${text(m.name)},${num(m.value)}`;
  }
}

/** metrics.csv as one string. */
export function metricsCsv(results: readonly RunResult[]): string {
  return joinCsvLines(metricsLines(results));
}

/**
 * All four tables keyed by file name, ready for `writeResultsAtomic`. updates.csv is left out when no
 * run kept update rows and `alwaysUpdates` is not set, so a timing-only sweep does not write an empty
 * table that looks like a failure.
 */
export function csvFiles(results: readonly RunResult[], alwaysUpdates = false): Record<string, string> {
  const files: Record<string, string> = {
    'summary.csv': summaryCsv(results),
    'evals.csv': evalsCsv(results),
    'workers.csv': workersCsv(results),
  };
  if (alwaysUpdates || results.some((r) => r.updateRows.length > 0)) files['updates.csv'] = updatesCsv(results);
  // metrics.csv only when some schedule reported a measurement (Hogwild!'s conflicts).
  if (results.some((r) => r.metrics.length > 0)) files['metrics.csv'] = metricsCsv(results);
  // links.csv only when some flow-model run recorded link bins (output.links).
  if (hasLinks(results)) files['links.csv'] = linksCsv(results);
  return files;
}
