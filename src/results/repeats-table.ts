/**
 * The second table `dtsim run` prints when configurations ran with several seeds (`repeats`): per
 * configuration, mean ± the half-width of the 95% t-interval over its seeds for time, throughput,
 * final accuracy and time to target. Printed under the run table, whose rows stay the evidence: a
 * reader sees the spread and the runs it came from. summary.csv has the same figures at full precision.
 */
import { humanDuration, humanSi, MISSING } from './human-format.ts';
import type { RunResult } from './recorder.ts';
import { repeatedConfigs } from './repeat-stats.ts';
import type { SampleStats } from './stats.ts';
import { textTable, type TextColumn } from './text-table.ts';

/** One cell: `mean ± half-width`, `mean` alone from one value, `-` from none; `(n=…)` when runs were left out. */
function cell(s: SampleStats | undefined, runs: number, show: (x: number) => string, unit = ''): string {
  if (s === undefined || s.mean === undefined) return MISSING;
  const value = s.halfWidth === undefined ? `${show(s.mean)}${unit}` : `${show(s.mean)} ± ${show(s.halfWidth)}${unit}`;
  return s.n < runs ? `${value} (n=${String(s.n)})` : value;
}

// Accuracies as percentages with the unit once at the end: "91.2 ± 0.8%" is a spread in percentage points.
const percent = (x: number): string => (Number.isFinite(x) ? (x * 100).toFixed(1) : String(x));

const COLUMNS: readonly TextColumn[] = [
  { title: 'config', align: 'right' },
  { title: 'point', align: 'left' },
  { title: 'seeds', align: 'right' },
  { title: 'sim time', align: 'right' },
  { title: 'samples/s', align: 'right' },
  { title: 'final acc', align: 'right' },
  { title: 'to target', align: 'right' },
];

/**
 * The lines of the repeats table (no line ends), or none when no configuration has repeats. Each
 * configuration's seeds column reads `K`, or `used/K` when diverged runs were left out.
 */
export function repeatsTableLines(results: readonly RunResult[]): string[] {
  const configs = repeatedConfigs(results);
  if (configs.length === 0) return [];
  const rows = configs.map((c) => {
    const k = c.runs.length;
    const used = k - c.diverged;
    const st = (col: string): SampleStats | undefined => c.stats.get(col);
    return [
      String(c.configId),
      c.label,
      c.diverged === 0 ? String(k) : `${String(used)}/${String(k)}`,
      cell(st('sim_time_s'), used, humanDuration),
      cell(st('throughput_samples_per_s'), used, humanSi),
      cell(st('final_accuracy'), used, percent, '%'),
      cell(st('time_to_target_s'), used, humanDuration),
    ];
  });
  const { header, rule, rows: lines } = textTable(COLUMNS, rows);
  return [
    'over seeds: mean ± half-width of the 95% confidence interval (Student t, n-1 degrees of freedom)',
    header,
    rule,
    ...lines,
    'diverged runs and missing values are left out; (n=…) counts the values used (summary.csv has each statistic)',
  ];
}
