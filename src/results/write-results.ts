/**
 * Writes a results folder all at once or not at all (design.md §5). Files go into a fresh sibling
 * folder `<dir>.tmp-<pid>-<n>`; only when every file is written does that folder take `dir`'s name.
 * A sibling (same parent) keeps the final rename on one filesystem, where rename is atomic.
 *
 * The swap (old folder aside, new folder in) uses synchronous renames with no `await` between them, so
 * a signal handler can never run while `dir` is missing. Every temporary path is registered until it
 * is gone, so the CLI's SIGINT handler can call `abortPendingWrites()` and leave no debris.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';

/** Content of one file: text (written as UTF-8) or bytes. */
export type FileContent = string | Uint8Array;

/** Hooks for tests; production callers pass nothing. */
export interface WriteResultsOptions {
  /** Writes one file; defaults to `fs.promises.writeFile`. */
  readonly writeFile?: (path: string, data: FileContent) => Promise<void>;
}

/** Hooks for tests of the synchronous variant; production callers pass nothing. */
export interface WriteResultsSyncOptions {
  /** Writes one file; defaults to `fs.writeFileSync`. */
  readonly writeFile?: (path: string, data: FileContent) => void;
}

// Temporary folders (being written, or old results being deleted) that are garbage if we stop now.
const pending = new Set<string>();
let counter = 0;

function checkName(name: string): void {
  const n = normalize(name);
  if (name === '' || isAbsolute(name) || n === '.' || n.split(/[\\/]/).includes('..') || name.includes('\0')) {
    throw new RangeError(`results file name '${name}' must be a relative path inside the results folder`);
  }
}

async function freshTemp(target: string): Promise<string> {
  // mkdir without `recursive` fails on an existing path, so a leftover of an earlier process with the
  // same pid is skipped rather than reused.
  for (;;) {
    counter += 1;
    const tmp = `${target}.tmp-${String(process.pid)}-${String(counter)}`;
    try {
      await mkdir(tmp);
      pending.add(tmp);
      return tmp;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function freshTempSync(target: string): string {
  for (;;) {
    counter += 1;
    const tmp = `${target}.tmp-${String(process.pid)}-${String(counter)}`;
    try {
      mkdirSync(tmp);
      pending.add(tmp);
      return tmp;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function swapIn(tmp: string, target: string): string | undefined {
  if (!existsSync(target)) {
    renameSync(tmp, target);
    return undefined;
  }
  const backup = `${target}.old-${String(process.pid)}-${String(counter)}`;
  renameSync(target, backup);
  pending.add(backup);
  try {
    renameSync(tmp, target);
  } catch (e) {
    // Put the previous results back before reporting: `dir` must never be left missing.
    renameSync(backup, target);
    pending.delete(backup);
    throw e;
  }
  return backup;
}

/**
 * Writes `files` (name → content; names may contain `/` for subfolders) as the folder `dir`, replacing
 * any previous folder of that name only once everything is written.
 *
 * Invariants: on success `dir` holds exactly `files`; on any failure `dir` is as it was before and no
 * temporary folder remains. Creates missing parents of `dir`.
 * @throws RangeError for a file name that is absolute or leaves the folder; otherwise rethrows the
 *   first filesystem error after cleaning up.
 */
export async function writeResultsAtomic(
  dir: string,
  files: Readonly<Record<string, FileContent>>,
  options: WriteResultsOptions = {},
): Promise<void> {
  const names = Object.keys(files).sort();
  for (const name of names) checkName(name);
  const target = resolve(dir);
  const write = options.writeFile ?? ((p: string, d: FileContent) => writeFile(p, d));
  await mkdir(dirname(target), { recursive: true });
  const tmp = await freshTemp(target);
  let backup: string | undefined;
  try {
    for (const name of names) {
      const path = join(tmp, name);
      if (name.includes('/') || name.includes(sep)) await mkdir(dirname(path), { recursive: true });
      await write(path, files[name]!);
    }
    backup = swapIn(tmp, target);
    pending.delete(tmp);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    pending.delete(tmp);
    throw e;
  }
  if (backup !== undefined) {
    // The new results are in place; failing to delete the old ones must not fail the run.
    await rm(backup, { recursive: true, force: true }).catch(() => undefined);
    pending.delete(backup);
  }
}

/**
 * The synchronous twin of `writeResultsAtomic`, with the same invariants and errors. While it runs no
 * JS signal handler can run, so Ctrl-C is handled after it returns (an uncaught SIGINT still kills the
 * process mid-write; `cleanupStaleTemps` removes what that leaves).
 */
export function writeResultsAtomicSync(
  dir: string,
  files: Readonly<Record<string, FileContent>>,
  options: WriteResultsSyncOptions = {},
): void {
  const names = Object.keys(files).sort();
  for (const name of names) checkName(name);
  const target = resolve(dir);
  const write = options.writeFile ?? ((p: string, d: FileContent) => writeFileSync(p, d));
  mkdirSync(dirname(target), { recursive: true });
  const tmp = freshTempSync(target);
  let backup: string | undefined;
  try {
    for (const name of names) {
      const path = join(tmp, name);
      if (name.includes('/') || name.includes(sep)) mkdirSync(dirname(path), { recursive: true });
      write(path, files[name]!);
    }
    backup = swapIn(tmp, target);
    pending.delete(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    pending.delete(tmp);
    throw e;
  }
  if (backup !== undefined) {
    try {
      rmSync(backup, { recursive: true, force: true });
    } catch {
      // The new results are in place; a leftover backup is removed by a later cleanupStaleTemps.
    }
    pending.delete(backup);
  }
}

/**
 * Deletes, synchronously, every temporary folder of writes still in progress in this process, and
 * returns their paths. Meant for a SIGINT/SIGTERM handler just before the process exits: an
 * interrupted run then leaves neither a partial results folder nor a temporary one. A write that was
 * running fails afterwards and leaves `dir` as it was.
 */
export function abortPendingWrites(): string[] {
  const removed = [...pending].sort();
  for (const p of removed) {
    rmSync(p, { recursive: true, force: true });
    pending.delete(p);
  }
  return removed;
}

/** Temporary folders of writes in progress in this process (for tests and diagnostics). */
export function pendingWrites(): string[] {
  return [...pending].sort();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary siblings of `dir` (`<dir>.tmp-<pid>-<n>`, `<dir>.old-<pid>-<n>`) left behind by
 * processes that were killed outright (SIGKILL, power loss), and returns their paths. Folders of a
 * process that is still running, or of this process, are left alone: they may be a live write.
 */
export function cleanupStaleTemps(dir: string): string[] {
  const target = resolve(dir);
  const parent = dirname(target);
  if (!existsSync(parent)) return [];
  const base = basename(target);
  const removed: string[] = [];
  for (const entry of readdirSync(parent).sort()) {
    if (!entry.startsWith(`${base}.`)) continue;
    const m = /^\.(?:tmp|old)-(\d+)-\d+$/.exec(entry.slice(base.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const path = join(parent, entry);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
