/**
 * The command tree of `dtsim`, built with commander. Commands that later issues add (run, validate,
 * list, collective, sweep) register here; until one is built it is not offered, so nothing pretends
 * to work.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { collectiveCommand } from './commands/collective.ts';

/** The package version, read from package.json so that it never disagrees with the release. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the `dtsim` program: global options and every implemented subcommand. */
export function buildProgram(): Command {
  const program = new Command('dtsim');
  program
    .description(
      'Discrete-event simulator of distributed deep-learning training: simulated cluster time, real gradients.',
    )
    .version(packageVersion(), '-V, --version', 'print the dtsim version')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nCommands today: collective (nccl-tests-style collective timings on a simulated cluster). Scenario\n' +
        'commands (run, validate, list, sweep) arrive with later issues and will be listed here when they\n' +
        'work. See README.md.',
    );
  program.addCommand(collectiveCommand());
  program.action(() => {
    program.outputHelp();
  });
  return program;
}
