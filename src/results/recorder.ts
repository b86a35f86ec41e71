/**
 * What a schedule records while it runs, and what a finished run hands to the writers. Schedules only
 * see the `Recorder` interface (design.md §1: schedules write through it, never through `fs`).
 *
 * Missing versus not-a-number: a value that does not exist for a row (accuracy of a timing-only run,
 * staleness of a worker that applied no update) is `undefined` and becomes an empty CSV cell; NaN and
 * ±Infinity are values that were computed and are not finite (the losses of a diverged run) and are
 * written as `NaN`/`Infinity`. The two never share a representation.
 */
import type { RunLinks } from './link-rows.ts';

/** One applied update (spec/algorithms.md §0.2 GradRecord): staleness τ = versionApplied − versionRead. */
export interface UpdateRecord {
  /** Simulated time the update was applied, seconds. */
  readonly timeS: number;
  /** Worker (global rank) whose gradient this is. */
  readonly worker: number;
  /** Pipeline stage, or parameter-server shard; 0 when the model is not split. */
  readonly stage: number;
  /** Version of the weights the gradient was computed on (forward pass). */
  readonly versionRead: number;
  /** Version of the model just before this gradient was applied (τ = versionApplied − versionRead). */
  readonly versionApplied: number;
  /**
   * Version of the weights the backward pass used (W_b), where a pipeline schedule lets it differ from
   * the forward pass's `versionRead` (PipeDream without weight stashing, spec §0.3). Absent when the
   * gradient came from one version; a value equal to `versionRead` means the same and is not kept.
   */
  readonly versionBackward?: number | undefined;
  /**
   * Training loss of the batch; undefined in timing-only mode or when the schedule cannot attribute it.
   * NaN or ±Infinity when it was computed and is not finite: the run is diverging.
   */
  readonly loss: number | undefined;
}

/** One evaluation of the global model on the test set. */
export interface EvalRecord {
  readonly timeS: number;
  /** Updates applied to the global model so far. */
  readonly updates: number;
  /** Training samples consumed so far, over all workers. */
  readonly samples: number;
  /** samples / training-set size. */
  readonly epoch: number;
  /** Mean test loss; NaN or ±Infinity when the model's outputs are not finite. */
  readonly loss: number;
  /** Test accuracy; NaN when some test sample got non-finite logits (no prediction exists for it). */
  readonly accuracy: number;
}

/** A busy interval of one worker, for the Chrome trace. */
export interface SpanRecord {
  readonly worker: number;
  /** `compute`, `comm` or `wait`; becomes the trace category. */
  readonly kind: 'compute' | 'comm' | 'wait';
  /** Short label, e.g. `fwd+bwd`, `all-reduce ring 97.7 MB`. */
  readonly name: string;
  readonly startS: number;
  readonly durationS: number;
}

/**
 * One named measurement a schedule reports beyond the fixed columns (Hogwild!'s `conflicts` and
 * `lost_updates`): metrics.csv, one row each.
 */
export interface MetricRecord {
  /** Simulated time it was measured, seconds. */
  readonly timeS: number;
  /** The worker it belongs to; undefined for a run-wide measurement (an empty cell). */
  readonly worker: number | undefined;
  /** snake_case name, with its unit as a suffix when it has one (`wait_s`); counts have none. */
  readonly name: string;
  readonly value: number;
}

/** The sink a schedule writes to. Implementations keep rows compactly; `wants*` let callers skip work. */
export interface Recorder {
  /** Whether per-update rows are kept (staleness statistics are kept regardless). */
  readonly wantsUpdates: boolean;
  /** Whether spans are kept for the trace (false: callers should not even build them). */
  readonly wantsSpans: boolean;
  /**
   * Records one applied update. It must not keep `r` once it returns (copy what it needs): callers
   * may pass one record object for many rows (a 16,384-GPU synchronous step writes 16,384).
   */
  update(r: UpdateRecord): void;
  eval(r: EvalRecord): void;
  span(s: SpanRecord): void;
  /** A named measurement (metrics.csv). Schedules call it through `Crew.metric`, which stamps the time. */
  metric(m: MetricRecord): void;
}

/**
 * A read-only list of rows: a plain array satisfies it, and so does a view that makes each row only
 * when it is read (the recorder's update rows, which can number millions).
 */
export interface RowList<T> {
  readonly length: number;
  /** Row `index` (negative counts from the end), or undefined out of range. */
  at(index: number): T | undefined;
  [Symbol.iterator](): Iterator<T>;
}

/** An accuracy whose first crossing a run reports. */
export interface AccuracyThreshold {
  /** Test accuracy in (0, 1]. */
  readonly accuracy: number;
  /** Simulated time of the first evaluation at or above it; undefined when never reached. */
  readonly timeS: number | undefined;
}

/** Per-worker totals for workers.csv. */
export interface WorkerRow {
  readonly worker: number;
  readonly node: number;
  readonly gpu: string;
  readonly computeS: number;
  readonly commS: number;
  readonly idleS: number;
  readonly updates: number;
  /** computeS / run's simulated time; undefined when no simulated time passed. */
  readonly utilization: number | undefined;
  /** In versions; undefined when the worker applied no update. */
  readonly meanStaleness: number | undefined;
  readonly maxStaleness: number | undefined;
  /** Largest GPU memory the ledger held on this worker's GPU during the run, bytes. */
  readonly peakMemoryBytes: number;
  /** Pipeline stage of the GPU; undefined outside pipelines. */
  readonly stage?: number | undefined;
  /** Pipelines: most weight versions of the stage held at once (1 + stashed). */
  readonly peakWeightVersions?: number | undefined;
  /** Pipelines: most micro-batch activation sets held at once. */
  readonly peakActivations?: number | undefined;
}

/** How a run's model collapsed to one class (see `RunResult.collapse`). */
export interface CollapseInfo {
  /** Updates applied at the first evaluation of the final streak that predicted one class. */
  readonly sinceUpdates: number;
  /** Simulated time of that evaluation, seconds. */
  readonly sinceTimeS: number;
}

/** Everything one finished run produced: the writers turn this into the result files. */
export interface RunResult {
  /** Position in the scenario's run list (0 without a sweep). */
  readonly runId: number;
  /** Stable id of the run's resolved scenario (run-key.ts); summary.csv's last column. */
  readonly runKey?: string;
  /** Human label of the run: the sweep point's short label (`async-ps(lrScaling=staleness)`, at most 40 characters), or the scenario name. */
  readonly label: string;
  readonly scenario: string;
  readonly schedule: string;
  readonly mode: 'full' | 'timing-only';
  readonly workers: number;
  readonly seed: number;
  /**
   * The configuration (sweep point) the run repeats, counted from 0; runs sharing it differ only in
   * their seed (`repeats`). Absent without repeats (`repeats: 1`).
   */
  readonly configId?: number;
  /** The configuration's label (the point label without `seed=N`, or the scenario name); as `configId`. */
  readonly configLabel?: string;
  /** Seeds run for the configuration (`repeats`); absent means 1. */
  readonly repeats?: number;
  /** Which timing timed the compute: `model:<name>`, `profile:<name>` or `custom`, with its description. */
  readonly timing: string;
  readonly simTimeS: number;
  readonly updates: number;
  readonly samples: number;
  /**
   * At the last evaluation; undefined in timing-only mode or without an evaluation, NaN when the
   * evaluated model's outputs were not finite (a diverged run).
   */
  readonly finalLoss: number | undefined;
  readonly finalAccuracy: number | undefined;
  /** Highest finite test accuracy over the evaluations; undefined when there was none. */
  readonly bestAccuracy: number | undefined;
  /** Simulated time when the target accuracy was first reached; undefined if never or none set. */
  readonly timeToTargetS: number | undefined;
  /**
   * The accuracies of `eval.thresholds`, ascending, each with the simulated time it was first reached
   * (undefined when never). summary.csv gives each a column `time_to_<accuracy>_s`.
   */
  readonly thresholds: readonly AccuracyThreshold[];
  /** Bytes sent over the network by all ranks. */
  readonly bytesSent: number;
  /** The largest peak GPU memory of any worker, bytes (workers.csv has each). */
  readonly peakMemoryBytes: number;
  /** Tokens per simulated second; undefined unless the timing profile has a sequence length. */
  readonly tokensPerS?: number | undefined;
  /** Model FLOPs of the run (3 × forward per sample); undefined unless the profile has a sequence length. */
  readonly modelFlops?: number | undefined;
  /** Model FLOPs utilisation against the GPUs' peak at the run's precision; as `modelFlops`. */
  readonly mfu?: number | undefined;
  /** In versions; undefined when no update was applied. */
  readonly meanStaleness: number | undefined;
  readonly maxStaleness: number | undefined;
  /** Undefined when no simulated time passed. */
  readonly meanUtilization: number | undefined;
  /** Why the run stopped, e.g. `updates reached 200` or `diverged at update 12 (t = 0.5 s)`. */
  readonly stopReason: string;
  /**
   * Set when a loss or the parameters became NaN or infinite: `diverged at update K (t = … s): cause`.
   * It is then also the `stopReason`, unless another stop condition had already ended the run (found
   * by the final evaluation); `stopReason` then names that condition followed by `; ` and this text.
   */
  readonly divergence: string | undefined;
  /** Set when the final evaluation predicted the same class for every test sample. */
  readonly collapse: CollapseInfo | undefined;
  readonly evals: readonly EvalRecord[];
  /** Updates in record order (empty when not kept; at most `output.updatesLimit` rows). */
  readonly updateRows: RowList<UpdateRecord>;
  /** Whether this run kept update rows (`output.updates`, with `auto` decided by the worker count). */
  readonly updatesKept: boolean;
  /** Update rows beyond `output.updatesLimit`, counted but not kept (0 when rows are not kept). */
  readonly updatesDropped: number;
  /**
   * Notes on what the result files leave out and why (rows turned off by the defaults at scale,
   * truncated tables); printed under the summary table and kept in the manifest.
   */
  readonly notes: readonly string[];
  readonly workerRows: readonly WorkerRow[];
  /** Trace spans (empty when not kept); `traceDropped` counts spans beyond the limit. */
  readonly spans: readonly SpanRecord[];
  readonly traceDropped: number;
  /** Named measurements in record order (metrics.csv); empty when the schedule reports none. */
  readonly metrics: readonly MetricRecord[];
  /**
   * Bytes per link per time bin (links.csv); only for flow-model runs that record them
   * (`output.links`), absent otherwise so that other runs' stored results are unchanged.
   */
  readonly links?: RunLinks;
  /** Wall-clock seconds the run took on this machine (manifest only; never in the CSVs). */
  readonly wallS: number;
  /** The final global parameters (full mode; for tests and library users, never written to CSV). */
  readonly finalParams?: Float32Array;
}
