/**
 * The main-thread side of gradient helper threads: dense tasks (row parts of a split pass, whole
 * requests, row ranges of an evaluation; dense-part.ts) handed to a worker thread with its own
 * TensorFlow.js backend (spec/tooling.md: 1.5–1.8× on 2 cores; wasm itself has no threads in Node).
 *
 * The engine API is synchronous, so this is too. `post` copies a task's inputs into the shared
 * buffers of a free slot and posts it; the helper works through its posts in order on its own event
 * loop while the main thread goes on. The main thread then either takes a task back that the helper
 * has not started (`reclaim`, and computes it itself) or blocks in `Atomics.wait` until the helper
 * flags it finished in the slot's control word (`wait`). The protocol is in thread-protocol.ts.
 * Nothing here ever changes a result: a task computed by a helper has the same bytes as on the main
 * thread, and whenever a helper is not ready (still booting, failed, closed, timed out) `post`
 * returns null or `reclaim` returns true, and the caller computes the task itself.
 *
 * Lifecycle: lazy start on first use, `unref()`'d so it never keeps the process alive, `close()` to
 * stop it. A failed start is kept as `status().reason` and never retried by the same pool.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BackendChoice } from '../tensor-backend.ts';
import type { ParamSnapshot } from './snapshot.ts';
import { SlotBuffers } from './slot-buffers.ts';
import { type EvalRowsOutput, type PartInput, type PartModel, type PartOutput } from './dense-part.ts';
import {
  CTRL_BELL,
  CTRL_SLEEP,
  CTRL_SLOT0,
  CTRL_STATE,
  CTRL_WORDS,
  SLOT_DONE,
  SLOT_FAILED,
  SLOT_FREE,
  SLOT_ID_LIMIT,
  SLOT_ID_SHIFT,
  SLOT_QUEUED,
  SLOTS,
  slotWord,
  STATE_FAILED,
  STATE_READY,
  type HelperData,
  type HelperMessage,
  type Task,
  type TaskKind,
} from './thread-protocol.ts';

/** Where a pool stands. */
export interface PoolStatus {
  /** `idle`: not started; `starting`: booting; `ready`; `failed` (see reason); `closed`. */
  readonly state: 'idle' | 'starting' | 'ready' | 'failed' | 'closed';
  /** Why the pool failed, or null. */
  readonly reason: string | null;
  /** Tasks the helper has computed. */
  readonly parts: number;
}

/** A posted task, to hand back to `reclaim`, `wait`, `outputs` and `release`. */
export interface PartTicket {
  /** The slot. */
  readonly slot: number;
  /** The task id. */
  readonly id: number;
  /** What it computes. */
  readonly kind: TaskKind;
  /** Rows in the task. */
  readonly rows: number;
  /** Parameters of the model (for the output view). */
  readonly size: number;
}

/** An evaluation set copied once into shared memory, for eval tasks. */
interface SharedSet {
  readonly x: SharedArrayBuffer;
  readonly y: SharedArrayBuffer;
}

const EMPTY = new SharedArrayBuffer(0);

/** One helper thread that computes dense tasks. See the file header. */
export class GradThreadPool {
  private worker: Worker | null = null;
  private ctrl: Int32Array | null = null;
  private port: MessagePort | null = null;
  private failure: string | null = null;
  private closed = false;
  private nextId = 0;
  private parts = 0;
  private readonly free: number[] = Array.from({ length: SLOTS }, (_, s) => SLOTS - 1 - s);
  private readonly slots = new SlotBuffers(SLOTS);
  private readonly sets = new WeakMap<Float32Array, SharedSet>();
  /** The evaluation set copied last; the one before it is dropped, here and in the helper. */
  private lastSet: { readonly x: Float32Array; readonly set: SharedSet } | null = null;
  /** Buffers and models the helper knows, by registered number (see `HelperMessage`). */
  private readonly refs = new WeakMap<object, number>();
  private nextRef = 0;

  /**
   * @param backend the main thread's backend; the helper starts the same one.
   * @param timeoutMs how long `wait` waits before it gives the helper up (it only expires if the
   *   helper thread died mid-task, since a failing task is reported at once).
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

  /** True when the helper is ready and a slot is free, so that `post` would post. */
  get accepting(): boolean {
    return this.free.length > 0 && this.state() === 'ready';
  }

  /**
   * Posts one gradient task (a row part, or a whole request) if the helper is ready and a slot is
   * free: copies `params` and the rows into the slot's shared buffers and returns a ticket. Returns
   * null, having posted nothing, otherwise; the caller then computes the task itself.
   */
  post(
    kind: 'part' | 'request',
    model: PartModel,
    params: Float32Array | ParamSnapshot,
    input: PartInput,
  ): PartTicket | null {
    if (!this.accepting) return null;
    const slot = this.free.pop()!;
    const { rows } = input;
    const d = model.inputSize;
    return this.send({
      kind,
      slot,
      id: this.newId(),
      model,
      rows,
      params: this.slots.fillParams(slot, model.size, params),
      x: this.slots.fill(slot, 'x', input.x.subarray(0, rows * d), Float32Array),
      xOffset: 0,
      y: this.slots.fill(slot, 'y', input.y.subarray(0, rows), Int32Array),
      yOffset: 0,
      w: this.slots.fill(slot, 'w', input.w.subarray(0, rows), Float32Array),
      grad: this.slots.buffer(slot, 'grad', model.size * 4),
      rowLoss: this.slots.buffer(slot, 'rowLoss', rows * 4),
      pred: EMPTY,
      finite: EMPTY,
    });
  }

  /**
   * Posts the per-row evaluation (`denseEvalRows`) of rows [start, start + rows) of the set whose
   * features are `x` and labels `y` (copied into shared memory once per set), or returns null.
   */
  postEval(
    model: PartModel,
    params: Float32Array,
    x: Float32Array,
    y: Int32Array,
    start: number,
    rows: number,
  ): PartTicket | null {
    if (!this.accepting) return null;
    let set = this.sets.get(x);
    if (set === undefined) {
      // Runs of a sweep may each evaluate on a set of their own: keep one in shared memory at a time.
      const old = this.lastSet;
      if (old !== null) {
        const refs: number[] = [];
        for (const b of [old.set.x, old.set.y]) {
          const r = this.refs.get(b);
          if (r !== undefined) refs.push(r);
          this.refs.delete(b);
        }
        this.sets.delete(old.x);
        if (refs.length > 0) this.post_({ type: 'drop', refs });
      }
      const sx = new SharedArrayBuffer(x.byteLength);
      new Float32Array(sx).set(x);
      const sy = new SharedArrayBuffer(y.byteLength);
      new Int32Array(sy).set(y);
      this.sets.set(x, (set = { x: sx, y: sy }));
      this.lastSet = { x, set };
    }
    const slot = this.free.pop()!;
    return this.send({
      kind: 'eval',
      slot,
      id: this.newId(),
      model,
      rows,
      params: this.slots.fill(slot, 'params', params.subarray(0, model.size), Float32Array),
      x: set.x,
      xOffset: start * model.inputSize,
      y: set.y,
      yOffset: start,
      w: EMPTY,
      grad: EMPTY,
      rowLoss: this.slots.buffer(slot, 'rowLoss', rows * 4),
      pred: this.slots.buffer(slot, 'pred', rows * 4),
      finite: this.slots.buffer(slot, 'finite', rows * 4),
    });
  }

  /**
   * Takes a posted task back if the helper has not started it (or can no longer finish it: failed,
   * closed). True: the slot is free again and the caller computes the task itself.
   */
  reclaim(t: PartTicket): boolean {
    if (this.worker === null || this.failure !== null || this.closed) {
      this.release(t);
      return true;
    }
    const i = CTRL_SLOT0 + t.slot;
    const queued = slotWord(t.id, SLOT_QUEUED);
    if (Atomics.compareExchange(this.ctrl!, i, queued, slotWord(t.id, SLOT_FREE)) !== queued) return false;
    this.free.push(t.slot);
    return true;
  }

  /** True once the helper has finished the task (done or failed). Never blocks. */
  finished(t: PartTicket): boolean {
    if (this.ctrl === null) return false;
    const state = Atomics.load(this.ctrl, CTRL_SLOT0 + t.slot) & ((1 << SLOT_ID_SHIFT) - 1);
    return state === SLOT_DONE || state === SLOT_FAILED;
  }

  /**
   * Blocks until the helper has finished the task. False when the helper stopped answering (the pool
   * is then failed for good) or is gone; the caller then `reclaim`s and computes the task itself.
   */
  wait(t: PartTicket): boolean {
    const ctrl = this.ctrl;
    if (ctrl === null) return false;
    const i = CTRL_SLOT0 + t.slot;
    for (;;) {
      if (this.finished(t)) return true;
      if (this.worker === null || this.failure !== null || this.closed) return false;
      const word = Atomics.load(ctrl, i);
      if (this.finished(t)) return true;
      if (Atomics.wait(ctrl, i, word, this.timeoutMs) === 'timed-out') {
        this.fail(`helper thread did not answer within ${this.timeoutMs} ms`);
        return false;
      }
    }
  }

  /**
   * Views of a finished gradient task's outputs (valid until `release`), or null when the helper
   * failed it: the pool is then failed for good and the caller computes the task itself.
   */
  outputs(t: PartTicket): PartOutput | null {
    if (!this.succeeded(t)) return null;
    return {
      grad: new Float32Array(this.slots.get(t.slot, 'grad'), 0, t.size),
      rowLoss: new Float32Array(this.slots.get(t.slot, 'rowLoss'), 0, t.rows),
    };
  }

  /** Views of a finished eval task's outputs (valid until `release`), or null as for `outputs`. */
  evalOutputs(t: PartTicket): EvalRowsOutput | null {
    if (!this.succeeded(t)) return null;
    return {
      picked: new Float32Array(this.slots.get(t.slot, 'rowLoss'), 0, t.rows),
      pred: new Int32Array(this.slots.get(t.slot, 'pred'), 0, t.rows),
      finite: new Int32Array(this.slots.get(t.slot, 'finite'), 0, t.rows),
    };
  }

  /** Frees a task's slot once its outputs have been read (or it was given up). */
  release(t: PartTicket): void {
    if (this.ctrl !== null) {
      const i = CTRL_SLOT0 + t.slot;
      // A ticket released twice must not free the slot of a later task.
      if (Atomics.load(this.ctrl, i) >>> SLOT_ID_SHIFT !== t.id) return;
      Atomics.store(this.ctrl, i, slotWord(t.id, SLOT_FREE));
    }
    if (!this.free.includes(t.slot)) this.free.push(t.slot);
  }

  /** `post` of one row part of a split pass. */
  submit(model: PartModel, params: Float32Array, input: PartInput): PartTicket | null {
    return this.post('part', model, params, input);
  }

  /**
   * The outputs of a posted task, copied out (the slot is released): taken back and null if the
   * helper had not started it, else waited for; null too when the helper failed or stopped answering.
   * On null the caller computes the task itself.
   */
  collect(t: PartTicket): PartOutput | null {
    if (this.reclaim(t)) return null;
    if (!this.wait(t)) {
      this.release(t);
      return null;
    }
    const got = this.outputs(t);
    const out = got === null ? null : { grad: got.grad.slice(), rowLoss: got.rowLoss.slice() };
    this.release(t);
    return out;
  }

  /** Stops the helper thread. The pool stays closed: `post` returns null from now on. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }

  private succeeded(t: PartTicket): boolean {
    const state = Atomics.load(this.ctrl!, CTRL_SLOT0 + t.slot) & ((1 << SLOT_ID_SHIFT) - 1);
    if (state !== SLOT_DONE) {
      this.fail('helper thread failed a task');
      return false;
    }
    this.parts++;
    return true;
  }

  private newId(): number {
    this.nextId = (this.nextId + 1) % SLOT_ID_LIMIT;
    return this.nextId;
  }

  private send(task: Task): PartTicket {
    Atomics.store(this.ctrl!, CTRL_SLOT0 + task.slot, slotWord(task.id, SLOT_QUEUED));
    const msg: HelperMessage = {
      type: 'task',
      kind: task.kind,
      slot: task.slot,
      id: task.id,
      model: this.ref(task.model),
      rows: task.rows,
      params: this.ref(task.params),
      x: this.ref(task.x),
      xOffset: task.xOffset,
      y: this.ref(task.y),
      yOffset: task.yOffset,
      w: this.ref(task.w),
      grad: this.ref(task.grad),
      rowLoss: this.ref(task.rowLoss),
      pred: this.ref(task.pred),
      finite: this.ref(task.finite),
    };
    this.post_(msg);
    return { slot: task.slot, id: task.id, kind: task.kind, rows: task.rows, size: task.model.size };
  }

  // The number the helper knows `o` by, registering it first if it is new.
  private ref(o: SharedArrayBuffer | PartModel): number {
    let r = this.refs.get(o);
    if (r === undefined) {
      r = ++this.nextRef;
      this.refs.set(o, r);
      const msg: HelperMessage =
        o instanceof SharedArrayBuffer ? { type: 'buffer', ref: r, buffer: o } : { type: 'model', ref: r, model: o };
      this.post_(msg);
    }
    return r;
  }

  // Posts to the helper, and rings the doorbell if it sleeps (see `CTRL_BELL`).
  private post_(msg: HelperMessage): void {
    this.worker!.postMessage(msg);
    const ctrl = this.ctrl!;
    if (Atomics.load(ctrl, CTRL_SLEEP) === 1) {
      Atomics.add(ctrl, CTRL_BELL, 1);
      Atomics.notify(ctrl, CTRL_BELL);
    }
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
}
