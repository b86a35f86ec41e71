/**
 * A tiny strict parser for the quantities `dtsim collective --cluster` reads ("200 Gbit/s", "5 us")
 * and for nccl-tests' size arguments ("8", "128M", "8G"). TODO: the scenario layer (src/scenario/,
 * design.md §5) owns quantity parsing; replace this file with it when it lands.
 */

const BANDWIDTH: Readonly<Record<string, number>> = {
  'B/s': 1, 'KB/s': 1e3, 'MB/s': 1e6, 'GB/s': 1e9, 'TB/s': 1e12,
  'KiB/s': 2 ** 10, 'MiB/s': 2 ** 20, 'GiB/s': 2 ** 30,
  'bit/s': 1 / 8, 'Kbit/s': 1e3 / 8, 'Mbit/s': 1e6 / 8, 'Gbit/s': 1e9 / 8, 'Tbit/s': 1e12 / 8,
};
const TIME: Readonly<Record<string, number>> = { s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };

function parse(text: unknown, units: Readonly<Record<string, number>>, what: string, path: string): number {
  if (typeof text !== 'string') throw new Error(`${path}: expected a ${what} string such as "${what === 'bandwidth' ? '200 Gbit/s' : '5 us'}", got ${JSON.stringify(text)}`);
  const m = /^\s*(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([^\s\d][^\s]*)\s*$/.exec(text);
  const factor = m === null ? undefined : units[m[2]!];
  if (m === null || factor === undefined) {
    throw new Error(`${path}: cannot read ${what} "${text}"; write a number and one of ${Object.keys(units).join(', ')}`);
  }
  return Number(m[1]) * factor;
}

/** A bandwidth in bytes per second. @throws Error naming `path` and the accepted units. */
export function parseBandwidth(text: unknown, path: string): number {
  const v = parse(text, BANDWIDTH, 'bandwidth', path);
  if (!(v > 0)) throw new Error(`${path}: bandwidth must be > 0, got "${String(text)}"`);
  return v;
}

/** A duration in seconds. @throws Error naming `path` and the accepted units. */
export function parseDuration(text: unknown, path: string): number {
  return parse(text, TIME, 'duration', path);
}

/**
 * An nccl-tests size: a whole number of bytes with an optional K, M, G or T suffix (powers of 1024).
 * @throws Error for anything else.
 */
export function parseSize(text: string, what: string): number {
  const m = /^(\d+)([KMGT]?)$/i.exec(text.trim());
  if (m === null) throw new Error(`${what}: cannot read size "${text}"; write bytes with an optional K, M, G or T suffix (e.g. 8, 64K, 8G)`);
  const exp = ' KMGT'.indexOf((m[2] || ' ').toUpperCase());
  return Number(m[1]) * 1024 ** exp;
}
