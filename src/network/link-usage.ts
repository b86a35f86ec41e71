/**
 * Bytes each directed link carried, per time bin, for `links.csv` and the link-utilisation plot. The flow
 * model feeds it: between two max-min solves every flow's rate, and so every link's total rate, is
 * constant, so the bytes a link carried in such an interval are spread over the bins it overlaps in
 * proportion to the overlap. That is exact, not an estimate: bins hold the integral of the link's rate.
 *
 * Memory and output stay bounded whatever the run's length: bins are kept at a width of 10^e seconds,
 * at most `KEPT_BINS` of them from t = 0; when the clock passes the last bin, the width grows tenfold
 * and every ten bins are summed into one (again exact, since bins align). Only links that carried
 * bytes get bins. The table given out groups 1, 2 or 5 kept bins into one, so that it has at most
 * `MAX_BINS` rows per link and its widths are round decimal numbers (1, 2 or 5 × 10^e s).
 */

/** Bins kept per link while recording (8 kB a link). */
export const KEPT_BINS = 1000;

/** Most bins per link in the table given out. */
export const MAX_BINS = 200;

/** Width of the first bins, as a power of ten (1 ns): the width grows from there as the clock runs. */
const FIRST_EXPONENT = -9;

/** One link's bins in a finished table. */
export interface LinkBins {
  /** The link's id (`Topology.links`). */
  readonly link: number;
  /** Bytes carried in each bin, in time order. */
  readonly bytes: readonly number[];
}

/** The binned bytes of every link that carried traffic, as a plain (JSON-storable) value. */
export interface LinkUsageTable {
  /** Bin width, seconds (1, 2 or 5 × 10^e): bin i covers [i·width, (i+1)·width), the last one ends at `endS`. */
  readonly binWidthS: number;
  /** The width as m · 10^e: m (1, 2 or 5), so that bin edges are computed as round decimals. */
  readonly binMantissa: number;
  /** The width as m · 10^e: e. */
  readonly binExponent: number;
  /** Number of bins: ceil(endS / binWidthS), at most `MAX_BINS`; 0 when no time passed. */
  readonly bins: number;
  /** The time the table ends at (the run's end), seconds. */
  readonly endS: number;
  /** Links that carried bytes, by ascending id. */
  readonly links: readonly LinkBins[];
}

/** 10^e as the correctly rounded double (so that 1e-6 is 1e-6, not 10^-6 computed with round-off). */
function pow10(e: number): number {
  return e < 0 ? 1 / 10 ** -e : 10 ** e;
}

/** `k · m · 10^e` as the correctly rounded double, for bin edges that print as round decimals. */
export function decimalTimes(k: number, m: number, e: number): number {
  return e < 0 ? (k * m) / 10 ** -e : k * m * 10 ** e;
}

/** Accumulates bytes per link per time bin (see the file comment). */
export class LinkUsage {
  private exponent = FIRST_EXPONENT;
  private width = pow10(FIRST_EXPONENT);
  private readonly bins: (Float64Array | undefined)[];
  // Scratch for `add`, which is `addAll` for one link (the flow model's round-off remainders, tests).
  private readonly one = new Int32Array(1);
  private readonly amount: Float64Array;

  /** A recorder for `links` directed links, all empty. */
  constructor(links: number) {
    this.amount = new Float64Array(links);
    this.bins = new Array<Float64Array | undefined>(links).fill(undefined);
  }

  /**
   * Adds `bytes` carried by `link` at a constant rate over [t0, t1] (seconds, 0 ≤ t0 ≤ t1); with
   * t0 = t1, all of it goes to the bin holding t0.
   */
  add(link: number, t0: number, t1: number, bytes: number): void {
    this.one[0] = link;
    this.amount[link] = bytes;
    this.addAll(this.one, 1, this.amount, t0, t1);
  }

  /**
   * For each of `links[0..n)`, adds `bytes[link]` carried at a constant rate over [t0, t1], as `add`
   * does; the bins and shares are worked out once for all of them (the flow model settles every busy
   * link over the same interval).
   */
  addAll(links: Int32Array, n: number, bytes: Float64Array, t0: number, t1: number): void {
    while (t1 > KEPT_BINS * this.width) this.widen();
    const w = this.width;
    const i0 = Math.min(Math.floor(t0 / w), KEPT_BINS - 1);
    const i1 = Math.min(Math.max(Math.ceil(t1 / w) - 1, i0), KEPT_BINS - 1);
    // Constant rate: the first bin gets its overlap's share, every bin between a full bin's worth (a
    // tight loop: a long interval over fine bins is the costly case), and the last bin the rest, so
    // the bins sum to the bytes up to round-off.
    const firstShare = i0 === i1 ? 1 : ((i0 + 1) * w - t0) / (t1 - t0);
    const fullShare = i0 === i1 ? 0 : w / (t1 - t0);
    const inner = Math.max(i1 - i0 - 1, 0);
    for (let k = 0; k < n; k++) {
      const link = links[k]!;
      const total = bytes[link]!;
      if (total === 0) continue;
      let b = this.bins[link];
      if (b === undefined) this.bins[link] = b = new Float64Array(KEPT_BINS);
      const first = total * firstShare;
      b[i0]! += first;
      if (i0 === i1) continue;
      const full = total * fullShare;
      for (let i = i0 + 1; i < i1; i++) b[i]! += full;
      b[i1]! += total - first - full * inner;
    }
  }

  // Tenfold width: every ten bins become one (bins align, so nothing is estimated).
  private widen(): void {
    this.exponent += 1;
    this.width = pow10(this.exponent);
    for (const b of this.bins) {
      if (b === undefined) continue;
      for (let i = 0; i < KEPT_BINS / 10; i++) {
        let s = 0;
        for (let j = 0; j < 10; j++) s += b[10 * i + j]!;
        b[i] = s;
      }
      b.fill(0, KEPT_BINS / 10);
    }
  }

  /**
   * The table up to `endS` (the run's end, ≥ every time added): kept bins grouped by 1, 2 or 5 (the
   * smallest giving at most `MAX_BINS` bins), links that carried nothing left out.
   */
  table(endS: number): LinkUsageTable {
    while (endS > KEPT_BINS * this.width) this.widen();
    const kept = endS > 0 ? Math.min(Math.max(Math.ceil(endS / this.width), 1), KEPT_BINS) : 0;
    const group = [1, 2, 5].find((g) => Math.ceil(kept / g) <= MAX_BINS) ?? 5;
    const bins = Math.ceil(kept / group);
    const links: LinkBins[] = [];
    this.bins.forEach((b, link) => {
      if (b === undefined) return;
      const bytes: number[] = [];
      let total = 0;
      for (let i = 0; i < bins; i++) {
        let s = 0;
        for (let j = i * group; j < Math.min((i + 1) * group, KEPT_BINS); j++) s += b[j]!;
        bytes.push(s);
        total += s;
      }
      if (total > 0) links.push({ link, bytes });
    });
    return {
      binWidthS: decimalTimes(1, group, this.exponent),
      binMantissa: group,
      binExponent: this.exponent,
      bins,
      endS,
      links,
    };
  }
}
