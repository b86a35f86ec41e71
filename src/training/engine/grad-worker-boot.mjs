// Entry point of a gradient helper thread (thread-pool.ts). Plain JavaScript because a worker starts
// without any TypeScript loader: whether the parent runs under `node bin/dtsim.js` (tsx) or vitest
// (vite), the worker gets neither, so it registers tsx itself and then loads the TypeScript worker.
// Any failure is reported through shared memory (state word 0 := 2, "failed") and the port, since
// the main thread may be blocked and never see an 'error' event.
import { workerData } from 'node:worker_threads';

try {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./grad-worker.ts');
} catch (err) {
  const msg = err instanceof Error ? err.message : String(err);
  workerData.port.postMessage(`helper thread could not load: ${msg.split('\n')[0]}`);
  const ctrl = new Int32Array(workerData.ctrl);
  Atomics.store(ctrl, 0, 2); // CTRL_STATE := STATE_FAILED (thread-protocol.ts)
  Atomics.notify(ctrl, 0);
}
