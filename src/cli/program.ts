/**
 * The command tree of `dtsim`, built with commander. Commands that later issues add (run, validate,
 * list, collective, sweep) register here; until one is built it is not offered, so nothing pretends
 * to work.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';

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
      '\nThe event kernel is in place; scenario commands (run, validate, list, collective, sweep) arrive with\n' +
        'later issues and will be listed here when they work. See README.md.',
    );
  program.action(() => {
    program.outputHelp();
  });
  return program;
}
