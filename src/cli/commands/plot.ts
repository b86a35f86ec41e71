/**
 * `dtsim plot <results-dir>`: SVG and PNG charts of a folder written by `dtsim run` (accuracy and
 * loss over simulated time, throughput, worker activity, staleness), into `<results-dir>/plots/` or
 * `--out`. The plotting code and its packages (vega, vega-lite, resvg) are imported inside the action,
 * so that `dtsim --help` and every other command never load them.
 */
import { Command } from 'commander';

/** Where the command reports (tests pass a collector). */
export interface PlotIo {
  out(text: string): void;
}

const defaultIo: PlotIo = { out: (t) => process.stdout.write(t) };

/** Options of `dtsim plot`. */
export interface PlotCommandOptions {
  readonly out?: string;
}

/**
 * Plots `resultsDir` and reports one line per plot: where it was written, or why it was skipped.
 * Errors (no folder, no summary.csv, a plots folder that is not dtsim's) throw with a one-line message.
 */
export async function plotFolder(resultsDir: string, opts: PlotCommandOptions, io: PlotIo = defaultIo): Promise<void> {
  const { plotResults } = await import('../../results/plots/write-plots.ts');
  const r = await plotResults(resultsDir, opts.out === undefined ? {} : { out: opts.out });
  for (let i = 0; i < r.files.length; i += 2) {
    const svg = r.files[i]!;
    io.out(`wrote ${r.dir!}/${svg} (and .png)\n`);
  }
  for (const s of r.skipped) io.out(`skipped ${s.name}: ${s.reason}\n`);
  if (r.dir === undefined) io.out('nothing to plot; no folder written\n');
}

/** The `plot` subcommand. */
export function plotCommand(io: PlotIo = defaultIo): Command {
  return new Command('plot')
    .description('draw SVG and PNG plots of a results folder written by dtsim run (into <results-dir>/plots)')
    .argument('<results-dir>', 'a folder written by dtsim run')
    .option('-o, --out <dir>', 'write the plots here instead of <results-dir>/plots')
    .action(async (dir: string, opts: PlotCommandOptions) => {
      await plotFolder(dir, opts, io);
    });
}
