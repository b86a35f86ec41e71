/**
 * The command tree of `dtsim`, built with commander. Commands that later issues add (run, validate,
 * list, collective, sweep) register here; until one is built it is not offered, so nothing pretends
 * to work.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { collectiveCommand } from './commands/collective.ts';
import { compareCommand } from './commands/compare.ts';
import { fitCommand } from './commands/fit.ts';
import { listCommand } from './commands/list.ts';
import { mergeCommand } from './commands/merge.ts';
import { pipelineCommand } from './commands/pipeline.ts';
import { plotCommand } from './commands/plot.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { sweepCommand } from './commands/sweep.ts';
import { validateCommand } from './commands/validate.ts';

/** The package version, read from package.json so that it never disagrees with the release. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Tensor backends a user can ask for with `--backend`. */
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

/**
 * `dtsim <version> (tensor backend: NAME)`, after starting the backend `preferred` or the fastest one
 * that starts. Loads TensorFlow.js lazily.
 */
export async function versionLine(preferred?: BackendName): Promise<string> {
  const { initBackend, backendFailures } = await import('../training/tensor-backend.ts');
  const name = await initBackend(preferred);
  const skipped = backendFailures()
    .map((f) => f.split(':')[0])
    .join(', ');
  return `dtsim ${packageVersion()} (tensor backend: ${name}${skipped === '' ? '' : `; not available: ${skipped}`})`;
}

/** Builds the `dtsim` program: global options and every implemented subcommand. */
export function buildProgram(): Command {
  const program = new Command('dtsim');
  program
    .description(
      'Discrete-event simulator of distributed deep-learning training: simulated cluster time, real gradients.',
    )
    // --version is handled by hand: it names the tensor backend that this machine would run, which
    // means loading TensorFlow.js, so only this flag (not --help, list or validate) pays for that.
    .option('-V, --version', 'print the dtsim version and the tensor backend it selects')
    .addOption(
      new Option('--backend <name>', 'tensor backend to use instead of the fastest available').choices([
        'tfjs-node-gpu',
        'tfjs-node',
        'wasm',
        'cpu',
      ]),
    )
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nStart with `dtsim run` (runs scenarios/quickstart.yaml). `dtsim sweep` runs a sweep resumably, or one\n' +
        'shard of it on each machine (--shard K/N), and `dtsim merge` joins the shards; runs within one\n' +
        'process go one after another. See README.md and docs/cluster-sweeps.md.',
    );
  program.addCommand(runCommand(() => program.opts<{ backend?: BackendName }>().backend));
  program.addCommand(sweepCommand(() => program.opts<{ backend?: BackendName }>().backend));
  program.addCommand(mergeCommand());
  program.addCommand(validateCommand());
  program.addCommand(listCommand());
  program.addCommand(collectiveCommand());
  program.addCommand(pipelineCommand());
  program.addCommand(fitCommand());
  program.addCommand(compareCommand());
  program.addCommand(plotCommand());
  program.addCommand(reportCommand());
  program.action(async (opts: { version?: boolean; backend?: BackendName }) => {
    if (opts.version === true) {
      process.stdout.write(`${await versionLine(opts.backend)}\n`);
      return;
    }
    program.outputHelp();
  });
  return program;
}
