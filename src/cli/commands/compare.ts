/**
 * `dtsim compare <A> <B> …`: the summaries of results folders side by side, each run's metrics with
 * their difference from the first folder, for what-if studies (run a scenario, change one setting, run
 * again, compare). The results modules are imported inside the action so `dtsim --help` stays fast.
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';

/** Where the command writes: stdout for the table, stderr for problems (tests pass collectors). */
export interface CompareIo {
  out(text: string): void;
  err(text: string): void;
}

const defaultIo: CompareIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Options of `dtsim compare`. */
export interface CompareOptions {
  /** `--csv FILE`: also write the long-format CSV there. */
  readonly csv?: string;
  /** `--metrics a,b`: summary.csv columns to compare instead of the defaults. */
  readonly metrics?: string;
}

/**
 * Compares `folders` (the first is the baseline), prints the table and writes the CSV when asked.
 * Returns false, after one line on `io.err`, when the input is wrong (a folder that is not a results
 * folder, an unknown metric, a CSV that cannot be written).
 */
export async function compareFolders(
  folders: readonly string[],
  opts: CompareOptions,
  io: CompareIo = defaultIo,
): Promise<boolean> {
  const { CompareError, loadSummary } = await import('../../results/compare-load.ts');
  const { checkMetrics, compareSummaries, defaultMetrics } = await import('../../results/compare.ts');
  const { compareCsv, formatComparison } = await import('../../results/compare-format.ts');
  try {
    if (folders.length < 2)
      throw new CompareError(`needs two or more results folders (the first is the baseline), got ${folders.length}`);
    const summaries = folders.map(loadSummary);
    let metrics: string[];
    if (opts.metrics === undefined) metrics = defaultMetrics(summaries);
    else {
      metrics = opts.metrics
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m !== '');
      checkMetrics(metrics, summaries);
    }
    const comparison = compareSummaries(summaries, metrics);
    io.out(formatComparison(comparison));
    if (opts.csv !== undefined) {
      try {
        writeFileSync(opts.csv, compareCsv(comparison));
      } catch (err) {
        throw new CompareError(
          `--csv ${opts.csv}: cannot be written (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        );
      }
      io.out(`comparison written to ${opts.csv}\n`);
    }
    return true;
  } catch (err) {
    if (!(err instanceof CompareError)) throw err;
    io.err(`dtsim compare: ${err.message}\n`);
    return false;
  }
}

/** The `compare` subcommand; sets `process.exitCode = 1` when the input is wrong. */
export function compareCommand(io: CompareIo = defaultIo): Command {
  return new Command('compare')
    .description('compare results folders side by side: per run and metric, the difference from the first (baseline)')
    .argument('<folders...>', 'results folders written by dtsim run; the first is the baseline')
    .option('--csv <file>', 'also write a long-format CSV (run,metric,folder,value,delta,delta_pct)')
    .option('--metrics <list>', 'summary.csv columns to compare, comma-separated (default: the key ones present)')
    .addHelpText(
      'after',
      '\nRuns are matched by their point label (summary.csv `point`); a run a folder lacks shows as —.\n' +
        'Example: dtsim compare results/base results/what-if --csv delta.csv',
    )
    .action(async (folders: string[], opts: CompareOptions) => {
      if (!(await compareFolders(folders, opts, io))) process.exitCode = 1;
    });
}
