/**
 * The `--jobs N` option of `dtsim run` and `dtsim sweep`: how many runs execute at once, each in its own process
 * (sweep-pool.ts). Kept free of heavy imports so that `--help` stays fast.
 */
import { availableParallelism } from 'node:os';

/** Help text of the option. */
export const JOBS_HELP =
  'runs executed at once, each in its own process (default: the number of cores; 1 = one after another)';

/**
 * The option's value: the core count when absent.
 * @throws Error for anything but a whole number >= 1.
 */
export function parseJobs(text: string | undefined, cores = availableParallelism()): number {
  if (text === undefined) return Math.max(1, cores);
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1)
    throw new Error(`--jobs must be a whole number >= 1 such as 4, got ${JSON.stringify(text)}`);
  return Number(text);
}
