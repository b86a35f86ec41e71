/**
 * The gradient engine: schedules request gradients against immutable snapshots and get handles; the
 * math runs when a handle is first read, and then every pending request runs together (design.md §3).
 *
 * How pending work is batched (spec/tooling.md: 2-D matmuls are fast on wasm, 3-D batched ones are not):
 * - requests are grouped by snapshot (object identity); groups on different snapshots are looped over;
 * - within a group the snapshot's weights are uploaded once;
 * - `requestMean` asks for the mean gradient of several batches at one snapshot (synchronous data
 *   parallelism): their samples are concatenated into one 2-D forward/backward pass with one
 *   weight-gradient product, which is the gradient of the concatenation for equal-size batches;
 * - distinct per-request gradients on one snapshot (dense models) run one request at a time against
 *   the shared upload by default. With `mergeRows` the forward pass and error propagation run once
 *   over all rows (they are row-wise) and each request gets its own weight gradient `aᵀ·dz` over its
 *   row range; that saves no FLOPs (the N weight-gradient products remain) and on wasm the row slices
 *   cost more than the fewer kernel launches save, so it is opt-in (measured in docs/training.md);
 * - other models (CNN) use tfjs autograd, one pass per request;
 * - a dense pass of one request (or one `requestMean`) with at least `SPLIT_MIN_ROWS` rows is cut
 *   into row parts whose weighted gradient sums are added in part order (split-pass.ts); a helper
 *   thread computes one part while this thread computes the other (thread-pool.ts), because
 *   single-threaded wasm matmul is flat at ~28 GFLOP/s and only more cores make large passes faster.
 *   The parts depend on the row count alone, so results are byte-identical with threads on or off;
 * - a smaller dense request (not merged by `mergeRows`) is posted to the helper thread the moment it
 *   is made, when the helper is ready and has a free slot: the helper computes it in the background
 *   while this thread goes on simulating. Reading its handle takes it back if the helper has not
 *   started it, or else waits for it, meanwhile computing the newest requests the helper has not
 *   started. Requests on distinct snapshots (asynchronous workers, local replicas) so run on both
 *   cores. Each request is computed whole by the same function on either thread
 *   (`denseRequestGrad`), so its bytes do not depend on where or when it ran.
 * Results equal eager, one-at-a-time computation (the merged rows go through the same row-wise
 * kernels); the tests check agreement to 1e-6.
 */
import type * as TF from '@tensorflow/tfjs';
import { backendName, tfjs } from '../tensor-backend.ts';
import type { Model } from '../models/model.ts';
import { checkBatch, type GradBatch } from './batch.ts';
import { denseBackward, denseForward, softmaxCrossEntropyGrad, type RowRange } from './dense-backprop.ts';
import { snapshotSize, type ParamSnapshot } from './snapshot.ts';
import { denseRequestGrad, partModel, SPLIT_MIN_ROWS, type PartInput, type PartModel } from './dense-part.ts';
import { splitPass } from './split-pass.ts';
import { evaluateRowsSplit, type EvalRows } from './eval-rows.ts';
import { readFlat, uploadWeights } from './weight-tensors.ts';
import type { GradThreadPool, PartTicket } from './thread-pool.ts';
import { resolveThreads, type ThreadChoice, type ThreadSetting } from './thread-setting.ts';
import { closeSharedThreadPool, engineHelpers, engineThreads, sharedThreadPool } from './shared-pool.ts';
import type { EngineStats, GradHandle, GradientEngineOptions, GradResult } from './engine-types.ts';

export type { BackpropMode, EngineStats, GradHandle, GradientEngineOptions, GradResult } from './engine-types.ts';

interface Job {
  readonly snapshot: ParamSnapshot;
  readonly batches: readonly GradBatch[];
  readonly samples: number;
  result: GradResult | null;
  /** Posted to the helper: its ticket, the pool and the rows (to compute it here if taken back). */
  posted: { readonly ticket: PartTicket; readonly pool: GradThreadPool; readonly input: WeightedRows } | null;
}

/** A job's rows back to back with their weights (see `assemble`). */
interface WeightedRows extends PartInput {
  readonly ranges: RowRange[];
}

class Handle implements GradHandle {
  constructor(
    private readonly engine: GradientEngine,
    readonly job: Job,
  ) {}
  get snapshot(): ParamSnapshot {
    return this.job.snapshot;
  }
  get ready(): boolean {
    return this.job.result !== null;
  }
  value(): GradResult {
    if (this.job.result === null) this.engine.resolve(this.job);
    return this.job.result!;
  }
}

/** Computes real gradients of `model` lazily and in batches. Needs `initBackend()` to have resolved. */
export class GradientEngine {
  /** The model differentiated. */
  readonly model: Model;
  private readonly dense: boolean;
  private readonly mergeRows: boolean;
  private readonly threadSetting: ThreadSetting;
  private readonly part: PartModel;
  private threadsClosed = false;
  private queue: Job[] = [];
  /** Jobs posted to the helper and not yet read, in post order. */
  private posted: Job[] = [];
  private counters = {
    requests: 0,
    groups: 0,
    flushes: 0,
    samples: 0,
    splitPasses: 0,
    helperParts: 0,
    posted: 0,
    helperRequests: 0,
  };

  /**
   * @throws Error if `backprop: 'dense'` is asked for a model without a dense stack.
   * @throws RangeError if `threads` is neither `auto` nor an integer >= 0.
   */
  constructor(model: Model, options: GradientEngineOptions = {}) {
    const mode = options.backprop ?? 'auto';
    if (mode === 'dense' && model.dense === null)
      throw new Error(`${model.name} has no dense stack; use backprop 'auto' or 'autograd'`);
    this.model = model;
    this.dense = mode !== 'autograd' && model.dense !== null;
    this.mergeRows = options.mergeRows ?? false;
    this.threadSetting = options.threads ?? 'auto';
    resolveThreads(this.threadSetting, null); // validates the setting now rather than at the first large pass
    this.part = partModel(model.layout.entries, model.layout.size, model.inputSize);
  }

  /**
   * Requests the gradient of the mean loss of `batch` at `snapshot`. Nothing is computed yet.
   * @throws RangeError if the snapshot does not fit the model's layout or the batch is malformed.
   */
  request(snapshot: ParamSnapshot, batch: GradBatch): GradHandle {
    return this.enqueue(snapshot, [batch]);
  }

  /**
   * Requests the mean of the gradients of `batches` at one snapshot, computed as one pass. For
   * equal-size batches this is the gradient of their concatenation (synchronous data parallelism).
   * @throws RangeError on an empty list, a snapshot that does not fit, or a malformed batch.
   */
  requestMean(snapshot: ParamSnapshot, batches: readonly GradBatch[]): GradHandle {
    if (batches.length === 0) throw new RangeError('requestMean needs at least one batch');
    return this.enqueue(snapshot, batches);
  }

  /** Requests not yet read back: queued here, or posted to the helper. */
  get pending(): number {
    return this.queue.length + this.posted.length;
  }

  /** Counters since construction, and the helper-thread state. */
  stats(): EngineStats {
    const t = this.threadChoice();
    return { ...this.counters, threads: t.threads, threadNote: t.note };
  }

  /**
   * Starts the helper threads now (they otherwise start on the first large pass, which meanwhile runs
   * on this thread alone) and resolves true once they are ready, false if the engine uses none or they
   * failed (see `stats().threadNote`). For benchmarks and tests that want the threaded path at once.
   */
  async threadsReady(): Promise<boolean> {
    const backend = backendName();
    if (this.threadChoice().threads === 0 || backend === null) return false;
    return sharedThreadPool(backend).whenReady();
  }

  /** Starts the helper threads booting in the background now, if the engine uses any. */
  startThreads(): void {
    this.helpers();
  }

  /**
   * Stops the helper threads, which are shared by every engine of the process (another engine's next
   * large pass starts them again), and stops this engine from using them. They are `unref()`'d, so a
   * process exits without this; tests call it to leave nothing running.
   */
  async close(): Promise<void> {
    this.threadsClosed = true;
    await closeSharedThreadPool();
  }

  /**
   * Computes every pending request now: the queued ones (reading the handle of one does this too) and
   * those posted to the helper thread.
   */
  flush(): void {
    this.flushQueue();
    while (this.posted.length > 0) this.awaitPosted(this.posted[0]!);
  }

  /** Computes `job`: the whole queue if it is queued, else just it (see the file header). */
  resolve(job: Job): void {
    if (job.posted === null) this.flushQueue();
    else this.awaitPosted(job);
  }

  /**
   * Test loss, accuracy and classes predicted of `params` on `set` (training/evaluate.ts), with the
   * rows cut between this thread and the helper thread when the model is dense and the helper is
   * ready (eval-rows.ts). The result has the same bytes either way.
   * @throws RangeError as `evaluate`.
   */
  evaluateRows(params: Float32Array, x: Float32Array, y: Int32Array, n: number, chunk: number): EvalRows {
    return evaluateRowsSplit(this.model, this.part, this.dense ? this.helpers() : null, params, x, y, n, chunk);
  }

  private flushQueue(): void {
    if (this.queue.length === 0) return;
    const jobs = this.queue;
    this.queue = [];
    this.counters.flushes++;
    const groups = new Map<ParamSnapshot, Job[]>();
    for (const j of jobs) {
      const g = groups.get(j.snapshot);
      if (g === undefined) groups.set(j.snapshot, [j]);
      else g.push(j);
    }
    for (const [snapshot, group] of groups) {
      this.counters.groups++;
      if (this.dense) this.computeDense(snapshot, group);
      else for (const j of group) this.computeAutograd(snapshot, j);
    }
  }

  private enqueue(snapshot: ParamSnapshot, batches: readonly GradBatch[]): GradHandle {
    const { layout, inputSize, numClasses } = this.model;
    const size = snapshotSize(snapshot);
    if (size !== layout.size) {
      throw new RangeError(
        `snapshot v${snapshot.version} has ${size} parameters, ${this.model.name} needs ${layout.size}`,
      );
    }
    let samples = 0;
    for (const b of batches) {
      checkBatch(b, inputSize, numClasses);
      samples += b.n;
    }
    const job: Job = { snapshot, batches, samples, result: null, posted: null };
    this.counters.requests++;
    this.counters.samples += samples;
    if (!this.post(job)) this.queue.push(job);
    return new Handle(this, job);
  }

  /** Helper threads this engine may use now (started, maybe still booting), or null. */
  private helpers(): GradThreadPool | null {
    return this.threadsClosed ? null : engineHelpers(this.threadSetting, backendName());
  }

  // Posts a dense request below the split threshold to the helper if it takes one (see the header).
  private post(job: Job): boolean {
    if (!this.dense || this.mergeRows || job.samples >= SPLIT_MIN_ROWS) return false;
    const pool = this.helpers();
    if (pool === null) return false;
    if (!pool.accepting) {
      // Free the slots of requests the helper has finished.
      for (const j of this.posted.slice()) if (pool.finished(j.posted!.ticket)) this.awaitPosted(j);
      if (!pool.accepting) return false;
    }
    const input = this.assemble([job]);
    const ticket = pool.post('request', this.part, job.snapshot, input);
    if (ticket === null) return false;
    job.posted = { ticket, pool, input };
    this.posted.push(job);
    this.counters.posted++;
    return true;
  }

  // Reads back one posted job: takes it back and computes it here if the helper has not started it;
  // else waits for it, computing the newest not-yet-started posted jobs here meanwhile.
  private awaitPosted(job: Job): void {
    const { ticket, pool, input } = job.posted!;
    for (;;) {
      if (pool.reclaim(ticket)) {
        this.computeHere(job, input);
        break;
      }
      if (!pool.finished(ticket) && this.stealNewest(job)) continue;
      const got = pool.wait(ticket) ? pool.outputs(ticket) : null;
      if (got === null) {
        pool.release(ticket);
        this.computeHere(job, input);
      } else {
        job.result = {
          grad: got.grad.slice(),
          loss: weightedLoss(input.w, got.rowLoss, 0, input.rows),
          samples: job.samples,
        };
        pool.release(ticket);
        this.counters.helperRequests++;
      }
      break;
    }
    this.posted.splice(this.posted.indexOf(job), 1);
  }

  // Takes back the newest posted job the helper has not started, other than `except`, and computes it here.
  private stealNewest(except: Job): boolean {
    for (let i = this.posted.length - 1; i >= 0; i--) {
      const j = this.posted[i]!;
      if (j === except) continue;
      const { ticket, pool, input } = j.posted!;
      if (!pool.reclaim(ticket)) continue;
      this.computeHere(j, input);
      this.posted.splice(i, 1);
      return true;
    }
    return false;
  }

  private computeHere(job: Job, input: WeightedRows): void {
    const tf = tfjs();
    tf.tidy(() => {
      const weights = uploadWeights(this.model.layout, job.snapshot.params);
      this.requestHere(weights, job, input);
    });
  }

  // One unsplit request on this thread, exactly as a helper computes it.
  private requestHere(weights: readonly TF.Tensor[], job: Job, input: WeightedRows): void {
    const out = { grad: new Float32Array(this.model.layout.size), rowLoss: new Float32Array(input.rows) };
    denseRequestGrad(this.part, weights, input, out);
    job.result = { grad: out.grad, loss: weightedLoss(input.w, out.rowLoss, 0, input.rows), samples: job.samples };
  }

  // Rows of the jobs back to back, each row weighted 1/(batches·n) so a job's weighted loss sum is
  // the mean of its batch means (= the mean over its samples when the batches are equal in size).
  private assemble(jobs: readonly Job[]): WeightedRows {
    const d = this.model.inputSize;
    const total = jobs.reduce((s, j) => s + j.samples, 0);
    const single = jobs.length === 1 && jobs[0]!.batches.length === 1 ? jobs[0]!.batches[0]! : null;
    const x = single !== null ? single.x.subarray(0, single.n * d) : new Float32Array(total * d);
    const y = single !== null ? single.y.subarray(0, single.n) : new Int32Array(total);
    const w = new Float32Array(total);
    const ranges: RowRange[] = [];
    let row = 0;
    for (const j of jobs) {
      const start = row;
      for (const b of j.batches) {
        if (single === null) {
          x.set(b.x.subarray(0, b.n * d), row * d);
          y.set(b.y.subarray(0, b.n), row);
        }
        w.fill(1 / (j.batches.length * b.n), row, row + b.n);
        row += b.n;
      }
      ranges.push({ start, end: row });
    }
    return { x, y, w, ranges, rows: total };
  }

  private threadChoice(): ThreadChoice {
    return this.threadsClosed ? { threads: 0, note: 'closed' } : engineThreads(this.threadSetting, backendName());
  }

  private computeDense(snapshot: ParamSnapshot, jobs: readonly Job[]): void {
    const tf = tfjs();
    tf.tidy(() => {
      // One upload of the snapshot serves every request in the group.
      const weights = uploadWeights(this.model.layout, snapshot.params);
      if (this.mergeRows || jobs.length === 1) this.denseRows(weights, snapshot.params, jobs);
      else for (const job of jobs) tf.tidy(() => this.denseRows(weights, snapshot.params, [job]));
    });
  }

  // Forward and error propagation over the jobs' rows at once; one weight gradient per job. One job
  // with many rows goes through split-pass (row parts, maybe on a helper thread) instead.
  private denseRows(weights: readonly TF.Tensor[], params: Float32Array, jobs: readonly Job[]): void {
    const tf = tfjs();
    const rows = this.assemble(jobs);
    const { x, y, w, ranges } = rows;
    if (jobs.length === 1 && y.length >= SPLIT_MIN_ROWS) {
      const r = splitPass(this.part, weights, params, { x, y, w, rows: y.length }, this.helpers());
      this.counters.splitPasses++;
      this.counters.helperParts += r.helperParts;
      jobs[0]!.result = { grad: r.grad, loss: weightedLoss(w, r.rowLoss, 0, y.length), samples: jobs[0]!.samples };
      return;
    }
    if (jobs.length === 1) {
      this.requestHere(weights, jobs[0]!, rows);
      return;
    }
    const n = y.length;
    const acts = denseForward(weights, tf.tensor2d(x, [n, this.model.inputSize]), false);
    const { rowLoss, dLogits } = softmaxCrossEntropyGrad(acts.out, tf.tensor1d(y, 'int32'), tf.tensor2d(w, [n, 1]));
    const { grads } = denseBackward(weights, acts, dLogits, ranges, false);
    const losses = rowLoss.dataSync();
    jobs.forEach((job, i) => {
      const r = ranges[i]!;
      job.result = {
        grad: readFlat(this.model.layout, grads[i]!),
        loss: weightedLoss(w, losses, r.start, r.end),
        samples: job.samples,
      };
    });
  }

  private computeAutograd(snapshot: ParamSnapshot, job: Job): void {
    const tf = tfjs();
    const { x, y, w } = this.assemble([job]);
    const n = y.length;
    tf.tidy(() => {
      const weights = uploadWeights(this.model.layout, snapshot.params);
      const xt = tf.tensor2d(x, [n, this.model.inputSize]);
      const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), this.model.numClasses).toFloat();
      const wt = tf.tensor1d(w);
      // Weighted sum of per-row losses with weights 1/(batches·n): the mean of the batch means.
      const f = (...ws: TF.Tensor[]): TF.Scalar =>
        tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(this.model.logits(ws, xt))), 1)), wt)) as TF.Scalar;
      const { value, grads } = tf.valueAndGrads(f)(weights);
      job.result = { grad: readFlat(this.model.layout, grads), loss: value.dataSync()[0]!, samples: job.samples };
    });
  }
}

// Σ w_k·loss_k over rows [start, end) in row order, in float64: the same sum however rows were computed.
function weightedLoss(w: Float32Array, losses: ArrayLike<number>, start: number, end: number): number {
  let loss = 0;
  for (let k = start; k < end; k++) loss += w[k]! * losses[k]!;
  return loss;
}
