/**
 * Runs grouped into configurations (`repeats`: runs sharing a `configId` differ only in their seed),
 * and each repeated configuration's statistics per metric: the time, throughput, loss, accuracy and
 * time-to-accuracy figures of summary.csv. A diverged run is left out of every statistic: its numbers
 * are where the arithmetic broke, not a sample of the seed noise. A value a run lacks (no evaluation,
 * a target never reached) is left out of that metric only; each statistic records how many it used.
 */
import type { RunResult } from './recorder.ts';
import { throughputSamplesPerS, thresholdColumns } from './run-metrics.ts';
import { sampleStats } from './stats.ts';
import type { SampleStats } from './stats.ts';

/** A metric aggregated over repeats: its summary.csv column and how a run gives its value. */
export interface RepeatMetric {
  /** The summary.csv column (with its unit), e.g. `sim_time_s`. */
  readonly column: string;
  readonly value: (r: RunResult) => number | undefined;
}

/** The fixed metrics aggregated over repeats, in summary.csv column order; threshold columns follow. */
export const REPEAT_METRICS: readonly RepeatMetric[] = [
  { column: 'sim_time_s', value: (r) => r.simTimeS },
  { column: 'throughput_samples_per_s', value: throughputSamplesPerS },
  { column: 'final_loss', value: (r) => r.finalLoss },
  { column: 'final_accuracy', value: (r) => r.finalAccuracy },
  { column: 'best_accuracy', value: (r) => r.bestAccuracy },
  { column: 'time_to_target_s', value: (r) => r.timeToTargetS },
];

/** The metrics of `results`: the fixed ones and a time-to-accuracy per threshold any run reported. */
export function repeatMetrics(results: readonly RunResult[]): RepeatMetric[] {
  return [
    ...REPEAT_METRICS,
    ...thresholdColumns(results).map((c) => ({
      column: c.column,
      value: (r: RunResult) => r.thresholds.find((t) => t.accuracy === c.accuracy)?.timeS,
    })),
  ];
}

/** A configuration run with several seeds and its statistics. */
export interface RepeatedConfig {
  readonly configId: number;
  /** The configuration's label (the point label without `seed=N`). */
  readonly label: string;
  /** Its runs in run order (all of them, diverged ones included). */
  readonly runs: readonly RunResult[];
  /** Runs left out of every statistic because they diverged. */
  readonly diverged: number;
  /** Per metric column. */
  readonly stats: ReadonlyMap<string, SampleStats>;
}

/** Whether any run belongs to a configuration run with two or more seeds. */
export function hasRepeats(results: readonly RunResult[]): boolean {
  return results.some((r) => (r.repeats ?? 1) >= 2 && r.configId !== undefined);
}

/** The configurations with `repeats` ≥ 2, in order of their first run, each with its statistics. */
export function repeatedConfigs(results: readonly RunResult[]): RepeatedConfig[] {
  const byId = new Map<number, RunResult[]>();
  for (const r of results) {
    if ((r.repeats ?? 1) < 2 || r.configId === undefined) continue;
    const g = byId.get(r.configId);
    if (g === undefined) byId.set(r.configId, [r]);
    else g.push(r);
  }
  const metrics = repeatMetrics(results);
  return [...byId].map(([configId, runs]) => {
    const kept = runs.filter((r) => r.divergence === undefined);
    return {
      configId,
      label: runs[0]!.configLabel ?? runs[0]!.label,
      runs,
      diverged: runs.length - kept.length,
      stats: new Map(metrics.map((m) => [m.column, sampleStats(kept.map(m.value))])),
    };
  });
}
