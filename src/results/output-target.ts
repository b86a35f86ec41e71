/**
 * Whether a folder may receive a run's results (issue: "never lose a user's data"). dtsim replaces a
 * results folder whole, so before anything runs, and again just before the swap, the target is held
 * to three rules:
 * - it is not a folder whose loss would be a disaster: the filesystem root, the home folder or one
 *   above it, the current folder or one above it, or a folder that holds the scenario file;
 * - if it exists, it is empty or it is a folder dtsim wrote: its manifest.json says `generator: dtsim`
 *   and it holds nothing that manifest does not list (a notebook a user saved next to the CSVs is
 *   theirs, so the folder is not replaced);
 * - its nearest existing ancestor is a folder in which a folder can be created (probed for real, since
 *   permission bits do not tell about /proc, read-only mounts or a full disk).
 */
import { dtsimPlotFiles, PLOTS_DIR } from './plots/marker.ts';
import { isDtsimReport, REPORT_FILE } from './report/marker.ts';
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A results folder that dtsim refuses to write, with every reason. */
export class OutputDirError extends Error {
  constructor(
    /** The folder as resolved. */
    readonly dir: string,
    /** Where the folder came from, e.g. `--out` or `output.dir in s.yaml`. */
    readonly origin: string,
    readonly problems: readonly string[],
  ) {
    super(`cannot write results to ${dir} (from ${origin}): ${problems.join('; ')}`);
    this.name = 'OutputDirError';
  }
}

/** Folders the target is compared with (the CLI passes `process.cwd()` and `os.homedir()`). */
export interface TargetContext {
  readonly cwd: string;
  readonly home?: string;
  /** The scenario file of the run, whose folder must survive. */
  readonly scenarioFile?: string;
}

/** The name of the file that marks a temporary folder as dtsim's while it is being written. */
export const WRITING_MARKER = '.dtsim-writing';

/** `path` with symbolic links resolved as far as it exists (the rest appended), so aliases compare equal. */
export function realish(path: string): string {
  const abs = resolve(path);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return abs;
      tail.push(basename(head));
      head = up;
    }
  }
}

/** Whether `a` is `b` or a folder above it. */
function contains(a: string, b: string): boolean {
  const r = relative(a, b);
  // `..x` is a name inside `a`; only `..` itself or a path through it leaves `a`.
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/** Reasons the target is a folder dtsim must never replace (empty when none). */
export function protectedProblems(dir: string, ctx: TargetContext): string[] {
  const t = realish(dir);
  const out: string[] = [];
  if (dirname(t) === t) return ['it is the filesystem root'];
  const named = (what: string, p: string): void => {
    const q = realish(p);
    if (q === t) out.push(`it is ${what}`);
    else if (contains(t, q)) out.push(`it contains ${what} (${q})`);
  };
  named('the current folder', ctx.cwd);
  if (ctx.home !== undefined && ctx.home !== '') named('your home folder', ctx.home);
  if (ctx.scenarioFile !== undefined) {
    const f = realish(ctx.scenarioFile);
    if (contains(t, f)) out.push(`it contains the scenario file ${ctx.scenarioFile}`);
  }
  return out;
}

/** The file names a dtsim manifest lists (plus manifest.json), or undefined if `dir` has no dtsim manifest. */
export function dtsimManifestFiles(dir: string): Set<string> | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof manifest !== 'object' || manifest === null || (manifest as { generator?: unknown }).generator !== 'dtsim')
    return undefined;
  const files = (manifest as { files?: unknown }).files;
  const names = new Set<string>(['manifest.json']);
  if (Array.isArray(files)) {
    for (const f of files)
      if (typeof f === 'object' && f !== null && typeof (f as { name?: unknown }).name === 'string')
        names.add((f as { name: string }).name);
  }
  return names;
}

/** Entries below `dir` (files and folders, `/`-separated relative paths), at most `limit` of them. */
function entriesBelow(dir: string, limit: number): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length >= limit) return;
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      out.push(e.isDirectory() ? `${p}/` : p);
      if (e.isDirectory()) walk(p);
    }
  };
  walk('');
  return out;
}

// Enough entries to judge any results folder dtsim writes (a handful of files, a few plots).
const ENTRY_SCAN_LIMIT = 10_000;

/**
 * Why an existing `dir` may not be replaced (empty when it may: it does not exist, is empty, or is a
 * folder dtsim wrote and holds nothing else).
 */
export function replaceProblems(dir: string): string[] {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return [];
  }
  if (st.isSymbolicLink()) return ['it is a symbolic link; give the folder it points to, or a new folder'];
  if (!st.isDirectory()) return ['it exists and is not a folder'];
  const entries = entriesBelow(dir, ENTRY_SCAN_LIMIT);
  if (entries.length === 0) return [];
  const listed = dtsimManifestFiles(dir);
  if (listed === undefined) {
    return [
      `it is a folder dtsim did not write (no dtsim manifest.json) and it is not empty (${describeEntries(entries)}); dtsim replaces only folders it wrote itself: give a new folder`,
    ];
  }
  const dirsOfListed = new Set<string>();
  for (const name of listed) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirsOfListed.add(`${parts.slice(0, i).join('/')}/`);
  }
  // A plots folder `dtsim plot` wrote (its marker lists every file in it) is dtsim's too: it goes with
  // the results it was drawn from.
  const plots = dtsimPlotFiles(join(dir, PLOTS_DIR));
  const isPlot = (e: string): boolean =>
    plots !== undefined &&
    (e === `${PLOTS_DIR}/` || (e.startsWith(`${PLOTS_DIR}/`) && plots.has(e.slice(PLOTS_DIR.length + 1))));
  // So is the page `dtsim report` wrote there (report.html with its generator tag), not a file of yours
  // that happens to have the name.
  const isReport = (e: string): boolean => e === REPORT_FILE && isDtsimReport(join(dir, REPORT_FILE));
  const foreign = entries.filter((e) => !listed.has(e) && !dirsOfListed.has(e) && !isPlot(e) && !isReport(e));
  return foreign.length === 0
    ? []
    : [`it holds files dtsim did not write (${describeEntries(foreign)}); move them out or give another folder`];
}

function describeEntries(entries: readonly string[]): string {
  const shown = entries.slice(0, 5).join(', ');
  return entries.length > 5
    ? `${shown} and ${entries.length >= ENTRY_SCAN_LIMIT ? 'many' : String(entries.length - 5)} more`
    : shown;
}

let probes = 0;

// 255 bytes per name less room for the writer's `.tmp-<pid>-<n>` suffix; 4,096 bytes per path less the same.
const MAX_NAME_BYTES = 255 - 32;
const MAX_PATH_BYTES = 4096 - 32;

/**
 * Why no folder can be created at `dir` (empty when one can): its nearest existing ancestor must be a
 * folder in which a test folder can really be made and removed.
 */
export function writableProblems(dir: string): string[] {
  // The writer adds `.tmp-<pid>-<n>` (or `.old-...`) to the folder's name; every name in the path must
  // stay within the file system's 255 bytes, and the whole path within Linux's 4,096.
  const target = resolve(dir);
  const long = target.split(sep).find((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
  if (long !== undefined)
    return [
      `the name "${long.length > 40 ? `${long.slice(0, 40)}...` : long}" is ${Buffer.byteLength(long)} bytes long; a folder name may have at most ${MAX_NAME_BYTES}`,
    ];
  if (Buffer.byteLength(target) > MAX_PATH_BYTES)
    return [`its path is ${Buffer.byteLength(target)} bytes long; at most ${MAX_PATH_BYTES}`];
  let head = dirname(target);
  for (;;) {
    let st;
    try {
      st = statSync(head); // follows links: an ancestor that is a link to a folder is fine
    } catch {
      const up = dirname(head);
      if (up === head) return ['no part of its path exists'];
      head = up;
      continue;
    }
    if (!st.isDirectory()) return [`${head} is not a folder`];
    break;
  }
  probes += 1;
  const probe = join(head, `.dtsim-probe-${String(process.pid)}-${String(probes)}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return [];
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return [`cannot create a folder in ${head} (${err.code ?? err.message})`];
  }
}

/**
 * Checks a results target before anything runs, and throws with every reason it cannot be used.
 * @throws OutputDirError naming the folder, where it came from, and each problem.
 */
export function checkOutputTarget(dir: string, origin: string, ctx: TargetContext): void {
  const target = resolve(ctx.cwd, dir);
  const guarded = protectedProblems(target, ctx);
  if (guarded.length > 0) throw new OutputDirError(target, origin, guarded);
  const problems = [...replaceProblems(target), ...writableProblems(target)];
  if (problems.length > 0) throw new OutputDirError(target, origin, problems);
}
