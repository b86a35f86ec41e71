/**
 * Entry point of the `dtsim` command. This is the only module that reads argv, prints, sets the exit
 * code or reads the wall clock. Heavy modules (TensorFlow.js, plotting) are imported lazily inside the
 * commands that need them, so `--help`, `list` and `validate` answer quickly. Started by
 * `dtsim sweep --jobs N` with `DTSIM_SWEEP_WORKER=1`, it is one of that sweep's worker processes
 * instead (sweep-worker.ts): forking this entry works from the bundle and from the sources alike.
 */
import { buildProgram } from './program.ts';

if (process.env['DTSIM_SWEEP_WORKER'] === '1') {
  const { sweepWorker } = await import('./commands/sweep-worker.ts');
  sweepWorker();
} else {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.stderr.write(`dtsim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
