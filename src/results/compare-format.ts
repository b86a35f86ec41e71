/**
 * How `dtsim compare` prints a `Comparison`: a fixed-width table in the style of `dtsim run`'s (one
 * line per run and metric; each folder's value, then its difference from the baseline, absolute and
 * relative) and a long-format CSV with full precision for plotting.
 */
import { csvNumber, csvText } from './csv-cells.ts';
import { folderLetter, type Comparison, type CompareValue } from './compare.ts';
import { humanDuration, humanGigabytes, humanPercent, humanSi, MISSING } from './human-format.ts';
import { textTable, type TextColumn } from './text-table.ts';

/** A run that a folder does not have. */
export const ABSENT = '—';

/** Columns of the long-format CSV that `--csv` writes. */
export const COMPARE_CSV_COLUMNS = ['run', 'metric', 'folder', 'value', 'delta', 'delta_pct'] as const;

type Kind = 'fraction' | 'duration' | 'bytes' | 'rate' | 'plain';

/** The unit a metric reads in, from its summary.csv name (units are in the names). */
function kindOf(metric: string): Kind {
  if (/accuracy|utilization|^mfu$/.test(metric)) return 'fraction';
  if (metric.endsWith('_per_s')) return 'rate';
  if (metric.endsWith('_s')) return 'duration';
  if (metric.endsWith('_bytes') || metric === 'bytes_sent') return 'bytes';
  return 'plain';
}

/** A value in its metric's unit, as the run table writes it (GB get their unit: there is no header). */
function human(kind: Kind, x: number): string {
  switch (kind) {
    case 'fraction':
      return humanPercent(x);
    case 'duration':
      return humanDuration(x);
    case 'bytes':
      return `${humanGigabytes(x)} GB`;
    case 'rate':
      return humanSi(x);
    case 'plain':
      return Number.isInteger(x) || !Number.isFinite(x) ? humanSi(x).replace(/\.0(?=[kMG]?$)/, '') : x.toFixed(2);
  }
}

/** A difference with its sign; fractions differ in percentage points, so `pp` is not read as relative. */
function humanDelta(kind: Kind, d: number): string {
  const text = kind === 'fraction' ? `${(d * 100).toFixed(1)} pp` : human(kind, d);
  return d > 0 ? `+${text}` : text;
}

function valueCell(kind: Kind, v: CompareValue): string {
  if (!v.present) return ABSENT;
  if (v.text === '') return MISSING;
  return v.value === undefined ? v.text : human(kind, v.value);
}

function deltaCells(kind: Kind, v: CompareValue): [string, string] {
  if (!v.present || v.noBaseline === true) return [ABSENT, ABSENT];
  if (v.differs === true) return ['differs', ''];
  if (v.delta === undefined) return [MISSING, MISSING];
  const pct = v.deltaPct === undefined ? MISSING : `${v.deltaPct > 0 ? '+' : ''}${v.deltaPct.toFixed(1)}%`;
  return [humanDelta(kind, v.delta), pct];
}

/**
 * The comparison as text: a legend naming the folders (A is the baseline), the table, then notes on
 * runs missing from a folder and on settings that differ. Lines end with `\n`.
 */
export function formatComparison(c: Comparison): string {
  const legend = c.folders.map((f, i) => `${folderLetter(i)}${i === 0 ? ' (baseline)' : ''}: ${f}`);
  const columns: TextColumn[] = [
    { title: 'run', align: 'left' },
    { title: 'metric', align: 'left' },
    { title: 'A', align: 'right' },
  ];
  for (let i = 1; i < c.folders.length; i++) {
    const l = folderLetter(i);
    columns.push(
      { title: l, align: 'right' },
      { title: `Δ ${l}`, align: 'right' },
      { title: `Δ% ${l}`, align: 'right' },
    );
  }
  // The run's name only on its first metric line, so the runs read as blocks.
  const cells = c.rows.map((r, k) => {
    const kind = kindOf(r.metric);
    const first = k === 0 || c.rows[k - 1]!.run !== r.run;
    const row = [first ? r.run : '', r.metric, valueCell(kind, r.values[0]!)];
    for (const v of r.values.slice(1)) row.push(valueCell(kind, v), ...deltaCells(kind, v));
    return row;
  });
  const { header, rule, rows } = textTable(columns, cells);
  const out = [...legend, '', header, rule, ...rows];
  if (c.rows.length === 0) out.push('(no runs)');
  out.push(...c.notes);
  return `${out.join('\n')}\n`;
}

/**
 * The long-format CSV: one line per run, metric and folder, the baseline's included (its delta cells
 * empty). `value` is summary.csv's cell unchanged, so nothing is lost to rounding; `delta_pct` is in
 * percent. A run a folder lacks has an empty value.
 */
export function compareCsv(c: Comparison): string {
  const lines = [COMPARE_CSV_COLUMNS.join(',')];
  for (const r of c.rows)
    r.values.forEach((v, i) =>
      lines.push(
        [
          csvText(r.run),
          csvText(r.metric),
          csvText(c.folders[i]!),
          csvText(v.text),
          csvNumber(v.delta),
          csvNumber(v.deltaPct),
        ].join(','),
      ),
    );
  return `${lines.join('\n')}\n`;
}
