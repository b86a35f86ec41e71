/**
 * The machinery schedules call to compress gradients (spec §20): per worker error-feedback residuals,
 * the per-step, per-tensor random streams, and the mean every worker applies. The wire face (what
 * one step sends) is in wire-plan.ts, re-exported here.
 *
 * Error feedback (Stich et al. 2018; Karimireddy et al. 2019), per worker id and tensor:
 *   acc = e + g;  decoded = compressor(acc);  e ← acc − decoded  (compressor with errorFeedback)
 *                                             e ← 0             (without: a residual left by an
 *                                                                 earlier EF level is flushed once)
 * Residuals are keyed by worker id, shared across compression levels (Accordion switches the
 * compressor per tensor per step with `pick`), allocated on first use, and float32 like the gradients.
 */
import type { Rng } from '../../../core/rng.ts';
import { EMPTY_VEC, type Vec } from '../trainer.ts';
import type { Compressor, TensorOutput } from './types.ts';

export { profileTensors, wirePlan, type WireCall, type WireTensor } from './wire-plan.ts';

/**
 * The matrix a tensor of `shape` is compressed as: rows = product of all dims but the last, cols =
 * the last (tfjs stores dense kernels [in, out] and conv kernels [kh, kw, in, out], so a conv is
 * (kh·kw·in) × out, the transpose of the spec's out × (in·kh·kw), which has the same rank-r wire);
 * a vector [n] is 1 × n, a scalar 1 × 1.
 */
export function matrixView(shape: readonly number[]): readonly [rows: number, cols: number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [1, shape[0]!];
  let rows = 1;
  for (let i = 0; i < shape.length - 1; i++) rows *= shape[i]!;
  return [rows, shape[shape.length - 1]!];
}

/** Where one tensor lives in the flat vector (TensorSlot's shape, offset and size). */
export interface LayoutSlot {
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

interface Slot {
  readonly rows: number;
  readonly cols: number;
  readonly offset: number;
  readonly size: number;
}

/** Per-worker compression state of one schedule run: residuals and the compressors' own state. */
export class CompressionState {
  private readonly slots: readonly Slot[];
  private readonly total: number;
  private readonly residuals = new Map<number, Float32Array>();
  private readonly seen = new Set<Compressor>();
  // One scratch vector per input position, reused every call (inputs never outlive a compress call).
  private readonly scratch: Float32Array[] = [];

  /**
   * @param pick the compressor of tensor i at this step (Accordion may change it between steps). Return
   *   long-lived instances (one per level): PowerSGD's Q lives in its instance, and `reset` reaches
   *   every instance `pick` has returned.
   * @param layout the model's tensors; they must tile the flat vector [0, P) without gaps or overlap.
   * @param rng this state's stream; step s, tensor i draw from `rng.fork('step-s').fork(i)`.
   * @throws RangeError when the layout does not tile the vector or a size disagrees with its shape.
   */
  constructor(
    private readonly pick: (tensorIndex: number) => Compressor,
    layout: readonly LayoutSlot[],
    private readonly rng: Rng,
  ) {
    const slots = layout.map((t, i) => {
      const [rows, cols] = matrixView(t.shape);
      if (rows * cols !== t.size) {
        throw new RangeError(`tensor ${i}: shape [${t.shape.join(', ')}] has ${rows * cols} values, size ${t.size}`);
      }
      return { rows, cols, offset: t.offset, size: t.size };
    });
    const sorted = [...slots].sort((a, b) => a.offset - b.offset);
    let end = 0;
    for (const s of sorted) {
      if (s.offset !== end) throw new RangeError(`the layout leaves a gap or overlap at offset ${end}`);
      end += s.size;
    }
    this.slots = slots;
    this.total = end;
  }

  /**
   * The mean every worker applies this step: each tensor compressed by `pick(i)` from every worker's
   * error-corrected gradient. `grads` in rank order; `ids[r]` keys the residual of `grads[r]`.
   * Timing-only mode (length-0 vectors): returns the empty vector and touches nothing.
   * @throws RangeError on a length or id mismatch.
   */
  mean(grads: readonly Vec[], ids: readonly number[], step: number): Vec {
    return this.run(grads, ids, this.rng.fork(`step-${step}`));
  }

  /**
   * What one worker's message decodes to (asynchronous pushes): the same path with one input, its
   * random stream forked by step and worker id.
   */
  one(grad: Vec, id: number, step: number): Vec {
    return this.run([grad], [id], this.rng.fork(`step-${step}`).fork(`worker-${id}`));
  }

  /** ‖e‖₂ of worker `id`'s residual (0 before its first error-feedback step). */
  residualNorm(id: number): number {
    const e = this.residuals.get(id);
    if (e === undefined) return 0;
    let s = 0;
    for (let i = 0; i < e.length; i++) s += e[i]! * e[i]!;
    return Math.sqrt(s);
  }

  /** Forgets every residual and the compressors' own state (PowerSGD's Q). */
  reset(): void {
    this.residuals.clear();
    for (const c of this.seen) c.reset?.();
  }

  private run(grads: readonly Vec[], ids: readonly number[], stepRng: Rng): Vec {
    if (grads.length === 0) throw new RangeError('compression needs at least one gradient');
    if (ids.length !== grads.length) throw new RangeError(`${grads.length} gradients but ${ids.length} worker ids`);
    if (new Set(ids).size !== ids.length) throw new RangeError(`worker ids repeat: ${ids.join(', ')}`);
    const p = grads[0]!.length;
    for (const g of grads) {
      if (g.length !== p) throw new RangeError(`gradients of different lengths: ${p} and ${g.length}`);
    }
    if (p === 0) return EMPTY_VEC;
    if (p !== this.total) throw new RangeError(`gradient of ${p} values, layout of ${this.total}`);
    const out = new Float32Array(p);
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i]!;
      if (s.size === 0) continue;
      const c = this.pick(i);
      this.seen.add(c);
      const inputs = grads.map((g, r) => this.accumulated(g, ids[r]!, r, s, c.errorFeedback));
      const result = c.compress({ index: i, rows: s.rows, cols: s.cols, inputs, rng: stepRng.fork(i) });
      check(c, result, inputs.length, s.size);
      for (let r = 0; r < ids.length; r++) this.feedBack(ids[r]!, s, inputs[r]!, result.decoded[r]!, c.errorFeedback);
      out.set(result.mean, s.offset);
    }
    return out;
  }

  // acc = e + g on one tensor: a view of g itself when there is no residual to add.
  private accumulated(g: Vec, id: number, r: number, s: Slot, ef: boolean): Float32Array {
    let e = this.residuals.get(id);
    if (e === undefined && ef) {
      e = new Float32Array(this.total);
      this.residuals.set(id, e);
    }
    const gs = g.subarray(s.offset, s.offset + s.size);
    if (e === undefined) return gs;
    let buf = this.scratch[r];
    if (buf === undefined || buf.length !== this.total) this.scratch[r] = buf = new Float32Array(this.total);
    const acc = buf.subarray(s.offset, s.offset + s.size);
    for (let j = 0; j < s.size; j++) acc[j] = e[s.offset + j]! + gs[j]!;
    return acc;
  }

  // e ← acc − decoded (error feedback), or e ← 0 (none: any earlier residual was flushed into acc).
  private feedBack(id: number, s: Slot, acc: Float32Array, decoded: Float32Array, ef: boolean): void {
    const e = this.residuals.get(id);
    if (e === undefined) return;
    const es = e.subarray(s.offset, s.offset + s.size);
    if (!ef) es.fill(0);
    else for (let j = 0; j < s.size; j++) es[j] = acc[j]! - decoded[j]!;
  }
}

function check(c: Compressor, out: TensorOutput, workers: number, size: number): void {
  if (out.mean.length !== size || out.decoded.length !== workers || out.decoded.some((d) => d.length !== size)) {
    throw new Error(`compressor ${c.label} returned the wrong shape for a tensor of ${size} values`);
  }
}
