/**
 * `dtsim sweep <scenario>`: `dtsim run` for sweeps that may be split over machines and interrupted.
 * It runs through the same code as `dtsim run` (`runFile`), and adds `--shard K/N` (this machine's
 * share, shard.ts), resuming (sweep-store.ts), the stored runs that `dtsim merge` joins, and `--jobs N`
 * (runs at once in worker processes, sweep-pool.ts) with one progress bar over the runs (sweep-progress.ts).
 */
import { Command, Option } from 'commander';
import { JOBS_HELP, parseJobs } from './jobs.ts';
import { MAX_RUNS_HELP } from './max-runs.ts';
import type { RunCommandOptions } from './run.ts';
import type { BackendName } from '../program.ts';

/** Options of `dtsim sweep`. */
export interface SweepCommandOptions extends RunCommandOptions {
  /** `--shard K/N`. */
  readonly shard?: string;
  /** `--jobs N`. */
  readonly jobs?: string;
}

/** The `sweep` subcommand. */
export function sweepCommand(getBackend: () => BackendName | undefined): Command {
  return new Command('sweep')
    .description("run a scenario's sweep resumably, or one shard of it (--shard K/N); join shards with `dtsim merge`")
    .argument('<scenario>', 'scenario file, YAML or JSON')
    .option('-o, --out <dir>', 'results folder (default: output.dir, or results/<name>)')
    .option('--shard <K/N>', 'run only shard K of N: the runs whose run id i has i mod N = K - 1')
    .option('-j, --jobs <n>', JOBS_HELP)
    .option('-s, --set <path=value...>', 'override a scenario value, e.g. --set training.stop.updates=50 (repeatable)')
    .option('--seed <n>', 'override the scenario seed')
    .option('--timing-only', 'skip the math: time the schedule only (no gradients, no accuracy)')
    .option('--max-runs <n>', MAX_RUNS_HELP)
    .addOption(new Option('-q, --quiet', 'no progress bar and no summary table'))
    .action(async (scenario: string, opts: SweepCommandOptions) => {
      const { parseShard } = await import('./shard.ts');
      const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
      const jobs = parseJobs(opts.jobs);
      const { runFile } = await import('./run.ts');
      const { results, dir, executed } = await runFile(
        scenario,
        opts,
        getBackend(),
        shard === undefined ? { jobs } : { shard, jobs },
      );
      if (opts.quiet !== true) {
        const { formatSummaryTable } = await import('../../results/summary-table.ts');
        const reused = results.length - executed;
        const note =
          reused === 0 ? '' : ` (${String(reused)} of ${String(results.length)} runs finished earlier, reused)`;
        process.stdout.write(`${formatSummaryTable(results)}\nresults written to ${dir}${note}\n`);
      }
    });
}
