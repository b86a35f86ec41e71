/**
 * One run as a file (`runs/<run_id>-<run_key>.json` in a sweep's results folder and its staging
 * area): the run's resolved scenario and its full result, enough to write every table and the trace
 * again. This is what lets `dtsim sweep` resume (finished runs are read back, not rerun) and lets
 * `dtsim merge` rebuild the unsharded folder byte for byte from shard folders.
 *
 * The text is deterministic: the result's keys sorted at every level, the run's wall-clock time left out (it lives
 * in manifest.json, the one file allowed to vary), and non-finite numbers, which JSON cannot hold,
 * written as `{"$num":"NaN"}` so that a diverged run's NaN losses come back as NaN, not null.
 */
import type { RunResult } from './recorder.ts';

/** Version of the stored format; a file of another version is not read (its run is redone). */
export const STORED_RUN_FORMAT = 1;

/** A run read back from its file. */
export interface StoredRun<S> {
  readonly runKey: string;
  readonly scenario: S;
  readonly result: RunResult;
}

const NUM_TAG = '$num';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

function replacer(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? { [NUM_TAG]: String(v) } : v;
}

/** `v` with object keys sorted at every level: a result renamed for resuming lists them in another order. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

function reviver(_key: string, v: unknown): unknown {
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === NUM_TAG && typeof v[NUM_TAG] === 'string') return Number(v[NUM_TAG]);
  }
  return v;
}

/** The file text of one finished run (one line of JSON and a newline). */
export function storedRunText(runKey: string, scenario: unknown, result: RunResult): string {
  // The update rows may be a lazy view (recorder.ts): made into a plain list here. The final
  // parameters (a test hook) and the wall-clock time are not part of the stored run.
  const { finalParams: _params, wallS: _wall, updateRows, ...rest } = result;
  const plain = { ...rest, updateRows: [...updateRows], wallS: 0 };
  // The scenario keeps the loader's key order (manifest.json lists sweep values in it); the result's keys
  // are sorted, since a resumed run's result is rebuilt in another order.
  return `${JSON.stringify({ format: STORED_RUN_FORMAT, runKey, scenario, result: sortKeys(plain) }, replacer)}\n`;
}

/**
 * Reads a stored run's text.
 * @throws Error when the text is not a stored run of this format (a damaged or foreign file).
 */
export function parseStoredRun<S>(text: string): StoredRun<S> {
  const data = JSON.parse(text, reviver) as unknown;
  if (!isPlainObject(data) || data['format'] !== STORED_RUN_FORMAT)
    throw new Error(`not a stored run of format ${String(STORED_RUN_FORMAT)}`);
  const { runKey, scenario, result } = data;
  if (
    typeof runKey !== 'string' ||
    !isPlainObject(scenario) ||
    !isPlainObject(result) ||
    !Array.isArray(result['updateRows'])
  )
    throw new Error('a stored run needs runKey, scenario and result');
  return { runKey, scenario: scenario as S, result: result as unknown as RunResult };
}

/** The stored run's file name: the global run id first, so a listing sorts in run order within equal widths. */
export function storedRunName(runId: number, runKey: string): string {
  return `${String(runId)}-${runKey}.json`;
}

/** The folder of stored runs inside a results folder. */
export const STORED_RUNS_DIR = 'runs';
