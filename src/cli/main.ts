/**
 * Entry point of the `dtsim` command. This is the only module that reads argv, prints, sets the exit
 * code or reads the wall clock. Heavy modules (TensorFlow.js, plotting) are imported lazily inside the
 * commands that need them, so `--help`, `list` and `validate` answer quickly.
 */
import { buildProgram } from './program.ts';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`dtsim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
