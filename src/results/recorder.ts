/**
 * What a schedule records while it runs, and what a finished run hands to the writers. Schedules only
 * see the `Recorder` interface (design.md §1: schedules write through it, never through `fs`).
 */

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
  /** Training loss of the batch (NaN in timing-only mode, or when the schedule cannot attribute it). */
  readonly loss: number;
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
  readonly loss: number;
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

/** The sink a schedule writes to. Implementations keep rows compactly; `wants*` let callers skip work. */
export interface Recorder {
  /** Whether per-update rows are kept (staleness statistics are kept regardless). */
  readonly wantsUpdates: boolean;
  /** Whether spans are kept for the trace (false: callers should not even build them). */
  readonly wantsSpans: boolean;
  update(r: UpdateRecord): void;
  eval(r: EvalRecord): void;
  span(s: SpanRecord): void;
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
  /** computeS / run's simulated time. */
  readonly utilization: number;
  /** NaN when the worker applied no update. */
  readonly meanStaleness: number;
  readonly maxStaleness: number;
}

/** Everything one finished run produced: the writers turn this into the result files. */
export interface RunResult {
  /** Position in the scenario's run list (0 without a sweep). */
  readonly runId: number;
  /** Human label of the run: the sweep point's short label (`async-ps(lrScaling=staleness)`, at most 40 characters), or the scenario name. */
  readonly label: string;
  readonly scenario: string;
  readonly schedule: string;
  readonly mode: 'full' | 'timing-only';
  readonly workers: number;
  readonly seed: number;
  /** Which timing timed the compute: `model:<name>`, `profile:<name>` or `custom`, with its description. */
  readonly timing: string;
  readonly simTimeS: number;
  readonly updates: number;
  readonly samples: number;
  /** NaN in timing-only mode or without an evaluation. */
  readonly finalLoss: number;
  readonly finalAccuracy: number;
  readonly bestAccuracy: number;
  /** Simulated time when the target accuracy was first reached; NaN if never or none set. */
  readonly timeToTargetS: number;
  /** Bytes sent over the network by all ranks. */
  readonly bytesSent: number;
  readonly meanStaleness: number;
  readonly maxStaleness: number;
  readonly meanUtilization: number;
  /** Why the run stopped, e.g. `updates reached 200`. */
  readonly stopReason: string;
  readonly evals: readonly EvalRecord[];
  /** Updates in record order (empty when not kept). */
  readonly updateRows: readonly UpdateRecord[];
  readonly workerRows: readonly WorkerRow[];
  /** Trace spans (empty when not kept); `traceDropped` counts spans beyond the limit. */
  readonly spans: readonly SpanRecord[];
  readonly traceDropped: number;
  /** Wall-clock seconds the run took on this machine (manifest only; never in the CSVs). */
  readonly wallS: number;
  /** The final global parameters (full mode; for tests and library users, never written to CSV). */
  readonly finalParams?: Float32Array;
}
