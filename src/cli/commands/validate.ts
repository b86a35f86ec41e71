/**
 * `dtsim validate <scenario...>`: loads each scenario (with `--set` overrides and its sweep) exactly as
 * `dtsim run` would, without running anything, and prints `ok` or every problem of every file. The
 * scenario layer is imported inside the action, so `dtsim --help` does not pay for zod or yaml; nothing
 * here loads mathjs (formulas have their own parser) or reaches TensorFlow.js.
 */
import { Command } from 'commander';
import { MAX_RUNS_HELP, parseMaxRuns } from './max-runs.ts';

/** Where the command writes: stdout for results, stderr for problems (tests pass collectors). */
export interface ValidateIo {
  out(text: string): void;
  err(text: string): void;
}

const defaultIo: ValidateIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Options of `dtsim validate`. */
export interface ValidateOptions {
  readonly set?: string[];
  readonly timingOnly?: boolean;
  /** `--max-runs`: most runs a sweep may expand to. */
  readonly maxRuns?: string;
}

/** `8 workers`, or `8–16 workers` when sweep points differ. */
function workersText(counts: readonly number[]): string {
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  return lo === hi ? `${lo} worker${lo === 1 ? '' : 's'}` : `${lo}–${hi} workers`;
}

/**
 * Validates each file; returns how many failed. Prints `ok <file>: N run(s), W workers` per good file
 * and the full problem list per bad one.
 */
export async function validateFiles(
  files: readonly string[],
  opts: ValidateOptions,
  io: ValidateIo = defaultIo,
): Promise<number> {
  const maxRuns = parseMaxRuns(opts.maxRuns);
  const { loadScenario } = await import('../../scenario/load.ts');
  const { ScenarioError } = await import('../../scenario/errors.ts');
  let failed = 0;
  for (const file of files) {
    try {
      const loaded = loadScenario(file, {
        overrides: opts.set ?? [],
        ...(opts.timingOnly === true ? { timingOnly: true } : {}),
        ...(maxRuns !== undefined ? { maxRuns } : {}),
      });
      const workers = loaded.runs.map((r) => r.cluster.nodes.reduce((s, g) => s + g.count * g.gpusPerNode, 0));
      const n = loaded.runs.length;
      io.out(`ok ${file}: ${n} run${n === 1 ? '' : 's'}, ${workersText(workers)}\n`);
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      failed++;
      io.err(`${err.message}\n`);
    }
  }
  return failed;
}

/** The `validate` subcommand; sets `process.exitCode = 1` when any file has a problem. */
export function validateCommand(io: ValidateIo = defaultIo): Command {
  return new Command('validate')
    .description('check scenario files (overrides and sweep points included) without running them; lists every problem')
    .argument('<scenario...>', 'scenario files, YAML or JSON')
    .option('-s, --set <path=value...>', 'override a scenario value, as for run (repeatable)')
    .option('--timing-only', 'validate as dtsim run --timing-only would')
    .option('--max-runs <n>', MAX_RUNS_HELP)
    .action(async (files: string[], opts: ValidateOptions) => {
      const failed = await validateFiles(files, opts, io);
      if (failed > 0) process.exitCode = 1;
    });
}
