/**
 * `dtsim report <results-dir>`: one self-contained HTML page of a results folder (run table, plots,
 * scenario, manifest, a way to open trace.json in Perfetto), written to `<results-dir>/report.html` or
 * `--out`. The report code and the plot renderer are imported inside the action, so that
 * `dtsim --help` and every other command never load vega.
 */
import { Command } from 'commander';

/** Where the command reports (tests pass a collector). */
export interface ReportIo {
  out(text: string): void;
}

const defaultIo: ReportIo = { out: (t) => process.stdout.write(t) };

/** Options of `dtsim report`. */
export interface ReportCommandOptions {
  readonly out?: string;
}

/**
 * Writes the report of `resultsDir` and prints a line per plot left out, then `report written to
 * <path>` last, so that `npm start` ends with where to look. Errors (no folder, no summary.csv) throw
 * with a one-line message. Returns the report's path.
 */
export async function reportFolder(
  resultsDir: string,
  opts: ReportCommandOptions,
  io: ReportIo = defaultIo,
): Promise<string> {
  const { writeReport } = await import('../../results/report/write-report.ts');
  const r = await writeReport(resultsDir, opts.out === undefined ? {} : { out: opts.out });
  for (const s of r.skipped) io.out(`plot ${s.name} left out: ${s.reason}\n`);
  io.out(`report written to ${r.path}\n`);
  return r.path;
}

/** The `report` subcommand. */
export function reportCommand(io: ReportIo = defaultIo): Command {
  return new Command('report')
    .description('write one self-contained HTML report of a results folder (into <results-dir>/report.html)')
    .argument('<results-dir>', 'a folder written by dtsim run')
    .option('-o, --out <file>', 'write the report to this file instead of <results-dir>/report.html')
    .action(async (dir: string, opts: ReportCommandOptions) => {
      await reportFolder(dir, opts, io);
    });
}
