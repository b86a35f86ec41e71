/**
 * The helper-thread side of the gradient thread pool (thread-pool.ts). Loaded by
 * grad-worker-boot.mjs, which first registers tsx so this TypeScript file can run in a worker.
 *
 * It starts its own TensorFlow.js instance on the main thread's backend (each thread has its own
 * wasm heap: spec/tooling.md, 1.5–1.8× on 2 cores), then computes the parts it is posted with
 * `densePartGrad`, the very function the main thread uses, so a part's bytes do not depend on the
 * thread that computed it. Completion is signalled through shared memory (Atomics), because the main
 * thread is blocked in `Atomics.wait` and cannot receive messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, tfjs } from '../tensor-backend.ts';
import { densePartGrad, uploadPartWeights } from './dense-part.ts';
import {
  CTRL_DONE,
  CTRL_ERROR,
  CTRL_STATE,
  STATE_FAILED,
  STATE_READY,
  type HelperData,
  type PartTask,
} from './thread-protocol.ts';

const data = workerData as HelperData;
const ctrl = new Int32Array(data.ctrl);

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

function compute(task: PartTask): void {
  const { model, rows } = task;
  const d = model.inputSize;
  const params = new Float32Array(task.params, 0, model.size);
  const input = {
    x: new Float32Array(task.x, 0, rows * d),
    y: new Int32Array(task.y, 0, rows),
    w: new Float32Array(task.w, 0, rows),
    rows,
  };
  const out = { grad: new Float32Array(task.grad, 0, model.size), rowLoss: new Float32Array(task.rowLoss, 0, rows) };
  const tf = tfjs();
  // The weight tensors are disposed with this tidy; densePartGrad runs its own tidy inside.
  tf.tidy(() => densePartGrad(model, uploadPartWeights(model, params), input, out));
}

function onTask(task: PartTask): void {
  let failed = 0;
  try {
    compute(task);
  } catch (err) {
    failed = 1;
    data.port.postMessage(`helper thread: part failed: ${reason(err)}`);
  }
  Atomics.store(ctrl, CTRL_ERROR, failed);
  // Publish the id last: the main thread reads the outputs once it sees it.
  Atomics.store(ctrl, CTRL_DONE, task.id);
  Atomics.notify(ctrl, CTRL_DONE);
}

try {
  const got = await initBackend(data.backend);
  if (got !== data.backend) throw new Error(`backend ${data.backend} did not start in the helper (got ${got})`);
  parentPort!.on('message', onTask);
  Atomics.store(ctrl, CTRL_STATE, STATE_READY);
} catch (err) {
  data.port.postMessage(`helper thread: ${reason(err)}`);
  Atomics.store(ctrl, CTRL_STATE, STATE_FAILED);
}
Atomics.notify(ctrl, CTRL_STATE);
