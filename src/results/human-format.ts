/**
 * Numbers for people (the terminal table), as opposed to `csvNumber` for programs. Everything uses
 * `toFixed`, never `toLocaleString`, so the table reads the same on every machine. A missing value
 * (`undefined`) prints as `-`; NaN, a value that was computed and is not a number (a diverged run),
 * prints as `NaN`, and ±Infinity as `inf`/`-inf`, so a broken number never looks like an absent one.
 */

/** Placeholder for a value that does not exist (`undefined`). */
export const MISSING = '-';

/** How a non-finite value reads in the table. */
function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
}

/**
 * A duration with a unit chosen for reading: `850.0 us`, `12.5 ms`, `12.3 s`, `4.2 min`, `1.5 h`,
 * one decimal each. Hours are the largest unit, so long runs read `150.0 h` rather than switching to
 * days.
 */
export function humanDuration(s: number | undefined): string {
  if (s === undefined) return MISSING;
  if (!Number.isFinite(s)) return nonFinite(s);
  const a = Math.abs(s);
  if (a === 0) return '0 s';
  if (a < 1e-3) return `${(s * 1e6).toFixed(1)} us`;
  if (a < 1) return `${(s * 1e3).toFixed(1)} ms`;
  if (a < 60) return `${s.toFixed(1)} s`;
  if (a < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A rate or count with an SI suffix and one decimal: `950.0`, `12.3k`, `4.5M`, `1.2G`. */
export function humanSi(x: number | undefined): string {
  if (x === undefined) return MISSING;
  if (!Number.isFinite(x)) return nonFinite(x);
  const a = Math.abs(x);
  if (a < 1e3) return x.toFixed(1);
  if (a < 1e6) return `${(x / 1e3).toFixed(1)}k`;
  if (a < 1e9) return `${(x / 1e6).toFixed(1)}M`;
  return `${(x / 1e9).toFixed(1)}G`;
}

/** A fraction as a percentage with one decimal: 0.9123 → `91.2%`. */
export function humanPercent(fraction: number | undefined): string {
  if (fraction === undefined) return MISSING;
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : nonFinite(fraction);
}

/** Bytes as decimal gigabytes (1 GB = 1e9 B) with two decimals, without the unit. */
export function humanGigabytes(bytes: number | undefined): string {
  if (bytes === undefined) return MISSING;
  return Number.isFinite(bytes) ? (bytes / 1e9).toFixed(2) : nonFinite(bytes);
}

/** Mean and maximum staleness as `mean / max`, e.g. `3.50 / 7`; `-` when there were no updates. */
export function humanStaleness(mean: number | undefined, max: number | undefined): string {
  if (mean === undefined) return MISSING;
  return `${mean.toFixed(2)} / ${max === undefined ? MISSING : String(max)}`;
}
