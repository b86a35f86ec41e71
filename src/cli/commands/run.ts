/**
 * `dtsim run <scenario>`: loads and validates the scenario (every error at once, before anything
 * runs), runs each run it describes (one, or one per sweep point), prints a summary table, and writes
 * the result files atomically to `results/<name>/` or `--out`. Only here (cli/) is the wall clock read:
 * for the progress bar and the manifest's cost figures.
 */
import { Command, Option } from 'commander';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Scenario } from '../../scenario/types.ts';
import type { RunResult } from '../../results/recorder.ts';
import { MAX_RUNS_HELP, parseMaxRuns } from './max-runs.ts';
import { ProgressDisplay } from './run-progress.ts';
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
}

const wallClock = (): number => performance.now() / 1000;

/**
 * Runs a scenario file and writes its results; returns the results and where they went.
 * @throws ScenarioError listing every problem of the file; any error of a run (nothing is written then).
 */
export async function runFile(
  file: string,
  opts: RunCommandOptions,
  backend?: BackendName,
): Promise<{ results: RunResult[]; dir: string; runs: readonly Scenario[] }> {
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${opts.seed}`);
  const maxRuns = parseMaxRuns(opts.maxRuns);
  // Imported here, not at the top: `dtsim --help` must not pay for the scenario layer.
  const { loadScenario } = await import('../../scenario/load.ts');
  const loaded = loadScenario(file, {
    ...(opts.set !== undefined ? { overrides: opts.set } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(opts.timingOnly === true ? { timingOnly: true } : {}),
    ...(maxRuns !== undefined ? { maxRuns } : {}),
  });
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
  let backendName = 'none (timing-only)';
  if (runs.some((r) => r.mode === 'full')) {
    const { initBackend } = await import('../../training/tensor-backend.ts');
    backendName = await initBackend(backend);
  }
  const { runScenario } = await import('../../scenario/run-scenario.ts');
  const display = new ProgressDisplay(opts.quiet === true, wallClock);
  const results: RunResult[] = [];
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i]!;
    display.begin(`run ${i + 1}/${runs.length} ${r.point === '' ? r.training.schedule.kind : r.point}`);
    try {
      results.push(runScenario(r, i, { onProgress: (f) => display.update(f), wallClock }));
    } finally {
      display.end();
    }
    // Yield to the event loop between runs, so the progress bar and other output are flushed. (Ctrl-C
    // needs no handler here: during the simulation its default action stops the process at once, and
    // nothing has been written yet.)
    await new Promise((res) => setImmediate(res));
  }
  const { resultFiles } = await import('./run-files.ts');
  const { cleanupStaleTemps, writeResultsAtomic } = await import('../../results/write-results.ts');
  const { whileWriting } = await import('./interrupt.ts');
  // Leftovers of a run killed while writing (temporary folders of dead processes) go first.
  cleanupStaleTemps(dir);
  const { files, finalFiles } = resultFiles({
    results,
    runs,
    file,
    text: loaded.text,
    backend: backendName,
    started,
    wallS: () => wallClock() - t0,
  });
  await whileWriting(dir, () => writeResultsAtomic(dir, files, { finalFiles, origin }));
  return { results, dir, runs };
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
    .addOption(new Option('-q, --quiet', 'no progress bar and no summary table'))
    .action(async (scenario: string, opts: RunCommandOptions) => {
      const { results, dir, runs } = await runFile(scenario, opts, getBackend());
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
