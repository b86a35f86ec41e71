/**
 * `dtsim sweep --jobs N`: runs a sweep's pending runs in up to N worker processes (sweep-worker.ts).
 * Processes, not threads: each run needs its own tensor backend and TensorFlow.js state. Each worker
 * computes on one thread (`DTSIM_THREADS=1`): the engine's gradient helper thread would otherwise
 * give N runs 2N busy threads on N cores. Results do not depend on that setting.
 *
 * Workers save each finished run in the sweep's staging folder (sweep-store.ts) and report only that
 * it is done; the caller then assembles the results folder from the staged runs exactly as a resumed
 * serial sweep does, so the folder is byte-identical to the serial one. Runs are handed out in run
 * order; after a failure no new run starts, the runs in progress finish (and stay staged), and the
 * error of the lowest failed run id is thrown: the error the serial sweep, which stops at its first
 * failure, gives.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '../program.ts';
import { EXIT_CODES, runInterruptCleanups } from './interrupt.ts';
import type { LoadRunOptions } from './load-runs.ts';
import type { SweepProgress } from './sweep-progress.ts';
import type { FromWorker, ToWorker } from './sweep-worker.ts';

/** The command's entry: forking it runs the sources or the bundle, whichever `dtsim` itself runs. */
const ENTRY = fileURLToPath(new URL('../../../bin/dtsim.js', import.meta.url));

/** One run for a worker. */
export interface PoolTask {
  readonly runId: number;
  /** Shown in the progress bar. */
  readonly label: string;
}

/** What the workers need to know, and where to report. */
export interface PoolOptions {
  readonly file: string;
  readonly opts: LoadRunOptions;
  readonly backend?: BackendName;
  /** The results folder; its staging folder must exist already (`SweepStore.prepare`). */
  readonly dir: string;
  readonly jobs: number;
  readonly progress: SweepProgress;
  /** Called before each run is handed out (a test throws here to interrupt a sweep). */
  readonly beforeRun?: (runId: number) => void;
  /** False when the finished runs do not outlive an interrupt (`dtsim run --jobs`); default true. */
  readonly staged?: boolean;
}

/** What the workers did. */
export interface PoolResult {
  /** Wall-clock seconds of each run, by run id (manifest.json reports them). */
  readonly wallS: ReadonlyMap<number, number>;
  /** The tensor backend the workers computed on, or null when no run needed one. */
  readonly backend: string | null;
}

/**
 * Runs `tasks` in worker processes; resolves once every one is staged.
 * @throws the first failed run's error (by run id); the runs that finished stay staged.
 */
export function runInWorkers(tasks: readonly PoolTask[], o: PoolOptions): Promise<PoolResult> {
  return new Promise((resolve, reject) => {
    const wallS = new Map<number, number>();
    const failures = new Map<number, Error>();
    const busy = new Map<ChildProcess, number>();
    const live = new Set<ChildProcess>();
    let backend: string | null = null;
    let next = 0;

    const onSignal = (signal: NodeJS.Signals): void => {
      for (const c of live) c.kill('SIGTERM');
      o.progress.stop();
      runInterruptCleanups();
      process.stderr.write(
        `dtsim: interrupted by ${signal}; stopped the sweep's workers; ${o.staged === false ? 'nothing was written' : 'the runs finished so far stay staged for the next attempt'}\n`,
      );
      process.exit(EXIT_CODES[signal] ?? 1);
    };
    const signals = Object.keys(EXIT_CODES) as NodeJS.Signals[];
    for (const s of signals) process.on(s, onSignal);

    const fail = (runId: number, err: Error): void => {
      failures.set(runId, err);
      o.progress.end(runId);
    };
    // Hands `child` the next run, or lets it go when none is left or a run failed.
    const dispatch = (child: ChildProcess): void => {
      busy.delete(child);
      while (failures.size === 0 && next < tasks.length) {
        const t = tasks[next++]!;
        try {
          o.beforeRun?.(t.runId);
        } catch (err) {
          failures.set(t.runId, err instanceof Error ? err : new Error(String(err)));
          break;
        }
        busy.set(child, t.runId);
        o.progress.begin(t.label, t.runId);
        child.send({ type: 'run', runId: t.runId } satisfies ToWorker);
        return;
      }
      child.disconnect();
    };
    const finish = (): void => {
      for (const s of signals) process.off(s, onSignal);
      if (failures.size === 0) resolve({ wallS, backend });
      else reject(failures.get(Math.min(...failures.keys()))!);
    };

    const workers = Math.max(1, Math.min(o.jobs, tasks.length));
    for (let k = 0; k < workers; k++) {
      const child = fork(ENTRY, [], {
        env: { ...process.env, DTSIM_SWEEP_WORKER: '1', DTSIM_THREADS: '1' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      live.add(child);
      child.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          backend ??= m.backend;
          dispatch(child);
        } else if (m.type === 'progress') o.progress.update(m.fraction, m.runId);
        else if (m.type === 'done') {
          wallS.set(m.runId, m.wallS);
          o.progress.end(m.runId);
          dispatch(child);
        } else {
          const err = new Error(m.message);
          err.name = m.name;
          fail(m.runId, err);
          dispatch(child);
        }
      });
      child.on('error', (err) => {
        const runId = busy.get(child);
        if (runId !== undefined) fail(runId, err);
      });
      child.on('exit', (code, signal) => {
        live.delete(child);
        // A worker that died inside a run (killed, out of memory) fails that run.
        const runId = busy.get(child);
        if (runId !== undefined)
          fail(
            runId,
            new Error(`run ${String(runId)}: its worker process ended (${signal ?? `exit code ${String(code)}`})`),
          );
        busy.delete(child);
        if (live.size === 0) finish();
      });
      child.send({
        type: 'init',
        file: o.file,
        opts: o.opts,
        dir: o.dir,
        ...(o.backend === undefined ? {} : { backend: o.backend }),
      } satisfies ToWorker);
    }
  });
}
