/**
 * Numbers for people (the terminal table), as opposed to `csvNumber` for programs. Everything uses
 * `toFixed`, never `toLocaleString`, so the table reads the same on every machine. NaN prints as `-`.
 */

/** Placeholder for a value that does not exist (NaN). */
export const MISSING = '-';

/**
 * A duration with a unit chosen for reading: `850.0 us`, `12.5 ms`, `12.3 s`, `4.2 min`, `1.5 h`,
 * one decimal each. Hours are the largest unit, so long runs read `150.0 h` rather than switching to
 * days.
 */
export function humanDuration(s: number): string {
  if (Number.isNaN(s)) return MISSING;
  const a = Math.abs(s);
  if (a === 0) return '0 s';
  if (a < 1e-3) return `${(s * 1e6).toFixed(1)} us`;
  if (a < 1) return `${(s * 1e3).toFixed(1)} ms`;
  if (a < 60) return `${s.toFixed(1)} s`;
  if (a < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A rate or count with an SI suffix and one decimal: `950.0`, `12.3k`, `4.5M`, `1.2G`. */
export function humanSi(x: number): string {
  if (Number.isNaN(x)) return MISSING;
  const a = Math.abs(x);
  if (a < 1e3) return x.toFixed(1);
  if (a < 1e6) return `${(x / 1e3).toFixed(1)}k`;
  if (a < 1e9) return `${(x / 1e6).toFixed(1)}M`;
  return `${(x / 1e9).toFixed(1)}G`;
}

/** A fraction as a percentage with one decimal: 0.9123 → `91.2%`. */
export function humanPercent(fraction: number): string {
  return Number.isNaN(fraction) ? MISSING : `${(fraction * 100).toFixed(1)}%`;
}

/** Bytes as decimal gigabytes (1 GB = 1e9 B) with two decimals, without the unit. */
export function humanGigabytes(bytes: number): string {
  return Number.isNaN(bytes) ? MISSING : (bytes / 1e9).toFixed(2);
}

/** Mean and maximum staleness as `mean / max`, e.g. `3.50 / 7`; `-` when there were no updates. */
export function humanStaleness(mean: number, max: number): string {
  if (Number.isNaN(mean)) return MISSING;
  return `${mean.toFixed(2)} / ${Number.isNaN(max) ? MISSING : String(max)}`;
}
