/**
 * What the main thread and a gradient helper thread share (thread-pool.ts ↔ grad-worker.ts): the
 * layout of the control words in shared memory and the task message. Kept apart so that neither side
 * loads the other's code. grad-worker-boot.mjs repeats `CTRL_STATE` and `STATE_FAILED` by value,
 * because it runs before TypeScript can be loaded.
 *
 * Tasks live in slots. Each slot has one control word holding `(id << SLOT_ID_SHIFT) | state`, so a
 * word names both the task and where it stands. Both threads move a task out of `SLOT_QUEUED` with a
 * compare-and-swap on the whole word: the helper to `SLOT_TAKEN` before it computes, the main thread
 * to `SLOT_FREE` when it takes a task back to compute it itself. Exactly one of them wins, and a stale
 * message (its task taken back, the slot reused by a later task) never matches the word.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BackendChoice } from '../tensor-backend.ts';
import type { PartModel } from './dense-part.ts';

/** Index of the helper's state word: `STATE_BOOTING`, `STATE_READY` or `STATE_FAILED`. */
export const CTRL_STATE = 0;
/**
 * Index of the doorbell: the main thread adds 1 and notifies it after a post when the helper sleeps
 * (`CTRL_SLEEP` = 1). A wake-up through the event loop costs the posting thread 0.4–1.5 ms on a busy
 * machine, so the helper reads its posts itself and is only woken when it has slept (see grad-worker.ts).
 */
export const CTRL_BELL = 1;
/** Index of the helper's sleep flag: 1 while it waits on the doorbell, else 0. */
export const CTRL_SLEEP = 2;
/** Index of the first slot word; slot s is word `CTRL_SLOT0 + s`. */
export const CTRL_SLOT0 = 3;
/** Task slots: tasks posted and not yet collected, at most. */
export const SLOTS = 16;
/** Int32 words in the control buffer. */
export const CTRL_WORDS = CTRL_SLOT0 + SLOTS;

/** Still loading TypeScript, TensorFlow.js and its backend. */
export const STATE_BOOTING = 0;
/** Waiting for tasks. */
export const STATE_READY = 1;
/** Could not start; the reason is posted on the port. */
export const STATE_FAILED = 2;

/** Slot states (the low bits of a slot word). */
export const SLOT_FREE = 0;
/** Posted, not started: either thread may take it. */
export const SLOT_QUEUED = 1;
/** The helper is computing it. */
export const SLOT_TAKEN = 2;
/** The helper finished it; the outputs are in the slot's buffers. */
export const SLOT_DONE = 3;
/** The helper failed it (the reason is posted on the port). */
export const SLOT_FAILED = 4;
/** Bits of a slot word that hold the state. */
export const SLOT_ID_SHIFT = 3;
/** Task ids wrap below this, so `id << SLOT_ID_SHIFT` stays a positive int32. */
export const SLOT_ID_LIMIT = 1 << 27;

/** A slot word. */
export function slotWord(id: number, state: number): number {
  return (id << SLOT_ID_SHIFT) | state;
}

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
 * What a task computes:
 * - `part`: one row part of a split pass (`densePartGrad`);
 * - `request`: one whole request below the split threshold (`denseRequestGrad`), as the main thread
 *   computes an unsplit request;
 * - `eval`: per-row test results of a row range (`denseEvalRows`).
 */
export type TaskKind = 'part' | 'request' | 'eval';

/**
 * What the main thread posts. Cloning shared buffers and models on every post is slow (about 0.4 ms
 * a post), so each buffer and model is registered once under a number (`register`) and a task names
 * them by number (`task`, the fields of `Task` with `TaskRefs` in place of objects).
 */
export type HelperMessage =
  | { readonly type: 'buffer'; readonly ref: number; readonly buffer: SharedArrayBuffer }
  | { readonly type: 'model'; readonly ref: number; readonly model: PartModel }
  | { readonly type: 'drop'; readonly refs: readonly number[] }
  | ({ readonly type: 'task' } & TaskRefs);

/** A task as posted: its buffers and model by registered number. */
export type TaskRefs = {
  readonly [K in keyof Task]: Task[K] extends SharedArrayBuffer | PartModel ? number : Task[K];
};

/**
 * One task. Every buffer is shared memory owned by the task's slot, which the main thread reuses
 * across tasks and does not touch until the slot word says `SLOT_DONE` or `SLOT_FAILED` (or it took
 * the task back); views start at offset 0.
 */
export interface Task {
  readonly kind: TaskKind;
  /** The slot. */
  readonly slot: number;
  /** Task id, in the slot word. */
  readonly id: number;
  /** The dense stack. */
  readonly model: PartModel;
  /** Rows. */
  readonly rows: number;
  /** Flat parameters (`model.size` float32). */
  readonly params: SharedArrayBuffer;
  /** Features, `rows·model.inputSize` float32 from `xOffset` (float32 elements). */
  readonly x: SharedArrayBuffer;
  /** Where this task's rows start in `x` (an eval set is shared by its tasks). */
  readonly xOffset: number;
  /** Labels, `rows` int32 from `yOffset`. */
  readonly y: SharedArrayBuffer;
  /** Where this task's labels start in `y`. */
  readonly yOffset: number;
  /** Row weights, `rows` float32 (gradient tasks). */
  readonly w: SharedArrayBuffer;
  /** Output of gradient tasks: weighted gradient sum, `model.size` float32. */
  readonly grad: SharedArrayBuffer;
  /** Output: per-row losses (gradient tasks) or log-probabilities of the labels (eval), `rows` float32. */
  readonly rowLoss: SharedArrayBuffer;
  /** Output of eval tasks: predicted class of each row, `rows` int32. */
  readonly pred: SharedArrayBuffer;
  /** Output of eval tasks: 1 where a row's logits are all finite, `rows` int32. */
  readonly finite: SharedArrayBuffer;
}
