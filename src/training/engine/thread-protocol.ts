/**
 * What the main thread and a gradient helper thread share (thread-pool.ts ↔ grad-worker.ts): the
 * layout of the control words in shared memory and the task message. Kept apart so that neither side
 * loads the other's code. grad-worker-boot.mjs repeats `CTRL_STATE` and `STATE_FAILED` by value,
 * because it runs before TypeScript can be loaded.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BackendChoice } from '../tensor-backend.ts';
import type { PartModel } from './dense-part.ts';

/** Index of the helper's state word: `STATE_BOOTING`, `STATE_READY` or `STATE_FAILED`. */
export const CTRL_STATE = 0;
/** Index of the id of the last task the helper finished (successfully or not). */
export const CTRL_DONE = 1;
/** Index of the outcome of that task: 0 ok, 1 failed (the reason is posted on the port). */
export const CTRL_ERROR = 2;
/** Int32 words in the control buffer. */
export const CTRL_WORDS = 4;

/** Still loading TypeScript, TensorFlow.js and its backend. */
export const STATE_BOOTING = 0;
/** Waiting for tasks. */
export const STATE_READY = 1;
/** Could not start; the reason is posted on the port. */
export const STATE_FAILED = 2;

/** `workerData` of a helper thread. */
export interface HelperData {
  /** `CTRL_WORDS` Int32 control words. */
  readonly ctrl: SharedArrayBuffer;
  /** Where the helper posts failure reasons as strings; the main thread reads it synchronously. */
  readonly port: MessagePort;
  /** The main thread's backend: a helper must compute with the same kernels. */
  readonly backend: BackendChoice;
}

/**
 * One part to compute. Every buffer is shared memory that the main thread reuses across tasks (and
 * does not touch until the helper signals `CTRL_DONE = id`); views start at offset 0.
 */
export interface PartTask {
  /** Increasing task id, echoed in `CTRL_DONE`. */
  readonly id: number;
  /** The dense stack. */
  readonly model: PartModel;
  /** Rows in the part. */
  readonly rows: number;
  /** Flat parameters (`model.size` float32). */
  readonly params: SharedArrayBuffer;
  /** Features, `rows·model.inputSize` float32. */
  readonly x: SharedArrayBuffer;
  /** Labels, `rows` int32. */
  readonly y: SharedArrayBuffer;
  /** Row weights, `rows` float32. */
  readonly w: SharedArrayBuffer;
  /** Output: weighted gradient sum, `model.size` float32. */
  readonly grad: SharedArrayBuffer;
  /** Output: per-row losses, `rows` float32. */
  readonly rowLoss: SharedArrayBuffer;
}
