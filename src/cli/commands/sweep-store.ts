/**
 * The per-run completion record of `dtsim sweep`, which makes a sweep resumable without giving up the
 * atomic write of its results folder. While a sweep runs, each finished run is saved in a staging
 * folder beside the results, `<out>.sweep-runs/`: first `<run_id>-<run_key>.json` (written under a
 * temporary name and renamed), then an empty `<run_id>-<run_key>.done` marker. Only a run with its
 * marker counts as finished, so a run killed partway, or whose file was cut short, is run again.
 * The results folder itself is written once, at the end, as `dtsim run` writes it; then the staging
 * folder is removed. A rerun into the same folder also reuses the runs stored in the finished
 * folder's `runs/` (a sweep that grew reruns only its new points).
 *
 * Runs are found by run key, not by position: a key names what a run computes (run-key.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dtsimManifestFiles } from '../../results/output-target.ts';
import { parseStoredRun, STORED_RUNS_DIR } from '../../results/run-store.ts';
import type { StoredRun } from '../../results/run-store.ts';

/** Marks a staging folder as dtsim's, so that only such a folder is ever removed. */
const STAGING_MARKER = '.dtsim-sweep-runs';

const NAME = /^(\d+)-([0-9a-f]+)\.json$/;

/** The staging folder of results folder `dir`. */
export function stagingDir(dir: string): string {
  return `${dir}.sweep-runs`;
}

/** Finished runs of earlier attempts, and the staging folder this attempt saves its runs in. */
export class SweepStore {
  private readonly found = new Map<string, string>();

  /**
   * Indexes the finished runs of `dir`'s staging folder and of `dir` itself (when dtsim wrote it).
   * @throws Error when the staging folder's name is taken by a folder dtsim did not make.
   */
  constructor(readonly dir: string) {
    const staging = stagingDir(dir);
    if (existsSync(staging)) {
      if (!existsSync(join(staging, STAGING_MARKER)))
        throw new Error(
          `${staging} exists and is not a dtsim sweep staging folder; move it away or give another --out`,
        );
      for (const name of readdirSync(staging)) {
        const m = NAME.exec(name);
        if (m !== null && existsSync(join(staging, name.replace(/\.json$/, '.done'))))
          this.found.set(m[2]!, join(staging, name));
      }
    }
    for (const name of dtsimManifestFiles(dir) ?? []) {
      const m = name.startsWith(`${STORED_RUNS_DIR}/`) ? NAME.exec(name.slice(STORED_RUNS_DIR.length + 1)) : null;
      if (m !== null && !this.found.has(m[2]!)) this.found.set(m[2]!, join(dir, name));
    }
  }

  /** A finished run with this key, or undefined (none, or its file cannot be read: it is run again). */
  find<S>(runKey: string): StoredRun<S> | undefined {
    const path = this.found.get(runKey);
    if (path === undefined) return undefined;
    try {
      const stored = parseStoredRun<S>(readFileSync(path, 'utf8'));
      return stored.runKey === runKey ? stored : undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether a finished run with this key was found (its file is read, and may fail, only by `find`). */
  has(runKey: string): boolean {
    return this.found.has(runKey);
  }

  /**
   * Makes the staging folder if missing. `--jobs` workers save concurrently: made once, before they
   * start, no worker can see the folder without its marker (which the constructor refuses).
   */
  prepare(): void {
    const staging = stagingDir(this.dir);
    if (!existsSync(staging)) {
      mkdirSync(staging, { recursive: true });
      writeFileSync(join(staging, STAGING_MARKER), '');
    }
  }

  /** Saves a finished run: its file, then its marker (the marker says the file is whole). */
  save(runId: number, runKey: string, text: string): void {
    this.prepare();
    const staging = stagingDir(this.dir);
    const base = join(staging, `${String(runId)}-${runKey}`);
    writeFileSync(`${base}.json.tmp`, text);
    renameSync(`${base}.json.tmp`, `${base}.json`);
    writeFileSync(`${base}.done`, '');
  }

  /** Removes the staging folder once the results folder holds every run. */
  clear(): void {
    const staging = stagingDir(this.dir);
    if (existsSync(join(staging, STAGING_MARKER))) rmSync(staging, { recursive: true, force: true });
  }
}
