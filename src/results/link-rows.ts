/**
 * links.csv: the bytes each directed link carried per time bin, and its utilisation (bytes over what
 * the link could have carried in the bin). Recorded by the flow network model only (network/link-usage.ts
 * says how bins are kept); absent for the analytical and fixed models, which have no link state over time.
 */
import { csvNumber as num, csvText as text, joinCsvLines } from './csv-cells.ts';
import type { RunResult } from './recorder.ts';

/** One link's bins in a run's link table. */
export interface RunLinkBins {
  /** The link's id in the topology. */
  readonly link: number;
  /** The link's name, e.g. `node0.nic->leaf0`. */
  readonly name: string;
  /** Its capacity, bytes per second. */
  readonly bandwidth: number;
  /** Bytes carried in each bin, in time order. */
  readonly bytes: readonly number[];
}

/** A run's bytes per link per time bin (plain data: it is stored with the run, run-store.ts). */
export interface RunLinks {
  /** Bin width m · 10^e seconds: the mantissa m (1, 2 or 5). */
  readonly binMantissa: number;
  /** Bin width m · 10^e seconds: the exponent e. */
  readonly binExponent: number;
  /** Number of bins (at most 200); the last ends at `endS`. */
  readonly bins: number;
  /** The run's end, seconds. */
  readonly endS: number;
  /** Links that carried bytes, by ascending id. */
  readonly links: readonly RunLinkBins[];
}

/** Columns of links.csv, in order. */
export const LINKS_COLUMNS = [
  'run_id',
  'link_id',
  'link',
  'from',
  'to',
  'bandwidth_bytes_per_s',
  'bin_start_s',
  'bin_end_s',
  'bytes',
  'utilization',
] as const;

// Utilisation above 1 by no more than this is round-off of summed flow shares, written as 1.
const ROUND_OFF = 1e-9;

/** Bin edge k · m · 10^e seconds, computed so that it prints as a round decimal. */
function edge(k: number, t: RunLinks): number {
  const e = t.binExponent;
  return e < 0 ? (k * t.binMantissa) / 10 ** -e : k * t.binMantissa * 10 ** e;
}

/** Whether any run recorded link bins (links.csv is written only then). */
export function hasLinks(results: readonly RunResult[]): boolean {
  return results.some((r) => r.links !== undefined);
}

/** Lines of links.csv (header first): for each run that recorded links, each link, each bin. */
export function* linksLines(results: readonly RunResult[]): Generator<string, void, undefined> {
  yield LINKS_COLUMNS.join(',');
  for (const r of results) {
    const t = r.links;
    if (t === undefined) continue;
    const id = num(r.runId);
    for (const l of t.links) {
      const arrow = l.name.indexOf('->');
      const from = arrow < 0 ? '' : l.name.slice(0, arrow);
      const to = arrow < 0 ? '' : l.name.slice(arrow + 2);
      const head = `${id},${num(l.link)},${text(l.name)},${text(from)},${text(to)},${num(l.bandwidth)}`;
      for (let i = 0; i < t.bins; i++) {
        const start = edge(i, t);
        const end = i === t.bins - 1 ? t.endS : edge(i + 1, t);
        const b = l.bytes[i] ?? 0;
        let u = end > start ? b / (l.bandwidth * (end - start)) : 0;
        if (u > 1 && u <= 1 + ROUND_OFF) u = 1;
        yield `${head},${num(start)},${num(end)},${num(b)},${num(u)}`;
      }
    }
  }
}

/** links.csv as one string. */
export function linksCsv(results: readonly RunResult[]): string {
  return joinCsvLines(linksLines(results));
}
