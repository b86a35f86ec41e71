/**
 * The process-wide gradient helper pool and how an engine picks it up. One pool is shared by all
 * engines: a helper costs about 170 MB (its own TensorFlow.js and wasm heap) and half a second of
 * boot, so engines do not each start their own, and since the engine API is synchronous they never
 * use it at once.
 */
import type { BackendChoice } from '../tensor-backend.ts';
import { GradThreadPool } from './thread-pool.ts';
import { resolveThreads, type ThreadChoice, type ThreadSetting } from './thread-setting.ts';

let shared: GradThreadPool | null = null;

/**
 * The process-wide pool for `backend`. A closed or different-backend pool is replaced by a new, not
 * yet started one.
 */
export function sharedThreadPool(backend: BackendChoice): GradThreadPool {
  if (shared === null || shared.backend !== backend || shared.status().state === 'closed') {
    if (shared !== null) void shared.close();
    shared = new GradThreadPool(backend);
  }
  return shared;
}

/** Closes the process-wide pool, if any (tests, benchmarks, orderly shutdown). */
export async function closeSharedThreadPool(): Promise<void> {
  const p = shared;
  shared = null;
  if (p !== null) await p.close();
}

/**
 * The helper threads an engine with `setting` gets on `backend`: `resolveThreads`, except that a
 * shared pool that failed gives 0 with its reason.
 */
export function engineThreads(setting: ThreadSetting, backend: BackendChoice | null): ThreadChoice {
  const choice = resolveThreads(setting, backend);
  const st = choice.threads > 0 && shared?.backend === backend ? shared.status() : undefined;
  return st?.state === 'failed' ? { threads: 0, note: st.reason } : choice;
}

/** The shared pool, started (it boots in the background), if an engine with `setting` uses threads; else null. */
export function engineHelpers(setting: ThreadSetting, backend: BackendChoice | null): GradThreadPool | null {
  if (backend === null || engineThreads(setting, backend).threads === 0) return null;
  const pool = sharedThreadPool(backend);
  pool.start();
  return pool;
}
