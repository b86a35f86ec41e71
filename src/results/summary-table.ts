/**
 * The table `dtsim run` prints when it finishes: one row per run, fixed-width plain ASCII, so it reads
 * the same in a terminal, a log file and a CI transcript. The full precision is in summary.csv; this
 * table rounds for reading.
 *
 * A run whose numbers should not be read at face value is flagged: its final accuracy is marked `!`
 * and a footnote says why (it diverged, or its model predicts one class for everything, where the
 * accuracy is that class's share of the test set, about 1/classes, and looks like a poor but real
 * result).
 */
import { throughputSamplesPerS } from './csv.ts';
import { humanDuration, humanGigabytes, humanPercent, humanSi, humanStaleness, MISSING } from './human-format.ts';
import type { RunResult } from './recorder.ts';
import { repeatsTableLines } from './repeats-table.ts';
import { textTable, type TextColumn } from './text-table.ts';

/** Options of `formatSummaryTable`. */
export interface SummaryTableOptions {
  /** Bold header and dim footnotes with ANSI escapes (default false: plain text). */
  readonly color?: boolean;
  /**
   * What the runs are about (the scenario's `description`), printed above the table, wrapped at
   * `WRAP` columns, so the first table a user sees says what it compares.
   */
  readonly description?: string;
}

/** Column at which the description and the flag footnotes are wrapped. */
const WRAP = 100;

/** The mark on a flagged run's final accuracy. */
const FLAG = '!';

interface Column extends TextColumn {
  readonly cell: (r: RunResult) => string;
}

const COLUMNS: readonly Column[] = [
  { title: 'run', align: 'right', cell: (r) => String(r.runId) },
  { title: 'point', align: 'left', cell: (r) => (r.label === '' ? MISSING : r.label) },
  { title: 'schedule', align: 'left', cell: (r) => r.schedule },
  { title: 'workers', align: 'right', cell: (r) => String(r.workers) },
  { title: 'sim time', align: 'right', cell: (r) => humanDuration(r.simTimeS) },
  { title: 'updates', align: 'right', cell: (r) => String(r.updates) },
  { title: 'samples/s', align: 'right', cell: (r) => humanSi(throughputSamplesPerS(r)) },
  { title: 'final acc', align: 'right', cell: (r) => (flagged(r) ? `${FLAG} ` : '') + humanPercent(r.finalAccuracy) },
  { title: 'best acc', align: 'right', cell: (r) => humanPercent(r.bestAccuracy) },
  { title: 'to target', align: 'right', cell: (r) => humanDuration(r.timeToTargetS) },
  // "(versions)": τ counts model versions, not the clocks an SSP bound (the ssp schedule's staleness option) counts.
  {
    title: 'staleness mean/max (versions)',
    align: 'right',
    cell: (r) => humanStaleness(r.meanStaleness, r.maxStaleness),
  },
  { title: 'util', align: 'right', cell: (r) => humanPercent(r.meanUtilization) },
  { title: 'GB sent', align: 'right', cell: (r) => humanGigabytes(r.bytesSent) },
];

const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

function flagged(r: RunResult): boolean {
  return r.divergence !== undefined || r.collapse !== undefined;
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** One footnote per flagged run, saying what happened and what it means for its numbers. */
function flagNotes(results: readonly RunResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const run = `${FLAG} run ${String(r.runId)}`;
    if (r.divergence !== undefined) {
      const stopped =
        r.stopReason === r.divergence
          ? 'the run stopped there'
          : `the run had already stopped (${r.stopReason.split('; ')[0]!})`;
      const alsoCollapsed =
        r.collapse === undefined ? '' : ' Its last model also predicted one class for every test sample.';
      lines.push(
        ...wrap(
          `${run} ${r.divergence}; ${stopped}.${alsoCollapsed} Its numbers are not a training result; a smaller learning rate or momentum usually avoids this.`,
          WRAP,
          '  ',
        ),
      );
    } else if (r.collapse !== undefined) {
      const c = r.collapse;
      lines.push(
        ...wrap(
          `${run} collapsed: from update ${String(c.sinceUpdates)} (t = ${humanDuration(c.sinceTimeS)}) to the end, it predicted the same class for every test sample, so its final accuracy is that class's share of the test set, not learning.`,
          WRAP,
          '  ',
        ),
      );
    }
  }
  return lines;
}

/** Footnotes: which timing timed each run (one line when all runs share it), and each run's notes. */
function footnotes(results: readonly RunResult[]): string[] {
  const lines: string[] = [];
  const timings = new Set(results.map((r) => r.timing));
  if (timings.size === 1 && results.length > 1) {
    lines.push(`timing (all runs): ${results[0]!.timing}`);
  } else {
    for (const r of results) lines.push(`timing run ${String(r.runId)}: ${r.timing}`);
  }
  // What the result files leave out (rows off at scale, truncated tables): one line when every run
  // says the same, else one per run.
  const notes = new Set(results.flatMap((r) => r.notes));
  for (const note of notes) {
    const runs = results.filter((r) => r.notes.includes(note));
    lines.push(
      runs.length === results.length && results.length > 1
        ? `note (all runs): ${note}`
        : `note run ${runs.map((r) => String(r.runId)).join(', ')}: ${note}`,
    );
  }
  return lines;
}

/**
 * A fixed-width text table of the runs, after the description when one is given, followed by a
 * footnote per flagged run and the timing used per run, then, when configurations ran with several
 * seeds, their means and 95% intervals (repeats-table.ts). Deterministic: the same results give the same
 * text. Lines end with `\n`; trailing spaces are trimmed.
 */
export function formatSummaryTable(results: readonly RunResult[], opts: SummaryTableOptions = {}): string {
  const color = opts.color === true;
  const intro = opts.description === undefined ? [] : [...wrap(opts.description, WRAP), ''];
  const { header, rule, rows } = textTable(
    COLUMNS,
    results.map((r) => COLUMNS.map((c) => c.cell(r))),
  );
  const out = [...intro, color ? `${BOLD}${header}${RESET}` : header, rule, ...rows];
  if (results.length === 0) out.push('(no runs)');
  // Flags are not dimmed: they change how the row above reads.
  out.push(...flagNotes(results));
  for (const note of footnotes(results)) out.push(color ? `${DIM}${note}${RESET}` : note);
  // Configurations run with several seeds: their spread, under the runs it comes from.
  const repeats = repeatsTableLines(results);
  if (repeats.length > 0) out.push('', ...repeats);
  return `${out.join('\n')}\n`;
}
