/**
 * The contract every gradient compressor implements (spec/algorithms.md §20–21). A compressor has two
 * faces, because dtsim times one model and trains another:
 *
 * - **wire**: the bytes one worker sends per step, from the TIMED profile's tensor shapes
 *   (`wireBytes(rows, cols, valueBytes)`), and whether the payloads can be summed on the way
 *   (`all-reduce`) or must be gathered (`all-gather`), as in practice;
 * - **values**: what the TRAINED proxy's gradient becomes, tensor by tensor (`compress`).
 *
 * Error feedback (Stich et al. 2018; Karimireddy et al. 2019) is not the compressor's business: the
 * driver (driver.ts) keeps each worker's residual e, hands the compressor acc = e + g, and sets
 * e ← acc − decoded, where `decoded` is what the compressor says that worker's message decodes to. For
 * top-k that is the worker's own sparse vector; for PowerSGD it is the aggregated approximation
 * (the residual against the AGGREGATE, as PowerSGD's paper and PyTorch's hook compute it).
 */
import type { Rng } from '../../../core/rng.ts';

/**
 * One tensor of a step, every worker's input for it. Matrix view: `rows × cols`, row-major; a vector
 * has rows = 1 (driver.ts `matrixView`), and compressors treat rows = 1 or cols = 1 alike.
 */
export interface TensorInput {
  /** Position of the tensor in the model's layout: a stable key for per-tensor state (PowerSGD's warm start). */
  readonly index: number;
  readonly rows: number;
  readonly cols: number;
  /** Per worker (rank order), rows·cols values: the error-corrected gradient acc = e + g. Never written. */
  readonly inputs: readonly Float32Array[];
  /** The step's random stream for this tensor (random-k, stochastic rounding); deterministic per seed. */
  readonly rng: Rng;
}

/** What a compressor makes of one tensor. */
export interface TensorOutput {
  /** The mean over workers of the decoded messages: what every worker applies. rows·cols values. */
  readonly mean: Float32Array;
  /** Per worker, what its message decodes to (the error-feedback residual is input − decoded). */
  readonly decoded: readonly Float32Array[];
}

/** A configured compressor (one per schedule run; state such as PowerSGD's Q lives inside). */
export interface Compressor {
  /** Registry name, e.g. `top-k`. */
  readonly name: string;
  /** One line naming the configuration, e.g. `top-k 1%`, for traces and results. */
  readonly label: string;
  /** How the payloads travel: summable (`all-reduce`) or not (`all-gather` of every worker's payload). */
  readonly collective: 'all-reduce' | 'all-gather';
  /** Collective calls per step (PowerSGD: 2, for P then Q); the wire bytes are split evenly over them. */
  readonly rounds: number;
  /** Whether the driver keeps error-feedback residuals for this compressor. */
  readonly errorFeedback: boolean;
  /** Parameter-sized vectors per worker this compressor keeps besides the residual (for memory). */
  readonly extraStateSlots: number;
  /**
   * Bytes ONE worker sends for one tensor of `rows × cols` values at `valueBytes` each, indices and
   * scales included: for all-reduce the message size, for all-gather this worker's contribution.
   */
  wireBytes(rows: number, cols: number, valueBytes: number): number;
  /**
   * Compresses every worker's input for one tensor (see TensorInput / TensorOutput). The inputs may be
   * views of the driver's scratch buffers: a compressor must not keep them past the call.
   */
  compress(t: TensorInput): TensorOutput;
  /** Forgets per-tensor state (PowerSGD's warm-start Q), as if new. Absent: the compressor keeps none. */
  reset?(): void;
}

/** A numeric or boolean option of a compressor, as scenario files give it. */
export interface CompressorOptionSpec {
  readonly type: 'number' | 'integer' | 'boolean';
  readonly description: string;
  readonly default: number | boolean;
  /** Inclusive bounds for numbers. */
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound for numbers. */
  readonly greaterThan?: number;
}

/** A registered compressor. */
export interface CompressorEntry {
  /** Registry name, kebab-case (`top-k`). */
  readonly name: string;
  /** One line for `dtsim list`. */
  readonly summary: string;
  /** Paper or code it follows. */
  readonly reference: string;
  /**
   * The option that sets how hard it compresses (`rank`, `ratio`, `levels`), which Accordion switches
   * between two values; absent: it has no levels.
   */
  readonly level?: string;
  /** Its options (e.g. `ratio`, `rank`, `levels`, `errorFeedback`). */
  readonly options: Readonly<Record<string, CompressorOptionSpec>>;
  /** A compressor from validated options (every option present, defaults filled). */
  create(options: Readonly<Record<string, number | boolean>>): Compressor;
}
