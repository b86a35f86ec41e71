/**
 * How many gradient helper threads a run uses: a count from the scenario, or `auto`, resolved against
 * the tensor backend and the machine's cores.
 */
import { availableParallelism } from 'node:os';
import type { BackendChoice } from '../tensor-backend.ts';
import { SPLIT_PARTS } from './dense-part.ts';

/** How many helper threads to use: a count, or `auto` (one per spare core on wasm, none elsewhere). */
export type ThreadSetting = number | 'auto';

/** Helper threads for `setting` on `backend`, and why when none. */
export interface ThreadChoice {
  /** Helper threads (besides the main thread) to use. */
  readonly threads: number;
  /** Why `threads` is 0, or null. */
  readonly note: string | null;
}

/**
 * Resolves a thread setting. `auto` gives `min(2, cores) − 1` helpers on wasm and none on other
 * backends (tfjs-node already uses every core; cpu is a ~50× slower fallback for which helpers were
 * neither tuned nor measured; an explicit count still enables them there). Counts are
 * capped at `SPLIT_PARTS − 1`: a pass never has more parts than that, so more helpers would idle.
 * @throws RangeError for a negative or non-integer count.
 */
export function resolveThreads(
  setting: ThreadSetting,
  backend: BackendChoice | null,
  cores = availableParallelism(),
): ThreadChoice {
  if (setting === 'auto') {
    if (backend !== 'wasm')
      return { threads: 0, note: `auto: no helper threads on the ${backend ?? 'unstarted'} backend` };
    const n = Math.min(2, cores) - 1;
    return n > 0 ? { threads: n, note: null } : { threads: 0, note: 'auto: one core only' };
  }
  if (!Number.isInteger(setting) || setting < 0)
    throw new RangeError(`threads must be 'auto' or an integer >= 0, got ${setting}`);
  return setting === 0
    ? { threads: 0, note: 'disabled (threads: 0)' }
    : { threads: Math.min(setting, SPLIT_PARTS - 1), note: null };
}
