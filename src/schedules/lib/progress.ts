/**
 * Run progress shared by the schedule and the runner: the global model, counters of updates and
 * samples, evaluation on a cadence of updates, and the stop conditions. The first condition reached
 * stops the run: `done` fires and the runner stops the simulator there, mid-flight for asynchronous
 * workers, which is where a real job would be stopped too.
 */
import type { Event } from '../../core/events.ts';
import type { Simulator } from '../../core/simulator.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { Recorder } from '../../results/recorder.ts';
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
  /** Training samples whose gradients were requested, over all workers. */
  samples = 0;
  /** Latest global model (what evaluation reads). */
  current: ParamSnapshot;
  /** Why the run stopped; '' while running. */
  stopReason = '';
  /** Fires once when a stop condition is reached. */
  readonly done: Event<void>;
  /** Best test accuracy so far (NaN before any evaluation). */
  bestAccuracy = NaN;
  /** Simulated time the target accuracy was first reached (NaN if not yet). */
  timeToTargetS = NaN;
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
    this.current = trainer.initial();
    this.done = sim.event<void>();
  }

  /** False once a stop condition was reached. */
  get running(): boolean {
    return this.stopReason === '';
  }

  /** Counts samples whose gradients were requested. */
  addSamples(n: number): void {
    this.samples += n;
  }

  /** Publishes a new global model after `updates` more updates; evaluates and checks stops. */
  commit(snapshot: ParamSnapshot, updates = 1): void {
    this.current = snapshot;
    const before = this.updates;
    this.updates += updates;
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
    else if (s.samples !== undefined && this.samples >= s.samples) this.finish(`samples reached ${this.samples} (target ${s.samples})`);
    if (this.onProgress !== undefined) this.onProgress(f);
  }

  /** Evaluates the current global model now (full mode) and records it; checks the accuracy target. */
  evaluate(): void {
    const now = this.sim.now as number;
    if (this.lastEvalUpdates === this.updates && this.lastEvalTimeS === now) return;
    const r = this.trainer.evaluate(this.current);
    if (r === null) return;
    this.lastEvalUpdates = this.updates;
    this.lastEvalTimeS = now;
    const size = this.trainer.trainSize();
    this.recorder.eval({ timeS: now, updates: this.updates, samples: this.samples, epoch: this.samples / size, loss: r.loss, accuracy: r.accuracy });
    if (!(r.accuracy <= this.bestAccuracy)) this.bestAccuracy = r.accuracy;
    const target = this.stop.targetAccuracy;
    if (target !== undefined && r.accuracy >= target && Number.isNaN(this.timeToTargetS)) {
      this.timeToTargetS = now;
      this.finish(`target accuracy ${target} reached`);
    }
  }

  /** Stops the run (first reason wins). */
  finish(reason: string): void {
    if (this.stopReason !== '') return;
    this.stopReason = reason;
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
