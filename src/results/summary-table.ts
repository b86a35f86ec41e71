/**
 * The table `dtsim run` prints when it finishes: one row per run, fixed-width plain ASCII, so it reads
 * the same in a terminal, a log file and a CI transcript. The full precision is in summary.csv; this
 * table rounds for reading.
 */
import { throughputSamplesPerS } from './csv.ts';
import { humanDuration, humanGigabytes, humanPercent, humanSi, humanStaleness, MISSING } from './human-format.ts';
import type { RunResult } from './recorder.ts';

/** Options of `formatSummaryTable`. */
export interface SummaryTableOptions {
  /** Bold header and dim footnotes with ANSI escapes (default false: plain text). */
  readonly color?: boolean;
}

interface Column {
  readonly title: string;
  /** Text columns are left-aligned, numbers right-aligned so their digits line up. */
  readonly align: 'left' | 'right';
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
  { title: 'final acc', align: 'right', cell: (r) => humanPercent(r.finalAccuracy) },
  { title: 'best acc', align: 'right', cell: (r) => humanPercent(r.bestAccuracy) },
  { title: 'to target', align: 'right', cell: (r) => humanDuration(r.timeToTargetS) },
  // "(versions)": τ counts model versions, not the clocks an SSP bound (async-ps clockBound) counts.
  { title: 'staleness mean/max (versions)', align: 'right', cell: (r) => humanStaleness(r.meanStaleness, r.maxStaleness) },
  { title: 'util', align: 'right', cell: (r) => humanPercent(r.meanUtilization) },
  { title: 'GB sent', align: 'right', cell: (r) => humanGigabytes(r.bytesSent) },
];

const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

function pad(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** Footnotes: which timing timed each run (one line when all runs share it), and truncated traces. */
function footnotes(results: readonly RunResult[]): string[] {
  const lines: string[] = [];
  const timings = new Set(results.map((r) => r.timing));
  if (timings.size === 1 && results.length > 1) {
    lines.push(`timing (all runs): ${results[0]!.timing}`);
  } else {
    for (const r of results) lines.push(`timing run ${String(r.runId)}: ${r.timing}`);
  }
  for (const r of results) {
    if (r.traceDropped > 0) lines.push(`trace run ${String(r.runId)}: ${String(r.traceDropped)} spans beyond the trace limit were dropped`);
  }
  return lines;
}

/**
 * A fixed-width text table of the runs, followed by the timing used per run. Deterministic: the same
 * results give the same text. Lines end with `\n`; trailing spaces are trimmed.
 */
export function formatSummaryTable(results: readonly RunResult[], opts: SummaryTableOptions = {}): string {
  const color = opts.color === true;
  const cells = results.map((r) => COLUMNS.map((c) => c.cell(r)));
  const widths = COLUMNS.map((c, j) => Math.max(c.title.length, ...cells.map((row) => row[j]!.length)));
  const line = (row: readonly string[]): string =>
    row.map((text, j) => pad(text, widths[j]!, COLUMNS[j]!.align)).join('  ').trimEnd();
  const header = line(COLUMNS.map((c) => c.title));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [color ? `${BOLD}${header}${RESET}` : header, rule, ...cells.map(line)];
  if (results.length === 0) out.push('(no runs)');
  for (const note of footnotes(results)) out.push(color ? `${DIM}${note}${RESET}` : note);
  return `${out.join('\n')}\n`;
}
