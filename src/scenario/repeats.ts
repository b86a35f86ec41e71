/**
 * Repeats: `repeats: K` (top level, default 1) runs every configuration (every sweep point, or the one
 * run without a sweep) with K seeds, `seed, seed + 1, ..., seed + K − 1`, one run each. Consecutive
 * seeds, not hashed ones, so a reader can tell from summary.csv which runs belong together and rerun
 * any one of them with `--seed N`. Only the seed differs between repeats (the data split has its own
 * seed, `workload.dataset.seed`), so their spread measures the run-seed noise alone.
 *
 * `repeats` lives at the top level and not inside `sweep:` because it is not an axis: it has no values
 * to label and combines with every point the same way. Sweeping it is refused (sweep.ts).
 */
import { MAX_REPEATS } from './limits.ts';
import type { Scenario } from './types.ts';

/**
 * The number of repeats the raw (unvalidated) data asks for: `repeats` when it is an integer in
 * 1..`MAX_REPEATS`, else 1. A bad value is reported by the schema at every point, with its position;
 * counting it as 1 here keeps the size checks from adding a second message about it.
 */
export function readRepeats(raw: Readonly<Record<string, unknown>>): number {
  const k = raw['repeats'];
  return typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= MAX_REPEATS ? k : 1;
}

/** The label of one repeat: the point's label followed by its seed (`lr=0.1, seed=3`, or `seed=3` alone). */
export function repeatLabel(point: string, seed: number): string {
  return point === '' ? `seed=${String(seed)}` : `${point}, seed=${String(seed)}`;
}

/**
 * Why `seed` cannot start `repeats` consecutive seeds (the last would pass 2^53 − 1 and stop being an
 * exact integer), or undefined when it can.
 */
export function repeatSeedProblem(seed: number, repeats: number): string | undefined {
  if (seed + (repeats - 1) <= Number.MAX_SAFE_INTEGER) return undefined;
  return `got ${String(seed)}; with repeats: ${String(repeats)} the seeds run to seed + ${String(repeats - 1)}, so expected at most ${String(Number.MAX_SAFE_INTEGER - (repeats - 1))}`;
}

/**
 * The runs of one configuration: `run` itself, unchanged, when `repeats` is 1 (so files without
 * repeats give the same runs, manifest hashes and results as before), else one copy per seed with the
 * seed in its label and the configuration fields set. Copies share every other field: the scenario
 * was validated once.
 */
export function repeatRuns(run: Scenario, configId: number, repeats: number): Scenario[] {
  const configLabel = run.point;
  if (repeats === 1) return [run];
  return Array.from({ length: repeats }, (_, k) => {
    const seed = run.seed + k;
    return { ...run, seed, point: repeatLabel(run.point, seed), configId, configLabel, repeats };
  });
}
