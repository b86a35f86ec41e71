/**
 * Figures of a run that summary.csv derives from its `RunResult` rather than storing: the throughput
 * and the accuracy-threshold columns. In their own file because both the per-run rows (csv.ts) and the
 * aggregate rows over repeats (summary-aggregates.ts) need them.
 */
import type { RunResult } from './recorder.ts';

/** Samples per simulated second; undefined (an empty cell) when no simulated time passed. */
export function throughputSamplesPerS(r: RunResult): number | undefined {
  return r.simTimeS > 0 ? r.samples / r.simTimeS : undefined;
}

/**
 * The accuracy thresholds of any run, ascending: each is a summary.csv column after the fixed ones
 * (`time_to_0.90_s`), empty for a run that did not report it or never reached it.
 */
export function thresholdColumns(
  results: readonly RunResult[],
): { readonly accuracy: number; readonly column: string }[] {
  const all = [...new Set(results.flatMap((r) => r.thresholds.map((t) => t.accuracy)))].sort((a, b) => a - b);
  return all.map((a) => ({ accuracy: a, column: `time_to_${accuracyText(a)}_s` }));
}

/** At least two decimals (`0.90`), more when the accuracy has them (`0.925`), never an exponent. */
function accuracyText(a: number): string {
  let d = 2;
  while (d < 20 && Number(a.toFixed(d)) !== a) d++;
  return a.toFixed(d);
}
