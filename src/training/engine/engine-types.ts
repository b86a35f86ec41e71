/**
 * The public types of the gradient engine (gradient-engine.ts re-exports them): results, handles,
 * options and counters.
 */
import type { ParamSnapshot } from './snapshot.ts';
import type { ThreadSetting } from './thread-setting.ts';

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
  /**
   * The gradient. The first read computes it: a request posted to the helper thread alone, a queued
   * one together with every queued request of the engine.
   */
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
  /**
   * Helper threads for large dense passes (at least `SPLIT_MIN_ROWS` rows): a count (0 disables,
   * counts above 1 act as 1 because a pass has two parts), or `auto` (default): one helper per spare
   * core, up to one, on the wasm backend only. Helpers are shared by all engines of the process and
   * start on the first request; smaller dense requests are posted to them as they are made, and
   * evaluations of dense models are cut between threads. Results do not depend on this setting.
   */
  readonly threads?: ThreadSetting;
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
  /** Helper threads large passes use: 0 when disabled, not on wasm (for `auto`), closed or failed. */
  readonly threads: number;
  /** Why `threads` is 0 (e.g. the reason a helper failed to start), or null. */
  readonly threadNote: string | null;
  /** Dense passes cut into row parts. */
  readonly splitPasses: number;
  /** Row parts computed by a helper thread (the rest ran on this thread). */
  readonly helperParts: number;
  /** Requests posted to the helper thread as they were made (the rest were queued here). */
  readonly posted: number;
  /** Posted requests the helper computed (the others were taken back and computed here). */
  readonly helperRequests: number;
}
