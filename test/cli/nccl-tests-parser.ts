/**
 * A small reader of nccl-tests' text output (all_reduce_perf & co), written for the tests: it must read
 * a real log (fixtures/nccl-tests/) and dtsim collective's output alike, which is what makes dtsim's
 * output a drop-in for scripts that read real logs. Lines it does not know (NCCL INFO, "NCCL version",
 * dtsim's own comments) are skipped, as such scripts skip them.
 */

/** One timed block of a row. */
export interface ParsedBlock {
  readonly timeUs: number;
  readonly algbw: number;
  readonly busbw: number;
  /** #wrong, or null for N/A (-c 0). */
  readonly wrong: number | null;
}

/** One data row. */
export interface ParsedRow {
  readonly size: number;
  readonly count: number;
  readonly type: string;
  readonly redop: string;
  readonly root: number;
  readonly outOfPlace: ParsedBlock;
  readonly inPlace: ParsedBlock;
  /** The line as printed, for byte-for-byte comparisons. */
  readonly line: string;
}

/** What a log says. */
export interface ParsedLog {
  readonly nGpus: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly devices: { rank: number; host: string; device: number; name: string }[];
  /** The three column-header lines (without their newlines). */
  readonly columnHeader: string[];
  readonly rows: ParsedRow[];
  readonly outOfBounds: number;
  readonly avgBusBw: number;
  /** The `# Avg bus bandwidth` line as printed. */
  readonly avgLine: string;
}

const HEADER = /^# nThread \d+ nGpus (\d+) minBytes (\d+) maxBytes (\d+) step: /;
// The bus id is [0x04] in nccl-tests 2.13 and [0000:04:00] in later versions.
const DEVICE = /^#\s+Rank\s+(\d+) Group\s+\d+ Pid\s+\d+ on\s+(\S+) device\s+(\d+) \[[^\]]*\] (.*)$/;
const ROW = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(-?\d+)((?:\s+\S+){8})\s*$/;

function block(f: string[]): ParsedBlock {
  return {
    timeUs: Number(f[0]),
    algbw: Number(f[1]),
    busbw: Number(f[2]),
    wrong: f[3] === 'N/A' ? null : Number(f[3]),
  };
}

/**
 * Reads nccl-tests output.
 * @throws Error when the `# nThread` header or the footer is missing.
 */
export function parseNcclTests(text: string): ParsedLog {
  const lines = text.split('\n');
  const head = lines.map((l) => HEADER.exec(l)).find((m) => m !== null);
  if (head === undefined || head === null) throw new Error('no "# nThread … nGpus …" header line');
  const devices: ParsedLog['devices'] = [];
  const rows: ParsedRow[] = [];
  let columnHeader: string[] = [];
  let outOfBounds = NaN;
  let avgBusBw = NaN;
  let avgLine = '';
  lines.forEach((line, i) => {
    const d = DEVICE.exec(line);
    if (d !== null) devices.push({ rank: Number(d[1]), host: d[2]!, device: Number(d[3]), name: d[4]! });
    else if (/^#\s+out-of-place\s+in-place\s*$/.test(line)) columnHeader = lines.slice(i, i + 3);
    else if (line.startsWith('# Out of bounds values :'))
      outOfBounds = Number(line.split(':')[1]!.trim().split(' ')[0]);
    else if (line.startsWith('# Avg bus bandwidth')) {
      avgBusBw = Number(line.split(':')[1]!.trim().split(' ')[0]);
      avgLine = line;
    } else if (!line.startsWith('#')) {
      const m = ROW.exec(line);
      if (m === null) return;
      const f = m[6]!.trim().split(/\s+/);
      rows.push({
        size: Number(m[1]),
        count: Number(m[2]),
        type: m[3]!,
        redop: m[4]!,
        root: Number(m[5]),
        outOfPlace: block(f.slice(0, 4)),
        inPlace: block(f.slice(4, 8)),
        line,
      });
    }
  });
  if (Number.isNaN(avgBusBw)) throw new Error('no "# Avg bus bandwidth" footer line');
  return {
    nGpus: Number(head[1]),
    minBytes: Number(head[2]),
    maxBytes: Number(head[3]),
    devices,
    columnHeader,
    rows,
    outOfBounds,
    avgBusBw,
    avgLine,
  };
}
