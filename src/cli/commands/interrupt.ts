/**
 * Ctrl-C and `kill` while results are being written. The write is asynchronous, so a handler runs
 * between its blocks: it deletes the temporary folder (the previous results stay as they were), says
 * so in one line, and exits 130 for SIGINT, 143 for SIGTERM or 129 for SIGHUP, as a shell reports a
 * signalled process. The handler is installed only around the write: the simulation before it is
 * synchronous, where a JS handler could not run until the end, so there the default action (stop at
 * once, with nothing written yet) is the better answer to Ctrl-C.
 */
import { abortPendingWrites } from '../../results/write-results.ts';

// 128 + the signal's number, as a shell reports a process the signal ended. SIGHUP: the terminal closed.
/** Exit status after each handled signal. */
export const EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
const SIGNALS = Object.keys(EXIT_CODES) as NodeJS.Signals[];

const cleanups = new Set<() => void>();

/**
 * Registers `fn` to run when a signal ends the process (here or in the sweep's worker pool); returns
 * a function that unregisters it. `dtsim run --jobs` removes the staging folder it made this way.
 */
export function onInterrupt(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs the registered cleanups (see `onInterrupt`); a failing one does not stop the others. */
export function runInterruptCleanups(): void {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      // Best effort: the process is exiting on a signal.
    }
  }
  cleanups.clear();
}

/**
 * Runs `write` with SIGINT, SIGTERM and SIGHUP handled as described above; `dir` is the results
 * folder, named in the message.
 */
export async function whileWriting<T>(dir: string, write: () => Promise<T>): Promise<T> {
  const handler = (signal: NodeJS.Signals): void => {
    const removed = abortPendingWrites();
    runInterruptCleanups();
    const what =
      removed.length === 0
        ? 'nothing was left behind'
        : `removed the unfinished ${removed.length === 1 ? 'folder' : 'folders'} ${removed.join(', ')}`;
    process.stderr.write(
      `dtsim: interrupted by ${signal} while writing results; ${what}; ${dir} is as it was before the run\n`,
    );
    process.exit(EXIT_CODES[signal] ?? 1);
  };
  for (const s of SIGNALS) process.on(s, handler);
  try {
    return await write();
  } finally {
    for (const s of SIGNALS) process.off(s, handler);
  }
}
