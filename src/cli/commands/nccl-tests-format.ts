/**
 * nccl-tests' text output, byte for byte (NVIDIA/nccl-tests src/common.cu, v2.13): the header comment,
 * the `# Using devices` block, the two-level column header, the data rows and the footer. Kept apart
 * from the command so that scripts written for all_reduce_perf logs read dtsim's output unchanged, and
 * so that test/cli/nccl-tests-parser.test.ts can rebuild a real log's rows with these functions.
 */

/**
 * C's `%.<digits>f` for a finite number. JavaScript's toFixed rounds an exact tie up, glibc's printf
 * rounds it to even (0.125 → "0.12"); ties are rare but must print as nccl-tests prints them.
 */
export function cFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  // toFixed(100) is the exact binary value's decimal expansion for any |x| ≥ 2^-40 we print.
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return s;
  const down = (Math.sign(x) * (Number(exact.slice(0, dot + 1 + digits)) || 0)).toFixed(digits);
  const last = Number(down.replace('.', '').slice(-1));
  return last % 2 === 0 ? down : s;
}

/** C's `%g` (6 significant digits, trailing zeros dropped, exponent form below 1e-4 and from 1e6). */
export function cG(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '-nan' : x > 0 ? 'inf' : '-inf';
  const [mant, expText] = x.toExponential(5).split('e') as [string, string];
  const exp = Number(expText);
  const strip = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${strip(mant)}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return strip(cFixed(x, 5 - exp));
}

/** nccl-tests' time column: `%7.2f` µs, `%7.1f` from 100 µs, `%7.0f` from 10,000 µs. */
export function formatTime(timeUs: number): string {
  const digits = timeUs >= 10000 ? 0 : timeUs >= 100 ? 1 : 2;
  return cFixed(timeUs, digits).padStart(7);
}

/** The first header line's values (nccl-tests' command-line parameters). */
export interface NcclTestsHeader {
  readonly nThread: number;
  readonly nGpus: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** The step factor when > 1, else the step in bytes (as nccl-tests chooses between -f and -i). */
  readonly stepFactor: number;
  readonly stepBytes: number;
  readonly warmupIters: number;
  readonly iters: number;
  readonly aggIters: number;
  readonly validation: number;
  readonly graph: number;
}

/** `# nThread 1 nGpus 8 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 …` */
export function headerLine(h: NcclTestsHeader): string {
  const step = h.stepFactor > 1 ? `${h.stepFactor}(factor)` : `${h.stepBytes}(bytes)`;
  return (
    `# nThread ${h.nThread} nGpus ${h.nGpus} minBytes ${h.minBytes} maxBytes ${h.maxBytes} step: ${step} ` +
    `warmup iters: ${h.warmupIters} iters: ${h.iters} agg iters: ${h.aggIters} validation: ${h.validation} graph: ${h.graph}\n`
  );
}

/** One `# Using devices` line. */
export interface DeviceLine {
  readonly rank: number;
  readonly group: number;
  readonly pid: number;
  readonly host: string;
  readonly device: number;
  readonly busId: number;
  readonly name: string;
}

/** `#  Rank %2d Group %2d Pid %6d on %10s device %2d [0x%02x] %s` (common.cu, run()). */
export function deviceLine(d: DeviceLine): string {
  const p = (v: number | string, w: number) => String(v).padStart(w);
  const bus = d.busId.toString(16).padStart(2, '0');
  return `#  Rank ${p(d.rank, 2)} Group ${p(d.group, 2)} Pid ${p(d.pid, 6)} on ${p(d.host, 10)} device ${p(d.device, 2)} [0x${bus}] ${d.name}\n`;
}

const s = (v: string, w: number) => v.padStart(w);

/**
 * The three column-header lines, `#` first (common.cu prints `#\n` and then these):
 * `# %10s  %12s  %8s  %6s  %6s           out-of-place                       in-place          `,
 * the names with ` %6s` before each `#wrong`, and the units with `  %5s` there.
 */
export function columnHeader(timeName = 'time'): string {
  const lead = `# ${s('', 10)}  ${s('', 12)}  ${s('', 8)}  ${s('', 6)}  ${s('', 6)}`;
  const block = (t: string, a: string, b: string, w: string, wSep: string) =>
    `  ${s(t, 7)}  ${s(a, 6)}  ${s(b, 6)}${wSep}${w}`;
  return (
    `${lead}           out-of-place                       in-place          \n` +
    `# ${s('size', 10)}  ${s('count', 12)}  ${s('type', 8)}  ${s('redop', 6)}  ${s('root', 6)}` +
    `${block(timeName, 'algbw', 'busbw', s('#wrong', 6), ' ')}${block(timeName, 'algbw', 'busbw', s('#wrong', 6), ' ')}\n` +
    `# ${s('(B)', 10)}  ${s('(elements)', 12)}  ${s('', 8)}  ${s('', 6)}  ${s('', 6)}` +
    `${block('(us)', '(GB/s)', '(GB/s)', s('', 5), '  ')}${block('(us)', '(GB/s)', '(GB/s)', s('', 5), '  ')}\n`
  );
}

/** One timed block of a row (out-of-place or in-place). */
export interface RowBlock {
  readonly timeUs: number;
  readonly algbw: number;
  readonly busbw: number;
  /** Wrong elements, or null where checking is off (-c 0: nccl-tests prints `N/A`). */
  readonly wrong: number | null;
}

/** One data row: its parameters, then the out-of-place and in-place blocks. */
export interface RowFields {
  readonly size: number;
  readonly count: number;
  readonly type: string;
  readonly redop: string;
  readonly root: number;
  readonly outOfPlace: RowBlock;
  readonly inPlace: RowBlock;
}

/** `  %7s  %6.2f  %6.2f  %5g` (or `%5s` "N/A"): one block, as BenchTime prints it. */
function formatBlock(b: RowBlock): string {
  const wrong = b.wrong === null ? 'N/A' : cG(b.wrong);
  return `  ${formatTime(b.timeUs)}  ${s(cFixed(b.algbw, 2), 6)}  ${s(cFixed(b.busbw, 2), 6)}  ${s(wrong, 5)}`;
}

/** `%12li  %12li  %8s  %6s  %6i` and the two blocks (TimeTest and BenchTime). */
export function formatRow(r: RowFields): string {
  return (
    `${s(String(r.size), 12)}  ${s(String(r.count), 12)}  ${s(r.type, 8)}  ${s(r.redop, 6)}  ${s(String(r.root), 6)}` +
    `${formatBlock(r.outOfPlace)}${formatBlock(r.inPlace)}\n`
  );
}

/**
 * The footer: `# Out of bounds values : %d %s`, `# Avg bus bandwidth    : %g %s` (the trailing space
 * is nccl-tests': its `%s` is empty without NCCL_TESTS_MIN_BW) and `#`.
 */
export function footer(errors: number, avgBusBw: number): string {
  return (
    `# Out of bounds values : ${errors} ${errors > 0 ? 'FAILED' : 'OK'}\n` +
    `# Avg bus bandwidth    : ${cG(avgBusBw)} \n` +
    `#\n`
  );
}
