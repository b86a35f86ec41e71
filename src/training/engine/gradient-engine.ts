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
 * - other models (CNN) use tfjs autograd, one pass per request.
 * Results equal eager, one-at-a-time computation (the merged rows go through the same row-wise
 * kernels); the tests check agreement to 1e-6.
 */
import type * as TF from '@tensorflow/tfjs';
import { tfjs } from '../tensor-backend.ts';
import type { Model } from '../models/model.ts';
import type { ParamLayout } from '../models/layout.ts';
import { checkBatch, type GradBatch } from './batch.ts';
import { denseBackward, denseForward, softmaxCrossEntropyGrad, type RowRange } from './dense-backprop.ts';
import type { ParamSnapshot } from './snapshot.ts';

/** A computed gradient. */
export interface GradResult {
  /** Gradient of the mean loss, flat, in the model's layout. Owned by the caller. */
  readonly grad: Float32Array;
  /** Mean softmax cross-entropy over the batch (for `requestMean`, the mean of the batch means). */
  readonly loss: number;
  /** Samples the gradient covers. */
  readonly samples: number;
}

/** A gradient that will be computed when first read. */
export interface GradHandle {
  /** The snapshot the gradient is taken at. */
  readonly snapshot: ParamSnapshot;
  /** True once the value has been computed. */
  readonly ready: boolean;
  /** The gradient; the first read computes every pending request of the engine. */
  value(): GradResult;
}

/** How the engine differentiates. `auto`: hand-written backprop for dense models, autograd otherwise. */
export type BackpropMode = 'auto' | 'dense' | 'autograd';

/** Engine options. */
export interface GradientEngineOptions {
  /** Differentiation path (default `auto`). `dense` throws for models without a dense stack. */
  readonly backprop?: BackpropMode;
  /**
   * Dense models only: when several requests (not one `requestMean`) share a snapshot, run their
   * forward pass and error propagation as one merged 2-D computation and slice rows for each
   * request's weight gradient (true), or run each request on its own against the once-uploaded
   * weights (false, default). Both give the same numbers; on wasm the row slices cost more than the
   * merged matmuls save (docs/training.md), so merging is off by default.
   */
  readonly mergeRows?: boolean;
}

/** Counters for tests and benchmarks. */
export interface EngineStats {
  /** Requests made (a `requestMean` counts once). */
  readonly requests: number;
  /** Snapshot groups computed: one weight upload and, for dense models, one forward/backward each. */
  readonly groups: number;
  /** Flushes that found work. */
  readonly flushes: number;
  /** Samples differentiated. */
  readonly samples: number;
}

interface Job {
  readonly snapshot: ParamSnapshot;
  readonly batches: readonly GradBatch[];
  readonly samples: number;
  result: GradResult | null;
}

class Handle implements GradHandle {
  constructor(private readonly engine: GradientEngine, readonly job: Job) {}
  get snapshot(): ParamSnapshot {
    return this.job.snapshot;
  }
  get ready(): boolean {
    return this.job.result !== null;
  }
  value(): GradResult {
    if (this.job.result === null) this.engine.flush();
    return this.job.result!;
  }
}

/** Computes real gradients of `model` lazily and in batches. Needs `initBackend()` to have resolved. */
export class GradientEngine {
  /** The model differentiated. */
  readonly model: Model;
  private readonly dense: boolean;
  private readonly mergeRows: boolean;
  private queue: Job[] = [];
  private counters = { requests: 0, groups: 0, flushes: 0, samples: 0 };

  /** @throws Error if `backprop: 'dense'` is asked for a model without a dense stack. */
  constructor(model: Model, options: GradientEngineOptions = {}) {
    const mode = options.backprop ?? 'auto';
    if (mode === 'dense' && model.dense === null) throw new Error(`${model.name} has no dense stack; use backprop 'auto' or 'autograd'`);
    this.model = model;
    this.dense = mode !== 'autograd' && model.dense !== null;
    this.mergeRows = options.mergeRows ?? false;
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

  /** Requests not yet computed. */
  get pending(): number {
    return this.queue.length;
  }

  /** Counters since construction. */
  stats(): EngineStats {
    return { ...this.counters };
  }

  /** Computes every pending request now (reading any handle does this). */
  flush(): void {
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
    if (snapshot.params.length !== layout.size) {
      throw new RangeError(`snapshot v${snapshot.version} has ${snapshot.params.length} parameters, ${this.model.name} needs ${layout.size}`);
    }
    let samples = 0;
    for (const b of batches) {
      checkBatch(b, inputSize, numClasses);
      samples += b.n;
    }
    const job: Job = { snapshot, batches, samples, result: null };
    this.queue.push(job);
    this.counters.requests++;
    this.counters.samples += samples;
    return new Handle(this, job);
  }

  // Rows of the jobs back to back, each row weighted 1/(batches·n) so a job's weighted loss sum is
  // the mean of its batch means (= the mean over its samples when the batches are equal in size).
  private assemble(jobs: readonly Job[]): { x: Float32Array; y: Int32Array; w: Float32Array; ranges: RowRange[] } {
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
    return { x, y, w, ranges };
  }

  private computeDense(snapshot: ParamSnapshot, jobs: readonly Job[]): void {
    const tf = tfjs();
    tf.tidy(() => {
      // One upload of the snapshot serves every request in the group.
      const weights = uploadWeights(this.model.layout, snapshot.params);
      if (this.mergeRows || jobs.length === 1) this.denseRows(weights, jobs);
      else for (const job of jobs) tf.tidy(() => this.denseRows(weights, [job]));
    });
  }

  // Forward and error propagation over the jobs' rows at once; one weight gradient per job.
  private denseRows(weights: readonly TF.Tensor[], jobs: readonly Job[]): void {
    const tf = tfjs();
    const { x, y, w, ranges } = this.assemble(jobs);
    const n = y.length;
    const acts = denseForward(weights, tf.tensor2d(x, [n, this.model.inputSize]), false);
    const { rowLoss, dLogits } = softmaxCrossEntropyGrad(acts.out, tf.tensor1d(y, 'int32'), tf.tensor2d(w, [n, 1]));
    const { grads } = denseBackward(weights, acts, dLogits, ranges, false);
    const losses = rowLoss.dataSync();
    jobs.forEach((job, i) => {
      const r = ranges[i]!;
      let loss = 0;
      for (let k = r.start; k < r.end; k++) loss += w[k]! * losses[k]!;
      job.result = { grad: readFlat(this.model.layout, grads[i]!), loss, samples: job.samples };
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

/** One tensor per layout entry, viewing `params` (call inside tf.tidy). */
export function uploadWeights(layout: ParamLayout, params: Float32Array): TF.Tensor[] {
  const tf = tfjs();
  return layout.entries.map((e) => tf.tensor(params.subarray(e.offset, e.offset + e.size), [...e.shape], 'float32'));
}

/** Reads per-entry tensors back into one flat vector in `layout` order. */
export function readFlat(layout: ParamLayout, tensors: readonly TF.Tensor[]): Float32Array {
  const out = new Float32Array(layout.size);
  layout.entries.forEach((e, i) => out.set(tensors[i]!.dataSync() as Float32Array, e.offset));
  return out;
}
