/**
 * The helper-thread side of the gradient thread pool (thread-pool.ts). Loaded by
 * grad-worker-boot.mjs, which first registers tsx so this TypeScript file can run in a worker.
 *
 * It starts its own TensorFlow.js instance on the main thread's backend (each thread has its own
 * wasm heap: spec/tooling.md, 1.5–1.8× on 2 cores), then computes the tasks it is posted, in order,
 * with the very functions the main thread uses (`densePartGrad`, `denseRequestGrad`,
 * `denseEvalRows`), so a task's bytes do not depend on the thread that computed it. Before computing
 * it claims the task's slot with a compare-and-swap, and skips a task the main thread took back.
 * Completion is signalled through shared memory (Atomics), because the main thread may be blocked in
 * `Atomics.wait` and cannot receive messages.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { initBackend, tfjs } from '../tensor-backend.ts';
import { denseEvalRows, densePartGrad, denseRequestGrad, uploadPartWeights } from './dense-part.ts';
import {
  CTRL_BELL,
  CTRL_SLEEP,
  CTRL_SLOT0,
  CTRL_STATE,
  SLOT_DONE,
  SLOT_FAILED,
  SLOT_QUEUED,
  SLOT_TAKEN,
  slotWord,
  STATE_FAILED,
  STATE_READY,
  type HelperData,
  type HelperMessage,
  type Task,
} from './thread-protocol.ts';
import type { PartModel } from './dense-part.ts';

const data = workerData as HelperData;
const ctrl = new Int32Array(data.ctrl);

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

function compute(task: Task): void {
  const { model, rows } = task;
  const d = model.inputSize;
  const params = new Float32Array(task.params, 0, model.size);
  const x = new Float32Array(task.x, task.xOffset * 4, rows * d);
  const y = new Int32Array(task.y, task.yOffset * 4, rows);
  const tf = tfjs();
  // The weight tensors are disposed with this tidy; the task functions run their own tidy inside.
  tf.tidy(() => {
    const weights = uploadPartWeights(model, params);
    if (task.kind === 'eval') {
      denseEvalRows(model, weights, x, y, rows, {
        picked: new Float32Array(task.rowLoss, 0, rows),
        pred: new Int32Array(task.pred, 0, rows),
        finite: new Int32Array(task.finite, 0, rows),
      });
      return;
    }
    const input = { x, y, w: new Float32Array(task.w, 0, rows), rows };
    const out = { grad: new Float32Array(task.grad, 0, model.size), rowLoss: new Float32Array(task.rowLoss, 0, rows) };
    if (task.kind === 'part') densePartGrad(model, weights, input, out);
    else denseRequestGrad(model, weights, input, out);
  });
}

/** Buffers and models registered by the main thread (see `HelperMessage`). */
const buffers = new Map<number, SharedArrayBuffer>();
const models = new Map<number, PartModel>();

function onMessage(msg: HelperMessage): void {
  if (msg.type === 'buffer') buffers.set(msg.ref, msg.buffer);
  else if (msg.type === 'model') models.set(msg.ref, msg.model);
  else if (msg.type === 'drop') for (const r of msg.refs) buffers.delete(r);
  else {
    const b = (ref: number): SharedArrayBuffer => buffers.get(ref)!;
    onTask({
      ...msg,
      model: models.get(msg.model)!,
      params: b(msg.params),
      x: b(msg.x),
      y: b(msg.y),
      w: b(msg.w),
      grad: b(msg.grad),
      rowLoss: b(msg.rowLoss),
      pred: b(msg.pred),
      finite: b(msg.finite),
    });
  }
}

function onTask(task: Task): void {
  const i = CTRL_SLOT0 + task.slot;
  const queued = slotWord(task.id, SLOT_QUEUED);
  // The main thread may have taken it back (and even reused the slot): then this post is stale.
  if (Atomics.compareExchange(ctrl, i, queued, slotWord(task.id, SLOT_TAKEN)) !== queued) return;
  let state = SLOT_DONE;
  try {
    compute(task);
  } catch (err) {
    state = SLOT_FAILED;
    data.port.postMessage(`helper thread: ${task.kind} task failed: ${reason(err)}`);
  }
  // Publish last: the main thread reads the outputs once it sees the word.
  Atomics.store(ctrl, i, slotWord(task.id, state));
  Atomics.notify(ctrl, i);
}

/** How long the helper naps between looks at its port, ms. */
const NAP_MS = 0.05;
/** Naps in a row (about 20 ms with nothing posted) after which the helper sleeps until woken. */
const NAPS = 400;

/**
 * Reads and runs posts forever, off the event loop: a post that wakes a thread blocked in its event
 * loop costs the posting thread 0.4–1.5 ms on a busy machine, against about 5 µs here. Between tasks
 * the helper naps (a timed wait of `NAP_MS`) up to `NAPS` times in a row; then it sleeps on the
 * doorbell, which the main thread rings after a post when it sees `CTRL_SLEEP` = 1. The flag is set
 * before the last look at the port, so a post is never missed.
 */
function serve(): never {
  let naps = 0;
  for (;;) {
    const m = receiveMessageOnPort(parentPort!);
    if (m !== undefined) {
      onMessage(m.message as HelperMessage);
      naps = 0;
      continue;
    }
    const bell = Atomics.load(ctrl, CTRL_BELL);
    if (naps++ < NAPS) {
      Atomics.wait(ctrl, CTRL_BELL, bell, NAP_MS);
      continue;
    }
    Atomics.store(ctrl, CTRL_SLEEP, 1);
    const late = receiveMessageOnPort(parentPort!);
    if (late === undefined) Atomics.wait(ctrl, CTRL_BELL, bell);
    Atomics.store(ctrl, CTRL_SLEEP, 0);
    if (late !== undefined) onMessage(late.message as HelperMessage);
    naps = 0;
  }
}

let ready = false;
try {
  const got = await initBackend(data.backend);
  if (got !== data.backend) throw new Error(`backend ${data.backend} did not start in the helper (got ${got})`);
  Atomics.store(ctrl, CTRL_STATE, STATE_READY);
  ready = true;
} catch (err) {
  data.port.postMessage(`helper thread: ${reason(err)}`);
  Atomics.store(ctrl, CTRL_STATE, STATE_FAILED);
}
Atomics.notify(ctrl, CTRL_STATE);
if (ready) serve();
