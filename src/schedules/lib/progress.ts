/**
 * Run progress shared by the schedule and the runner: the global model, counters of updates and
 * samples, evaluation on a cadence of updates, and the stop conditions. The first condition reached
 * stops the run: `done` fires and the runner stops the simulator there, mid-flight for asynchronous
 * workers, which is where a real job would be stopped too.
 *
 * Divergence is a stop condition too (`diverge`): training on NaN weights only burns time and then
 * reports the accuracy of arg-max over NaNs. Collapse (every test sample predicted as one class) is
 * only recorded, not a stop: a model can leave it again, and a fresh model may start in it.
 */
import type { Event } from '../../core/events.ts';
import type { Simulator } from '../../core/simulator.ts';
import { seconds } from '../../core/units.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { CollapseInfo, Recorder } from '../../results/recorder.ts';
import type { Trainer } from './trainer.ts';

/** When to stop; every field optional, the first one reached wins. */
export interface StopRule {
  readonly updates?: number;
  /** Training samples over all workers (epochs × training-set size). */
  readonly samples?: number;
  readonly simTimeS?: number;
  readonly targetAccuracy?: number;
}

/** Progress and stop control of one run. */
export class Progress {
  /** Global updates applied (see each schedule for what one update is). */
  updates = 0;
  /** Training samples in the updates committed so far, over all workers. */
  samples = 0;
  private model: ParamSnapshot;
  /** Why the run stopped; '' while running. */
  stopReason = '';
  /** Fires once when a stop condition is reached. */
  readonly done: Event<void>;
  /** Best finite test accuracy so far (undefined before any evaluation). */
  bestAccuracy: number | undefined = undefined;
  /** Simulated time the target accuracy was first reached (undefined if not yet). */
  timeToTargetS: number | undefined = undefined;
  /**
   * Accuracies to report the first crossing of (`eval.thresholds`), ascending, with the simulated
   * time each was first reached (undefined until then). Reaching one never stops the run.
   */
  readonly thresholds: { readonly accuracy: number; timeS: number | undefined }[] = [];
  /** `diverged at update K (t = … s): what`, once a non-finite loss or parameter was seen. */
  divergence: string | undefined = undefined;
  /** While the latest evaluation predicted one class for every test sample: where that streak began. */
  collapse: CollapseInfo | undefined = undefined;
  private lastEvalUpdates = -1;
  private lastEvalTimeS = -1;
  private fractionEvals = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly trainer: Trainer,
    private readonly recorder: Recorder,
    private readonly stop: StopRule,
    private readonly everyUpdates: number | undefined,
    private readonly onProgress?: (fraction: number) => void,
    /** Without another cadence: evaluate each time progress crosses a multiple of this fraction. */
    private readonly everyFraction?: number,
  ) {
    this.model = trainer.initial();
    this.done = sim.event<void>();
  }

  /** Reports the first time each accuracy in `accuracies` is reached (see `thresholds`). */
  watchThresholds(accuracies: readonly number[]): void {
    for (const a of accuracies) this.thresholds.push({ accuracy: a, timeS: undefined });
  }

  /** False once a stop condition was reached. */
  get running(): boolean {
    return this.stopReason === '';
  }

  /** The latest global model (what evaluation reads). `commit` is the only way to change it. */
  get current(): ParamSnapshot {
    return this.model;
  }

  /**
   * Publishes a new global model made of `updates` more updates on `samples` more training samples;
   * evaluates on the cadence and checks the stop rules. The only write path to the model and the
   * counters: work that never lands (a round cut short by the end of the run) is never counted.
   */
  commit(snapshot: ParamSnapshot, updates: number, samples: number): void {
    this.model = snapshot;
    const before = this.updates;
    this.updates += updates;
    this.samples += samples;
    const k = this.everyUpdates;
    if (k !== undefined && Math.floor(this.updates / k) > Math.floor(before / k)) this.evaluate();
    const ef = this.everyFraction;
    const f = ef !== undefined || this.onProgress !== undefined ? this.fraction() : 0;
    if (ef !== undefined) {
      if (Math.floor(f / ef) > this.fractionEvals) {
        this.fractionEvals = Math.floor(f / ef);
        this.evaluate();
      }
    }
    const s = this.stop;
    if (s.updates !== undefined && this.updates >= s.updates) this.finish(`updates reached ${s.updates}`);
    else if (s.samples !== undefined && this.samples >= s.samples)
      this.finish(`samples reached ${this.samples} (target ${s.samples})`);
    if (this.onProgress !== undefined) this.onProgress(f);
  }

  /**
   * Evaluates the current global model now (full mode) and records it; checks the accuracy target,
   * divergence (non-finite parameters or test loss: stops the run) and collapse (one class predicted
   * for every test sample: recorded in `collapse`, not a stop).
   */
  evaluate(): void {
    const now = this.sim.now as number;
    if (this.lastEvalUpdates === this.updates && this.lastEvalTimeS === now) return;
    const r = this.trainer.evaluate(this.current);
    if (r === null) return;
    this.lastEvalUpdates = this.updates;
    this.lastEvalTimeS = now;
    const size = this.trainer.trainSize();
    this.recorder.eval({
      timeS: now,
      updates: this.updates,
      samples: this.samples,
      epoch: this.samples / size,
      loss: r.loss,
      accuracy: r.accuracy,
    });
    // Between evaluations only batch losses are checked (see DivergenceWatch); here the parameters
    // themselves are scanned. O(P) against the evaluation's O(test samples × P), so it is free, and
    // it makes the check exact at every evaluation, the final one included: a run never ends on
    // non-finite weights without being flagged.
    if (!allFinite(this.current.params)) this.diverge(this.updates, now, 'non-finite parameters');
    else if (!Number.isFinite(r.loss)) this.diverge(this.updates, now, `non-finite test loss (${String(r.loss)})`);
    if (r.predictedClasses === 1 && Number.isFinite(r.accuracy)) {
      this.collapse ??= { sinceUpdates: this.updates, sinceTimeS: now };
    } else {
      this.collapse = undefined;
    }
    if (Number.isFinite(r.accuracy) && (this.bestAccuracy === undefined || r.accuracy > this.bestAccuracy))
      this.bestAccuracy = r.accuracy;
    for (const t of this.thresholds) if (t.timeS === undefined && r.accuracy >= t.accuracy) t.timeS = now;
    const target = this.stop.targetAccuracy;
    if (target !== undefined && r.accuracy >= target && this.timeToTargetS === undefined) {
      this.timeToTargetS = now;
      this.finish(`target accuracy ${target} reached`);
    }
  }

  /**
   * Records that the run diverged at update `update` (simulated time `timeS`) because of `what`, and
   * stops it there: now, or at `timeS` when that lies ahead, so the run's simulated time covers the
   * step that diverged. The first call wins.
   * If another stop condition already ended the run (a divergence found by the final evaluation),
   * `stopReason` keeps that condition and gets the divergence appended.
   */
  diverge(update: number, timeS: number, what: string): void {
    if (this.divergence !== undefined) return;
    // Four significant digits: enough to place it on the timeline; the exact time is in evals.csv
    // and updates.csv.
    const reason = `diverged at update ${update} (t = ${String(Number(timeS.toPrecision(4)))} s): ${what}`;
    this.divergence = reason;
    if (this.stopReason !== '') {
      this.stopReason = `${this.stopReason}; ${reason}`;
      return;
    }
    const ahead = timeS - (this.sim.now as number);
    if (ahead > 0) this.sim.schedule(seconds(ahead), () => this.finish(reason));
    else this.finish(reason);
  }

  /** Stops the run (first reason wins; a divergence seen before it is appended, see `diverge`). */
  finish(reason: string): void {
    if (this.stopReason !== '') return;
    const d = this.divergence;
    this.stopReason = d === undefined || d === reason ? reason : `${reason}; ${d}`;
    this.done.succeed();
  }

  /** Fraction of the way to the nearest stop condition, in [0, 1]. */
  fraction(): number {
    const s = this.stop;
    let f = 0;
    if (s.updates !== undefined) f = Math.max(f, this.updates / s.updates);
    if (s.samples !== undefined) f = Math.max(f, this.samples / s.samples);
    if (s.simTimeS !== undefined) f = Math.max(f, (this.sim.now as number) / s.simTimeS);
    return Math.min(1, f);
  }
}

/** True when every value is finite (no NaN, no ±Infinity). */
function allFinite(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) {
    // x − x is 0 for finite x and NaN for NaN and ±Infinity: one subtraction per value.
    if (v[i]! - v[i]! !== 0) return false;
  }
  return true;
}
