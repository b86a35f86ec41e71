/**
 * The one progress bar of `dtsim sweep`, on stderr: runs done out of the runs to execute, the runs in
 * progress with their own share done, and an ETA over the whole sweep. Like the bar of `dtsim run`
 * (run-progress.ts) it appears only once the sweep has taken two seconds, only when stderr is a
 * terminal (so never in CI logs or pipes), and never with --quiet. It is redrawn from progress reports
 * (at most ten times a second), not from a timer: a serial sweep runs synchronously between them.
 */
import cliProgress from 'cli-progress';

const SHOW_AFTER_S = 2;
const REDRAW_EVERY_S = 0.1;
const STEPS = 1000;

/** Progress over the runs of one sweep, serial (one run at a time) or with workers (several). */
export class SweepProgress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly running = new Map<number, { label: string; fraction: number }>();
  private done = 0;
  private readonly startS: number;
  private lastS = 0;

  /**
   * @param total the runs this attempt executes (reused runs do not count: they take no time).
   */
  constructor(
    private readonly total: number,
    private readonly quiet: boolean,
    private readonly clock: () => number,
  ) {
    this.startS = clock();
  }

  /** Run `id` started. */
  begin(label: string, id = 0): void {
    this.running.set(id, { label, fraction: 0 });
  }

  /** Run `id` is this far, in [0, 1]. */
  update(fraction: number, id = 0): void {
    const r = this.running.get(id);
    if (r !== undefined) r.fraction = fraction;
    this.render(false);
  }

  /** Run `id` finished (or failed: either way it no longer runs). */
  end(id = 0): void {
    if (this.running.delete(id)) this.done++;
    this.render(true);
  }

  /** Removes the bar, if one was shown. */
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }

  private render(force: boolean): void {
    if (this.quiet || process.stderr.isTTY !== true) return;
    const now = this.clock();
    if (!force && now - this.lastS < REDRAW_EVERY_S) return;
    this.lastS = now;
    if (this.bar === null) {
      if (now - this.startS < SHOW_AFTER_S) return;
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `runs {runsDone}/{runsTotal} [{bar}] {percentage}% | {duration_formatted} elapsed | eta {eta_formatted} | {running}`,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(STEPS, 0, this.payload());
    }
    let sum = this.done;
    for (const r of this.running.values()) sum += r.fraction;
    this.bar.update(Math.round((STEPS * sum) / Math.max(1, this.total)), this.payload());
    this.bar.render();
  }

  private payload(): Record<string, string> {
    const running = [...this.running.values()].map((r) => `${r.label} ${String(Math.round(100 * r.fraction))}%`);
    return { runsDone: String(this.done), runsTotal: String(this.total), running: running.join(', ') };
  }
}
