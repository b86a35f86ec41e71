/**
 * Writes a results folder all at once or not at all (design.md §5). Files go into a fresh sibling
 * folder `<dir>.tmp-<pid>-<n>`; only when every file is written does that folder take `dir`'s name.
 * A sibling (same parent) keeps the final rename on one filesystem, where rename is atomic.
 *
 * - **Streamed.** A file may be given as a function that yields its text in pieces; the pieces are
 *   written in blocks of about 1 MiB, so no output is ever held as one string, whatever its size.
 *   Sizes and SHA-256 hashes are taken on the way, for the manifest, which is written last.
 * - **Interruptible.** Writing is asynchronous, so a SIGINT/SIGTERM handler runs between blocks; it
 *   calls `abortPendingWrites()`, which deletes every temporary folder. The swap itself (old folder
 *   aside, new folder in, old folder deleted) is synchronous, so no handler ever runs while `dir` is
 *   missing or half-replaced.
 * - **Only dtsim's folders are replaced.** Just before the swap the target is checked again
 *   (output-target.ts): an existing folder must be empty or one dtsim wrote, holding nothing else.
 * - **Recognisable leftovers.** A temporary folder holds a marker file while it is written, so that
 *   `cleanupStaleTemps` deletes only folders that are provably dtsim's.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, open, rm, unlink, writeFile as fsWriteFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { dtsimManifestFiles, OutputDirError, replaceProblems, WRITING_MARKER } from './output-target.ts';

/** Content of one file: text (written as UTF-8) or bytes. */
export type FileContent = string | Uint8Array;

/** A file as the writer takes it: whole, or a function giving its text in pieces (streamed). */
export type FileSource = FileContent | (() => Iterable<string>);

/** A file as written: its name, size in bytes and lower-case hex SHA-256. */
export interface WrittenFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Options of `writeResultsAtomic`; production callers pass `finalFiles` at most. */
export interface WriteResultsOptions {
  /** Test hook: writes one whole file instead of the streaming writer. */
  readonly writeFile?: (path: string, data: FileContent) => Promise<void>;
  /**
   * Files written after all the others, made from what was written (sizes and hashes, sorted by
   * name): the manifest. They are not listed in the `written` they receive.
   */
  readonly finalFiles?: (written: readonly WrittenFile[]) => Readonly<Record<string, FileContent>>;
  /**
   * Called with the temporary folder once every file (final files included) is in it, before the
   * swap: `dtsim run` draws the plots there from the files just written, so they arrive with the
   * results in the one rename, or not at all. What it writes is not listed in the returned files.
   */
  readonly beforeSwap?: (tmp: string) => Promise<void>;
  /** Where the target came from, for errors (`--out`, `output.dir in s.yaml`); default `the caller`. */
  readonly origin?: string;
}

// Temporary folders (being written, or old results being deleted) that are garbage if we stop now.
const pending = new Set<string>();
let counter = 0;

/** Bytes gathered before one write call. */
const BLOCK_BYTES = 1 << 20;

function checkName(name: string): void {
  const n = normalize(name);
  if (
    name === '' ||
    isAbsolute(name) ||
    n === '.' ||
    n.split(/[\\/]/).includes('..') ||
    name.includes('\0') ||
    name === WRITING_MARKER
  ) {
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
      // Synchronous, so that no signal handler runs between the folder's creation and its registration
      // (an asynchronous mkdir let Ctrl-C land in between and leave the folder behind).
      mkdirSync(tmp);
      pending.add(tmp);
      await fsWriteFile(join(tmp, WRITING_MARKER), '');
      return tmp;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Writes `source` to a new file at `path`, block by block; returns its size and hash. */
async function streamFile(path: string, source: FileSource): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = await open(path, 'wx');
  try {
    const put = async (data: Uint8Array): Promise<void> => {
      hash.update(data);
      bytes += data.byteLength;
      await fh.writeFile(data);
    };
    if (typeof source === 'string') await put(Buffer.from(source, 'utf8'));
    else if (source instanceof Uint8Array) await put(source);
    else {
      let block: string[] = [];
      let size = 0;
      for (const piece of source()) {
        block.push(piece);
        size += piece.length;
        if (size >= BLOCK_BYTES) {
          await put(Buffer.from(block.join(''), 'utf8'));
          block = [];
          size = 0;
        }
      }
      if (size > 0) await put(Buffer.from(block.join(''), 'utf8'));
    }
  } finally {
    await fh.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** The whole content of a source (for the test hook). */
function whole(source: FileSource): FileContent {
  if (typeof source === 'string' || source instanceof Uint8Array) return source;
  let out = '';
  for (const piece of source()) out += piece;
  return out;
}

async function writeOne(
  tmp: string,
  name: string,
  source: FileSource,
  options: WriteResultsOptions,
): Promise<WrittenFile> {
  const path = join(tmp, name);
  if (name.includes('/') || name.includes(sep)) await mkdir(dirname(path), { recursive: true });
  if (options.writeFile === undefined) return { name, ...(await streamFile(path, source)) };
  const data = whole(source);
  await options.writeFile(path, data);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { name, bytes: buf.byteLength, sha256: createHash('sha256').update(buf).digest('hex') };
}

/** Swaps `tmp` in as `target`, synchronously: no signal handler can run while `target` is missing. */
function swapIn(tmp: string, target: string, origin: string): void {
  if (!existsSync(target)) {
    renameSync(tmp, target);
    return;
  }
  // Checked again here, not only before the run: the folder may have changed while the run went on.
  const problems = replaceProblems(target);
  if (problems.length > 0) throw new OutputDirError(target, origin, problems);
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
  try {
    rmSync(backup, { recursive: true, force: true });
  } catch {
    // The new results are in place; a leftover backup is removed by a later cleanupStaleTemps.
  }
  pending.delete(backup);
}

/**
 * Writes `files` (name → content or a streaming source; names may contain `/` for subfolders), then
 * `options.finalFiles`, as the folder `dir`, replacing a previous folder of that name only once
 * everything is written, and only if dtsim wrote it.
 *
 * Invariants: on success `dir` holds exactly the files given (and what `beforeSwap` added); on any
 * failure `dir` is as it was before and no temporary folder remains. Creates missing parents of `dir`.
 * @returns every file written (final files included), sorted by name, with sizes and hashes.
 * @throws RangeError for a file name that is absolute or leaves the folder; OutputDirError if `dir`
 *   exists and is not a folder dtsim may replace; otherwise the first filesystem error, after cleanup.
 */
export async function writeResultsAtomic(
  dir: string,
  files: Readonly<Record<string, FileSource>>,
  options: WriteResultsOptions = {},
): Promise<WrittenFile[]> {
  const names = Object.keys(files).sort();
  for (const name of names) checkName(name);
  const target = resolve(dir);
  const origin = options.origin ?? 'the caller';
  const early = replaceProblems(target);
  if (early.length > 0) throw new OutputDirError(target, origin, early);
  await mkdir(dirname(target), { recursive: true });
  const tmp = await freshTemp(target);
  try {
    const written: WrittenFile[] = [];
    for (const name of names) written.push(await writeOne(tmp, name, files[name]!, options));
    const final = options.finalFiles?.(written) ?? {};
    const all = [...written];
    for (const name of Object.keys(final).sort()) {
      checkName(name);
      if (Object.hasOwn(files, name)) throw new RangeError(`final file '${name}' is also a regular file`);
      all.push(await writeOne(tmp, name, final[name]!, options));
    }
    await options.beforeSwap?.(tmp);
    await unlink(join(tmp, WRITING_MARKER));
    swapIn(tmp, target, origin);
    pending.delete(tmp);
    return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    pending.delete(tmp);
    throw e;
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

/** Whether a leftover folder is provably dtsim's: a temporary one with its marker, or old results. */
function isOurs(path: string, kind: 'tmp' | 'old'): boolean {
  try {
    if (!lstatSync(path).isDirectory()) return false;
    if (kind === 'tmp') return existsSync(join(path, WRITING_MARKER)) || readdirSync(path).length === 0;
    return dtsimManifestFiles(path) !== undefined && replaceProblems(path).length === 0;
  } catch {
    return false;
  }
}

/**
 * Removes temporary siblings of `dir` (`<dir>.tmp-<pid>-<n>`, `<dir>.old-<pid>-<n>`) left behind by
 * processes that were killed outright (SIGKILL, power loss), and returns their paths. Folders of a
 * process that is still running, or of this process, are left alone: they may be a live write. So is
 * any folder of such a name that is not provably dtsim's (no writing marker, or no dtsim manifest).
 */
export function cleanupStaleTemps(dir: string): string[] {
  const target = resolve(dir);
  const parent = dirname(target);
  if (!existsSync(parent)) return [];
  const base = basename(target);
  const removed: string[] = [];
  for (const entry of readdirSync(parent).sort()) {
    if (!entry.startsWith(`${base}.`)) continue;
    const m = /^\.(tmp|old)-(\d+)-\d+$/.exec(entry.slice(base.length));
    if (m === null) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    const path = join(parent, entry);
    if (!isOurs(path, m[1] as 'tmp' | 'old')) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
