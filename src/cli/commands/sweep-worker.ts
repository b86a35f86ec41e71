/**
 * A worker process of `dtsim sweep --jobs N` (sweep-pool.ts forks `bin/dtsim.js` with
 * `DTSIM_SWEEP_WORKER=1`; main.ts then runs this instead of the command line). Each run needs its own
 * tensor backend and TensorFlow.js state, which is why workers are processes, not threads.
 *
 * The parent sends one `init` (the scenario file and the options that shape its runs), then one `run`
 * per run id. The worker expands the runs exactly as the parent did (load-runs.ts), runs the one asked
 * for, and saves it in the sweep's staging folder as the serial path does (sweep-store.ts); the parent
 * then reads it back, so the results folder is assembled by the one code path resuming already uses.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { BackendName } from '../program.ts';
import type { LoadRunOptions } from './load-runs.ts';
import type { SweepStore } from './sweep-store.ts';

/** Parent → worker. */
export type ToWorker =
  | {
      readonly type: 'init';
      readonly file: string;
      readonly opts: LoadRunOptions;
      readonly backend?: BackendName;
      readonly dir: string;
    }
  | { readonly type: 'run'; readonly runId: number };

/** Worker → parent. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string | null }
  | { readonly type: 'progress'; readonly runId: number; readonly fraction: number }
  | { readonly type: 'done'; readonly runId: number; readonly wallS: number }
  | { readonly type: 'error'; readonly runId: number; readonly name: string; readonly message: string };

// Progress is sent at most this often: the IPC channel is not free, and the bar redraws at 10 Hz.
const SEND_EVERY_S = 0.1;

const clock = (): number => performance.now() / 1000;

/** What a worker keeps between runs. */
interface WorkerState {
  readonly runs: readonly Scenario[];
  readonly store: SweepStore;
}

/** Expands the runs and starts the tensor backend when any run computes gradients. */
async function init(m: Extract<ToWorker, { type: 'init' }>): Promise<WorkerState & { backend: string | null }> {
  const { loadRuns } = await import('./load-runs.ts');
  const { runs } = await loadRuns(m.file, m.opts);
  let backend: string | null = null;
  if (runs.some((r) => r.mode === 'full')) {
    const { initBackend } = await import('../../training/tensor-backend.ts');
    backend = await initBackend(m.backend);
  }
  const { SweepStore } = await import('./sweep-store.ts');
  return { runs, store: new SweepStore(m.dir), backend };
}

/** Runs run `runId` and stages it; returns its wall-clock seconds. */
async function runOne(state: WorkerState, runId: number, send: (m: FromWorker) => void): Promise<number> {
  const { runScenario } = await import('../../scenario/run-scenario.ts');
  const { runKey } = await import('../../results/run-key.ts');
  const { storedRunText } = await import('../../results/run-store.ts');
  const r = state.runs[runId];
  if (r === undefined) throw new Error(`sweep worker: no run ${String(runId)}`);
  let last = 0;
  const result = runScenario(r, runId, {
    onProgress: (fraction) => {
      const now = clock();
      if (now - last < SEND_EVERY_S) return;
      last = now;
      send({ type: 'progress', runId, fraction });
    },
    wallClock: clock,
  });
  // The result travels through the staging file, not the channel (see the header).
  const key = runKey(r);
  state.store.save(runId, key, storedRunText(key, r, result));
  return result.wallS;
}

/** Runs the worker until the parent disconnects. */
export function sweepWorker(): void {
  const send = (m: FromWorker): void => void process.send?.(m);
  // The parent gone (it exited, or was killed): stop; a run cut short was never marked done.
  process.on('disconnect', () => process.exit(0));
  let state: Promise<WorkerState> | null = null;
  // Messages are handled one after another: a run starts only once init has finished.
  let chain: Promise<void> = Promise.resolve();
  process.on('message', (m: ToWorker) => {
    chain = chain.then(async () => {
      if (m.type === 'init') {
        const started = init(m);
        state = started;
        // An init error (a backend that fails to start) is reported with the first run.
        const s = await started.catch(() => null);
        send({ type: 'ready', backend: s?.backend ?? null });
        return;
      }
      try {
        if (state === null) throw new Error('sweep worker: run before init');
        const wallS = await runOne(await state, m.runId, send);
        send({ type: 'done', runId: m.runId, wallS });
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        send({ type: 'error', runId: m.runId, name: e.name, message: e.message });
      }
    });
  });
}
