/**
 * Stops a run whose training diverges, from the one number every applied gradient already carries:
 * its batch loss. Every schedule records every applied gradient through the `Recorder` (design.md §3),
 * so watching `update()` covers each schedule, present and future, without code in any of them.
 *
 * Why the loss and not the parameters on every update: the loss is already computed, so the check is
 * O(1) per update, where scanning the parameters would be O(P) per update. It is also enough. A NaN or
 * infinite weight makes the logits of the next forward pass that reads it non-finite (∞ · 0 and
 * ∞ − ∞ are NaN, and MNIST's border pixels are 0 in every image), so it shows up as a non-finite batch
 * loss within one step of the worker that reads it next. What the loss check cannot see (weights that
 * went bad in the last updates before the run stopped) is caught by `Progress.evaluate`, which scans the
 * parameters at every evaluation, the final one included.
 */
import type { EvalRecord, MetricRecord, Recorder, SpanRecord, UpdateRecord } from '../../results/recorder.ts';
import type { Progress } from './progress.ts';

/** A `Recorder` that passes everything on to `inner` and stops `progress` at a non-finite batch loss. */
export class DivergenceWatch implements Recorder {
  readonly wantsUpdates: boolean;
  readonly wantsSpans: boolean;

  constructor(
    private readonly inner: Recorder,
    private readonly progress: Progress,
  ) {
    this.wantsUpdates = inner.wantsUpdates;
    this.wantsSpans = inner.wantsSpans;
  }

  /**
   * Records the update, then checks its loss. The update number reported is `versionApplied + 1`, the
   * version the gradient creates: the global update count for every schedule with an unsplit model
   * (sync-allreduce, local-sgd's local steps, async-ps with one shard), the shard's own count for a
   * sharded parameter server.
   */
  update(r: UpdateRecord): void {
    this.inner.update(r);
    const loss = r.loss;
    // A missing loss (undefined) is not a divergence: timing-only runs have none.
    if (loss !== undefined && !Number.isFinite(loss)) {
      // No worker in the message: sync-allreduce's N rows of a step all carry the merged batch's loss.
      this.progress.diverge(r.versionApplied + 1, r.timeS, `non-finite training loss (${String(loss)})`);
    }
  }

  eval(r: EvalRecord): void {
    this.inner.eval(r);
  }

  span(s: SpanRecord): void {
    this.inner.span(s);
  }

  metric(m: MetricRecord): void {
    this.inner.metric(m);
  }
}
