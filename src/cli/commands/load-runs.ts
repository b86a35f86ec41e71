/**
 * Loads a scenario file as `dtsim run` and `dtsim sweep` options ask. Shared by the command and by the
 * worker processes of `--jobs` (sweep-worker.ts), which must expand the very same runs from the same file
 * and options: a run is sent to a worker as its run id only.
 */
import type { LoadedScenario } from '../../scenario/load.ts';
import { parseMaxRuns } from './max-runs.ts';

/** The options of `dtsim run` that shape the runs. */
export interface LoadRunOptions {
  readonly set?: string[];
  readonly seed?: string;
  readonly timingOnly?: boolean;
  readonly maxRuns?: string;
}

/**
 * The scenario file's runs under `opts`.
 * @throws Error for a bad --seed or --max-runs; ScenarioError listing every problem of the file.
 */
export async function loadRuns(file: string, opts: LoadRunOptions): Promise<LoadedScenario> {
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${opts.seed}`);
  const maxRuns = parseMaxRuns(opts.maxRuns);
  // Imported here, not at the top: `dtsim --help` must not pay for the scenario layer.
  const { loadScenario } = await import('../../scenario/load.ts');
  return loadScenario(file, {
    ...(opts.set !== undefined ? { overrides: opts.set } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(opts.timingOnly === true ? { timingOnly: true } : {}),
    ...(maxRuns !== undefined ? { maxRuns } : {}),
  });
}
