/**
 * The progress bar of `dtsim run`, on stderr. It appears only for runs that have already taken two
 * seconds, only when stderr is a terminal, and never with --quiet. The simulation loop is synchronous,
 * so the bar is redrawn from the progress callback (at most ten times a second), not from a timer.
 */
import cliProgress from 'cli-progress';

const SHOW_AFTER_S = 2;
const REDRAW_EVERY_S = 0.1;

/** A lazily shown progress bar. */
export class ProgressDisplay {
  private bar: cliProgress.SingleBar | null = null;
  private label = '';
  private startS = 0;
  private lastS = 0;

  constructor(
    private readonly quiet: boolean,
    private readonly clock: () => number,
  ) {}

  /** Starts timing a new run. */
  begin(label: string): void {
    this.label = label;
    this.startS = this.clock();
    this.lastS = 0;
  }

  /** Reports progress in [0, 1]. */
  update(fraction: number): void {
    if (this.quiet || process.stderr.isTTY !== true) return;
    const now = this.clock();
    if (now - this.lastS < REDRAW_EVERY_S) return;
    this.lastS = now;
    if (this.bar === null) {
      if (now - this.startS < SHOW_AFTER_S) return;
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `${this.label} [{bar}] {percentage}% | {duration_formatted} elapsed | eta {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(1000, 0);
    }
    this.bar.update(Math.round(fraction * 1000));
    this.bar.render();
  }

  /** Ends the current run's bar, if one was shown. */
  end(): void {
    if (this.bar !== null) {
      this.bar.update(1000);
      this.bar.stop();
      this.bar = null;
    }
  }
}
