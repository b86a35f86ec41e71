/**
 * The main-thread side of gradient helper threads: a synchronous fan-out of dense row parts
 * (dense-part.ts) to a worker thread with its own TensorFlow.js backend (spec/tooling.md: 1.5–1.8×
 * on 2 cores; wasm itself has no threads in Node).
 *
 * The engine API is synchronous, so this is too: `submit` copies a part's inputs into shared memory
 * and posts it, the caller computes its own part meanwhile, and `collect` blocks in `Atomics.wait`
 * until the helper flags completion in a control word. The helper receives the post on its own event
 * loop while the main thread is blocked. Nothing here ever changes a result: a part computed by a
 * helper has the same bytes as on the main thread, and whenever a helper is not ready (still booting,
 * failed, closed, timed out) `submit`/`collect` return null and the caller computes the part itself.
 *
 * Lifecycle: lazy start on first use, `unref()`'d so it never keeps the process alive, `close()` to
 * stop it. A failed start is kept as `status().reason` and never retried by the same pool.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BackendChoice } from '../tensor-backend.ts';
import { SPLIT_PARTS, type PartInput, type PartModel, type PartOutput } from './dense-part.ts';
import {
  CTRL_DONE,
  CTRL_ERROR,
  CTRL_STATE,
  CTRL_WORDS,
  STATE_FAILED,
  STATE_READY,
  type HelperData,
  type PartTask,
} from './thread-protocol.ts';

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

/** Where a pool stands. */
export interface PoolStatus {
  /** `idle`: not started; `starting`: booting; `ready`; `failed` (see reason); `closed`. */
  readonly state: 'idle' | 'starting' | 'ready' | 'failed' | 'closed';
  /** Why the pool failed, or null. */
  readonly reason: string | null;
  /** Parts the helper has computed. */
  readonly parts: number;
}

/** A part posted to the helper, to hand to `collect`. */
export interface PartTicket {
  /** The task id. */
  readonly id: number;
  /** Rows in the part. */
  readonly rows: number;
  /** Parameters of the model (for the output view). */
  readonly size: number;
}

/** The shared buffers, grown on demand and reused across tasks. */
type BufferName = 'params' | 'x' | 'y' | 'w' | 'grad' | 'rowLoss';

/** One helper thread that computes dense row parts. See the file comment. */
export class GradThreadPool {
  private worker: Worker | null = null;
  private ctrl: Int32Array | null = null;
  private port: MessagePort | null = null;
  private failure: string | null = null;
  private closed = false;
  private nextId = 0;
  private parts = 0;
  private readonly bufs = new Map<BufferName, SharedArrayBuffer>();

  /**
   * @param backend the main thread's backend; the helper starts the same one.
   * @param timeoutMs how long `collect` waits before it gives the helper up (it only expires if the
   *   helper thread died mid-task, since a failing part is reported at once).
   */
  constructor(
    readonly backend: BackendChoice,
    private readonly timeoutMs = 60_000,
  ) {}

  /** Starts the helper thread if it is not started; returns at once (the thread boots in the background). */
  start(): void {
    if (this.worker !== null || this.closed || this.failure !== null) return;
    const sab = new SharedArrayBuffer(CTRL_WORDS * 4);
    this.ctrl = new Int32Array(sab);
    try {
      const channel = new MessageChannel();
      this.port = channel.port1;
      this.port.unref();
      const workerData: HelperData = { ctrl: sab, port: channel.port2, backend: this.backend };
      this.worker = new Worker(new URL('./grad-worker-boot.mjs', import.meta.url), {
        workerData,
        transferList: [channel.port2],
      });
      this.worker.unref();
      // Only seen when the main thread is idle; a blocked main thread learns of a crash by timeout.
      this.worker.on('error', (err: Error) => this.fail(`helper thread error: ${err.message}`));
      this.worker.on('exit', (code: number) => {
        if (!this.closed) this.fail(`helper thread exited with code ${code}`);
      });
    } catch (err) {
      this.fail(`helper thread could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * Starts the pool and resolves once the helper is ready (true) or has failed or been closed (false).
   * A helper still booting after about `timeoutMs` is given up as failed.
   */
  async whenReady(): Promise<boolean> {
    this.start();
    // Polled: the boot takes about a second, and a timer needs no newer-than-ES2023 Atomics.waitAsync.
    for (let waited = 0; this.state() === 'starting'; waited += 10) {
      if (waited >= this.timeoutMs) this.fail(`helper thread did not start within ${this.timeoutMs} ms`);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.state() === 'ready';
  }

  /** Where the pool stands. */
  status(): PoolStatus {
    return { state: this.state(), reason: this.failure, parts: this.parts };
  }

  /**
   * Posts one part to the helper if it is ready: copies `params` and the part's rows into shared
   * buffers (reused, grown when needed) and returns a ticket for `collect`. Returns null, having
   * posted nothing, when the helper is not ready; the caller then computes the part itself.
   */
  submit(model: PartModel, params: Float32Array, input: PartInput): PartTicket | null {
    if (this.state() !== 'ready') return null;
    const { rows } = input;
    const d = model.inputSize;
    const task: PartTask = {
      id: ++this.nextId,
      model,
      rows,
      params: this.fill('params', params.subarray(0, model.size), Float32Array),
      x: this.fill('x', input.x.subarray(0, rows * d), Float32Array),
      y: this.fill('y', input.y.subarray(0, rows), Int32Array),
      w: this.fill('w', input.w.subarray(0, rows), Float32Array),
      grad: this.buffer('grad', model.size * 4),
      rowLoss: this.buffer('rowLoss', rows * 4),
    };
    this.worker!.postMessage(task);
    return { id: task.id, rows, size: model.size };
  }

  /**
   * Blocks until the helper has finished `ticket`, and returns views of its output (valid until the
   * next `submit`). Returns null when the part failed or the helper stopped answering; the pool is
   * then failed for good and the caller computes the part itself.
   */
  collect(ticket: PartTicket): PartOutput | null {
    const ctrl = this.ctrl!;
    let done = Atomics.load(ctrl, CTRL_DONE);
    while (done !== ticket.id) {
      if (Atomics.wait(ctrl, CTRL_DONE, done, this.timeoutMs) === 'timed-out') {
        this.fail(`helper thread did not answer within ${this.timeoutMs} ms`);
        return null;
      }
      done = Atomics.load(ctrl, CTRL_DONE);
    }
    if (Atomics.load(ctrl, CTRL_ERROR) !== 0) {
      this.fail('helper thread failed a part');
      return null;
    }
    this.parts++;
    return {
      grad: new Float32Array(this.bufs.get('grad')!, 0, ticket.size),
      rowLoss: new Float32Array(this.bufs.get('rowLoss')!, 0, ticket.rows),
    };
  }

  /** Stops the helper thread. The pool stays closed: `submit` returns null from now on. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }

  private state(): PoolStatus['state'] {
    if (this.closed) return 'closed';
    if (this.failure !== null) return 'failed';
    if (this.worker === null) return 'idle';
    const s = Atomics.load(this.ctrl!, CTRL_STATE);
    if (s === STATE_FAILED) {
      this.fail('helper thread failed to start');
      return 'failed';
    }
    return s === STATE_READY ? 'ready' : 'starting';
  }

  // Records the first failure (with the helper's own reason when it posted one) and stops the thread.
  private fail(why: string): void {
    if (this.failure !== null || this.closed) return;
    const posted: string[] = [];
    for (
      let m = this.port === null ? undefined : receiveMessageOnPort(this.port);
      m !== undefined;
      m = receiveMessageOnPort(this.port!)
    ) {
      posted.push(String(m.message));
    }
    this.failure = posted.length > 0 ? `${why}: ${posted.join('; ')}` : why;
    if (this.ctrl !== null) {
      // Wakes `whenReady`, which may be waiting on the state word.
      Atomics.store(this.ctrl, CTRL_STATE, STATE_FAILED);
      Atomics.notify(this.ctrl, CTRL_STATE);
    }
    const w = this.worker;
    this.worker = null;
    if (w !== null) void w.terminate().catch(() => undefined);
  }

  private buffer(name: BufferName, bytes: number): SharedArrayBuffer {
    let b = this.bufs.get(name);
    if (b === undefined || b.byteLength < bytes) {
      // Grow with headroom so that slowly growing passes do not reallocate every time.
      b = new SharedArrayBuffer(Math.max(bytes, Math.ceil((b?.byteLength ?? 0) * 1.5)));
      this.bufs.set(name, b);
    }
    return b;
  }

  private fill<T extends Float32Array | Int32Array>(
    name: BufferName,
    src: T,
    kind: { new (b: SharedArrayBuffer): T },
  ): SharedArrayBuffer {
    const b = this.buffer(name, src.byteLength);
    new kind(b).set(src);
    return b;
  }
}
