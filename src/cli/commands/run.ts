/**
 * `dtsim run <scenario>`: loads and validates the scenario (every error at once, before anything
 * runs), runs each run it describes (one, or one per sweep point), prints a summary table, and writes
 * the result files atomically to `results/<name>/` or `--out`. Only here (cli/) is the wall clock read:
 * for the progress bar and the manifest's cost figures.
 */
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Scenario } from '../../scenario/types.ts';
import type { RunResult } from '../../results/recorder.ts';
import { JOBS_HELP, parseJobs } from './jobs.ts';
import { MAX_RUNS_HELP } from './max-runs.ts';
import { ProgressDisplay } from './run-progress.ts';
import { SweepProgress } from './sweep-progress.ts';
import { shardRunIds, sweepManifest } from './shard.ts';
import type { Shard } from './shard.ts';
import type { BackendName } from '../program.ts';

/** Options of `dtsim run`. */
export interface RunCommandOptions {
  readonly out?: string;
  readonly set?: string[];
  readonly seed?: string;
  readonly timingOnly?: boolean;
  readonly quiet?: boolean;
  /** `--max-runs`: most runs a sweep may expand to. */
  readonly maxRuns?: string;
  /** `--jobs N` (`dtsim run` and `dtsim sweep`). */
  readonly jobs?: string;
}

const wallClock = (): number => performance.now() / 1000;

/** What `dtsim sweep` adds to `dtsim run` (sweep.ts): a shard, resuming, and stored runs in the folder. */
export interface SweepRunOptions {
  /** Run only this shard's runs (shard.ts). */
  readonly shard?: Shard;
  /** Called before each run is executed (not for a reused one); a test throws here to interrupt a sweep. */
  readonly beforeRun?: (runId: number) => void;
  /** `--jobs`: runs executed at once in worker processes (sweep-pool.ts); 1 or absent: one after another here. */
  readonly jobs?: number;
  /**
   * Whether the folder keeps the stored runs that `dtsim merge` joins and a later sweep reuses (default
   * true, `dtsim sweep`). `dtsim run --jobs` stages its runs the same way but writes the folder that a
   * serial `dtsim run` writes.
   */
  readonly storeInFolder?: boolean;
}

/** What `runFile` did. */
export interface RunFileResult {
  readonly results: RunResult[];
  readonly dir: string;
  /** The runs written (a shard's only, in a sharded sweep). */
  readonly runs: readonly Scenario[];
  /** Runs simulated now; the others were finished by an earlier attempt (`dtsim sweep` only). */
  readonly executed: number;
}

/**
 * Runs a scenario file and writes its results; returns the results and where they went. With `sweep`
 * (`dtsim sweep`), runs only the shard's runs, saves each finished run in a staging folder and reuses
 * those an earlier attempt finished (sweep-store.ts), and writes the stored runs into the folder. With
 * `storeInFolder: false` (`dtsim run --jobs`), a sweep's runs are staged for the worker processes the
 * same way, but the folder is the serial run's, and a staging folder this call made is removed when it
 * fails or is interrupted.
 * @throws ScenarioError listing every problem of the file; any error of a run (nothing is written then;
 *   with `dtsim sweep`, the runs finished so far stay staged for the next attempt).
 */
export async function runFile(
  file: string,
  opts: RunCommandOptions,
  backend?: BackendName,
  sweep?: SweepRunOptions,
): Promise<RunFileResult> {
  const { loadRuns } = await import('./load-runs.ts');
  const loaded = await loadRuns(file, opts);
  const runs = loaded.runs;
  const first = runs[0]!;
  const dir = resolve(opts.out ?? first.output.dir ?? `results/${first.name}`);
  const origin =
    opts.out !== undefined
      ? '--out'
      : first.output.dir !== undefined
        ? `output.dir in ${file}`
        : `the default folder results/${first.name}`;
  // Before anything runs: a folder that cannot or must not receive the results fails now, not after
  // a long simulation. The writer checks again just before it replaces anything.
  const { checkOutputTarget } = await import('../../results/output-target.ts');
  checkOutputTarget(dir, origin, { cwd: process.cwd(), home: homedir(), scenarioFile: file });
  const started = new Date().toISOString();
  const t0 = wallClock();
  const ids = sweep?.shard === undefined ? runs.map((_, i) => i) : shardRunIds(runs.length, sweep.shard);
  const mine = ids.map((i) => runs[i]!);
  let backendName = 'none (timing-only)';
  const useBackend = async (): Promise<void> => {
    if (backendName !== 'none (timing-only)') return;
    const { initBackend } = await import('../../training/tensor-backend.ts');
    backendName = await initBackend(backend);
  };
  const { runScenario, renameResult } = await import('../../scenario/run-scenario.ts');
  const { runKey } = await import('../../results/run-key.ts');
  const { storedRunText } = await import('../../results/run-store.ts');
  const { SweepStore } = await import('./sweep-store.ts');
  // `dtsim run` stages its runs only for worker processes, and only for a sweep; the staging folder
  // it makes is its own business: removed on failure or interrupt, so nothing is left beside the folder.
  if (sweep?.storeInFolder === false && ids.length <= 1) sweep = undefined;
  let store = sweep === undefined ? undefined : new SweepStore(dir);
  const { stagingDir } = await import('./sweep-store.ts');
  const { onInterrupt } = await import('./interrupt.ts');
  const ownStaging = sweep?.storeInFolder === false && !existsSync(stagingDir(dir));
  const dropOwnStaging = (): void => {
    if (ownStaging) new SweepStore(dir).clear();
  };
  const unregister = ownStaging ? onInterrupt(dropOwnStaging) : () => false;
  try {
    return await execute();
  } catch (err) {
    dropOwnStaging();
    throw err;
  } finally {
    unregister();
  }

  async function execute(): Promise<RunFileResult> {
    const pending = store === undefined ? ids : ids.filter((i) => !store!.has(runKey(runs[i]!)));
    const label = (n: number, r: Scenario): string =>
      `run ${String(n + 1)}/${String(ids.length)} ${r.point === '' ? r.training.schedule.kind : r.point}`;
    // `dtsim sweep` shows one bar over its runs; `dtsim run`, one per run.
    const bar = store === undefined ? undefined : new SweepProgress(pending.length, opts.quiet === true, wallClock);
    const display: Pick<SweepProgress, 'begin' | 'update' | 'end'> =
      bar ?? new ProgressDisplay(opts.quiet === true, wallClock);
    // --jobs: the pending runs are executed by worker processes and staged; the loop below then finds
    // them all finished, exactly as when resuming, so the folder is the serial sweep's (sweep-pool.ts).
    let workerWallS: ReadonlyMap<number, number> = new Map();
    let executed = 0;
    if (store !== undefined && (sweep?.jobs ?? 1) > 1 && pending.length > 1) {
      const { runInWorkers } = await import('./sweep-pool.ts');
      store.prepare();
      const tasks = pending.map((i) => ({ runId: i, label: label(ids.indexOf(i), runs[i]!) }));
      const pool = await runInWorkers(tasks, {
        file,
        opts,
        ...(backend === undefined ? {} : { backend }),
        dir,
        jobs: sweep!.jobs!,
        progress: bar!,
        ...(sweep?.beforeRun === undefined ? {} : { beforeRun: sweep.beforeRun }),
        ...(ownStaging ? { staged: false } : {}),
      }).finally(() => bar?.stop());
      if (pool.backend !== null) backendName = pool.backend;
      workerWallS = pool.wallS;
      executed = pending.length;
      store = new SweepStore(dir);
    } else if (mine.some((r) => r.mode === 'full')) await useBackend();
    const results: RunResult[] = [];
    const stored: string[] = [];
    for (const [n, i] of ids.entries()) {
      const r = runs[i]!;
      const key = runKey(r);
      const done = store?.find<Scenario>(key);
      if (done !== undefined) {
        // Finished by an earlier attempt or by a worker: its results, under this sweep's names for it.
        const renamed = renameResult(done.result, r, i);
        const wallS = workerWallS.get(i);
        results.push(wallS === undefined ? renamed : { ...renamed, wallS });
      } else {
        sweep?.beforeRun?.(i);
        if (r.mode === 'full') await useBackend();
        display.begin(label(n, r), i);
        try {
          results.push(runScenario(r, i, { onProgress: (f) => display.update(f, i), wallClock }));
        } finally {
          display.end(i);
        }
        executed++;
      }
      if (store !== undefined) {
        stored.push(storedRunText(key, r, results.at(-1)!));
        if (done === undefined) store.save(i, key, stored.at(-1)!);
      }
      // Yield to the event loop between runs, so the progress bar and other output are flushed. (Ctrl-C
      // needs no handler here: during the simulation its default action stops the process at once, and
      // nothing has been written yet.)
      await new Promise((res) => setImmediate(res));
    }
    bar?.stop();
    const { plotsBeforeSwap, resultFiles } = await import('./run-files.ts');
    const { cleanupStaleTemps, writeResultsAtomic } = await import('../../results/write-results.ts');
    const { whileWriting } = await import('./interrupt.ts');
    // Leftovers of a run killed while writing (temporary folders of dead processes) go first.
    cleanupStaleTemps(dir);
    const { files, finalFiles } = resultFiles({
      results,
      runs: mine,
      ...(store === undefined || sweep?.storeInFolder === false
        ? {}
        : { sweep: { stored, manifest: sweepManifest(runs, runKey, sweep?.shard) } }),
      file,
      text: loaded.text,
      backend: backendName,
      started,
      wallS: () => wallClock() - t0,
    });
    const beforeSwap = plotsBeforeSwap(mine, results);
    await whileWriting(dir, () =>
      writeResultsAtomic(dir, files, { finalFiles, origin, ...(beforeSwap === undefined ? {} : { beforeSwap }) }),
    );
    // The folder holds every run now: the staging folder has served its purpose.
    store?.clear();
    return { results, dir, runs: mine, executed };
  }
}

/** The `run` subcommand. */
export function runCommand(getBackend: () => BackendName | undefined): Command {
  return new Command('run')
    .description('run a scenario file and write its results (default: scenarios/quickstart.yaml)')
    .argument('[scenario]', 'scenario file, YAML or JSON', 'scenarios/quickstart.yaml')
    .option('-o, --out <dir>', 'results folder (default: output.dir, or results/<name>)')
    .option('-s, --set <path=value...>', 'override a scenario value, e.g. --set training.stop.updates=50 (repeatable)')
    .option('--seed <n>', 'override the scenario seed')
    .option('--timing-only', 'skip the math: time the schedule only (no gradients, no accuracy)')
    .option('--max-runs <n>', MAX_RUNS_HELP)
    .option('-j, --jobs <n>', JOBS_HELP)
    .addOption(new Option('-q, --quiet', 'no progress bar and no summary table'))
    .action(async (scenario: string, opts: RunCommandOptions) => {
      // A sweep's runs go to worker processes, as with `dtsim sweep`; a single run stays in this process.
      const jobs = parseJobs(opts.jobs);
      const { results, dir, runs } = await runFile(
        scenario,
        opts,
        getBackend(),
        jobs > 1 ? { jobs, storeInFolder: false } : undefined,
      );
      if (opts.quiet !== true) {
        const { formatSummaryTable } = await import('../../results/summary-table.ts');
        // The scenario's description says what the table compares (the first table a newcomer sees).
        const description = runs[0]?.description;
        process.stdout.write(
          `${formatSummaryTable(results, description === undefined ? {} : { description })}\nresults written to ${dir}\n`,
        );
      }
    });
}
