/**
 * The report's run table: the columns and number formats of the table `dtsim run` prints
 * (summary-table.ts, human-format.ts), built from summary.csv's cells so that a folder can be reported
 * long after the run, plus the stop reason, which the terminal table leaves to its footnotes.
 */
import { humanDuration, humanGigabytes, humanPercent, humanSi, humanStaleness, MISSING } from '../human-format.ts';
import { cellNumber, type Table } from '../plots/tables.ts';
import { esc } from './html.ts';

type Row = Readonly<Record<string, string>>;

interface HtmlColumn {
  readonly title: string;
  /** Numbers are right-aligned, as in the terminal table. */
  readonly numeric: boolean;
  readonly cell: (r: Row) => string;
}

const num = (r: Row, c: string): number | undefined => cellNumber(r[c]);
const text = (r: Row, c: string): string => ((r[c] ?? '') === '' ? MISSING : r[c]!);

/** A run whose numbers should not be read at face value (the terminal table marks it `!` too). */
export function flaggedRun(r: Row): boolean {
  return r.diverged === 'true' || r.collapsed === 'true';
}

const COLUMNS: readonly HtmlColumn[] = [
  { title: 'run', numeric: true, cell: (r) => text(r, 'run_id') },
  { title: 'point', numeric: false, cell: (r) => text(r, 'point') },
  { title: 'schedule', numeric: false, cell: (r) => text(r, 'schedule') },
  { title: 'workers', numeric: true, cell: (r) => text(r, 'workers') },
  { title: 'sim time', numeric: true, cell: (r) => humanDuration(num(r, 'sim_time_s')) },
  { title: 'updates', numeric: true, cell: (r) => text(r, 'updates') },
  { title: 'samples/s', numeric: true, cell: (r) => humanSi(num(r, 'throughput_samples_per_s')) },
  {
    title: 'final acc',
    numeric: true,
    cell: (r) => (flaggedRun(r) ? '! ' : '') + humanPercent(num(r, 'final_accuracy')),
  },
  { title: 'best acc', numeric: true, cell: (r) => humanPercent(num(r, 'best_accuracy')) },
  { title: 'to target', numeric: true, cell: (r) => humanDuration(num(r, 'time_to_target_s')) },
  {
    title: 'staleness mean/max (versions)',
    numeric: true,
    cell: (r) => humanStaleness(num(r, 'mean_staleness'), num(r, 'max_staleness')),
  },
  { title: 'util', numeric: true, cell: (r) => humanPercent(num(r, 'mean_utilization')) },
  { title: 'GB sent', numeric: true, cell: (r) => humanGigabytes(num(r, 'bytes_sent')) },
  { title: 'stop reason', numeric: false, cell: (r) => text(r, 'stop_reason') },
];

/**
 * The `<table>` of summary.csv's runs, every cell escaped. A flagged run's row gets the `flagged`
 * class, and a note under the table says what the `!` means.
 */
export function summaryTableHtml(all: Table): string {
  // Aggregate rows over repeats (row_kind mean, std, ...) are not runs: they get a table of their own.
  const summary = { ...all, rows: all.rows.filter((r) => (r.row_kind ?? 'run') === 'run') };
  const head = COLUMNS.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${esc(c.title)}</th>`).join('');
  const rows = summary.rows.map((r) => {
    const cells = COLUMNS.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${esc(c.cell(r))}</td>`).join('');
    return `<tr${flaggedRun(r) ? ' class="flagged"' : ''}>${cells}</tr>`;
  });
  const empty = summary.rows.length === 0 ? `<tr><td colspan="${String(COLUMNS.length)}">(no runs)</td></tr>` : '';
  const flagged = summary.rows.some(flaggedRun)
    ? '<p class="note">! the run diverged or its model collapsed to one class (see its stop reason): its accuracy is not a training result.</p>'
    : '';
  const timings = [...new Set(summary.rows.map((r) => r.timing ?? ''))].filter((t) => t !== '');
  const timing = timings.length === 0 ? '' : `<p class="note">timing: ${timings.map((t) => esc(t)).join('; ')}</p>`;
  return `<table class="runs"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}${empty}</tbody></table>${flagged}${timing}${repeatsTableHtml(all)}`;
}

// The metrics the repeats table shows, with how a value is written (the terminal table's formats).
const REPEAT_METRICS: readonly [title: string, column: string, fmt: (x: number | undefined) => string][] = [
  ['sim time', 'sim_time_s', humanDuration],
  ['samples/s', 'throughput_samples_per_s', humanSi],
  ['final acc', 'final_accuracy', humanPercent],
  ['to target', 'time_to_target_s', humanDuration],
];

/**
 * Per configuration with repeats, mean ± the 95% t-interval's half-width of each metric, from
 * summary.csv's aggregate rows (docs/results.md, "Repeats"); empty when nothing repeats.
 */
export function repeatsTableHtml(all: Table): string {
  const byKind = (kind: string): Row[] => all.rows.filter((r) => r.row_kind === kind);
  const means = byKind('mean');
  if (means.length === 0) return '';
  const half = byKind('ci95_half_width');
  const counts = byKind('n');
  const head = ['configuration', 'n', ...REPEAT_METRICS.map((m) => m[0])]
    .map((t, i) => `<th${i > 0 ? ' class="num"' : ''}>${esc(t)}</th>`)
    .join('');
  const body = means.map((m) => {
    const h = half.find((x) => x.config_id === m.config_id);
    const n = counts.find((x) => x.config_id === m.config_id);
    const cells = REPEAT_METRICS.map(([, col, fmt]) => {
      const mean = num(m, col);
      const w = h === undefined ? undefined : num(h, col);
      return mean === undefined ? MISSING : w === undefined ? fmt(mean) : `${fmt(mean)} ± ${fmt(w)}`;
    });
    const count = n === undefined ? MISSING : text(n, 'sim_time_s');
    return `<tr><td>${esc(text(m, 'point'))}</td><td class="num">${esc(count)}</td>${cells.map((c) => `<td class="num">${esc(c)}</td>`).join('')}</tr>`;
  });
  return (
    '<h3>Repeats: mean ± 95% confidence interval (Student t)</h3>' +
    `<table class="runs repeats"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`
  );
}
