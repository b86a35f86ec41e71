/**
 * manifest.json: what produced a results folder and what it holds. It is the one results file that is
 * not reproducible byte for byte (wall-clock cost, dates, machine), which is why these facts live here
 * and never in the CSVs. It is also the one file outside cli/ allowed to read the wall clock
 * (design.md §1); callers should still pass times in, and the clock is read only for a missing
 * `finishedAt`.
 */
import { createHash } from 'node:crypto';
import type { RunResult } from './recorder.ts';
import { truncationNote } from './trace.ts';

/** Everything the manifest records; all times and machine facts can be injected for tests. */
export interface ManifestInput {
  readonly results: readonly RunResult[];
  /** Path of the scenario file as the user gave it. */
  readonly scenarioFile: string;
  /** The scenario file's text exactly as read (hashed as UTF-8). */
  readonly scenarioText: string;
  /** The normalized scenario of each run (hashed as canonical JSON: sorted keys). */
  readonly normalizedScenarios: readonly unknown[];
  /**
   * Each run's full sweep settings (sweep key as written → value), indexed by run id; the run's label
   * is short and may be cut, so this is where a user finds what a point ran with. Absent: no sweep.
   */
  readonly sweepValues?: readonly (Readonly<Record<string, unknown>> | undefined)[];
  /** `dtsim sweep`'s facts (sweep-info in results/README: the whole sweep and this folder's shard). */
  readonly sweep?: SweepManifest;
  /** The scenario text's sha256, when the text itself is not at hand (`dtsim merge` copies it from the shards). */
  readonly scenarioSha256?: string;
  readonly dtsimVersion: string;
  /** Tensor backend that ran the math (`wasm`, `cpu`, ...), or `none` for timing-only runs. */
  readonly backend: string;
  /** Wall-clock seconds of the whole command (runs may overlap in a parallel sweep, so not their sum). */
  readonly wallS: number;
  /**
   * The other files of the folder (manifest.json excluded), listed with size and sha256: their
   * contents, or the list the streaming writer measured while writing them.
   */
  readonly files?: Readonly<Record<string, string | Uint8Array>> | readonly ManifestFile[];
  /** ISO 8601 time the command started. */
  readonly startedAt?: string;
  /** ISO 8601 time the results were finished; default: now. */
  readonly finishedAt?: string;
  /** argv of the command, for reproducing the run. */
  readonly command?: readonly string[];
  /** Node version; default `process.version`. */
  readonly node?: string;
  /** Platform; default `<process.platform> <process.arch>`. */
  readonly platform?: string;
}

/** manifest.json's `sweep` section, written by `dtsim sweep` and read by `dtsim merge`. */
export interface SweepManifest {
  /** Runs in the whole sweep (every shard). */
  readonly runs: number;
  /** sha256 of the whole sweep's run keys in run order, one per line: equal for every shard of one sweep. */
  readonly run_keys_sha256: string;
  /** This folder's shard (`--shard K/N`); absent for a whole sweep. */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** Lower-case hex SHA-256 of a text (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Size in bytes of a file's content as written (UTF-8 for text). */
export function byteSize(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
}

function canonical(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return String(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : canonical(v)));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, canonical);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'function') out[key] = canonical(v);
  }
  return out;
}

/**
 * JSON with object keys sorted at every level, so equal values give equal text whatever order their
 * keys were built in. Non-finite numbers become the strings `NaN`/`Infinity`/`-Infinity` (plain JSON
 * would turn them all into `null` and two different scenarios could hash alike); undefined members are
 * left out as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? 'null';
}

/** One entry of the manifest's file list. */
export interface ManifestFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** The file list, sorted by name (object key order must not decide the manifest's text). */
export function manifestFiles(files: Readonly<Record<string, string | Uint8Array>>): ManifestFile[] {
  return Object.keys(files)
    .sort()
    .map((name) => {
      const data = files[name]!;
      return { name, bytes: byteSize(data), sha256: sha256Hex(data) };
    });
}

function sortedFiles(files: readonly ManifestFile[]): ManifestFile[] {
  return [...files]
    .map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * manifest.json text (two-space indented, trailing newline). Reads the wall clock only when
 * `finishedAt` is not given, and the process only for defaults of `node` and `platform`.
 */
export function manifestJson(input: ManifestInput): string {
  const { results } = input;
  const seeds = [...new Set(results.map((r) => r.seed))].sort((a, b) => a - b);
  const note = truncationNote(results);
  const manifest = {
    manifest_version: 1,
    generator: 'dtsim',
    dtsim_version: input.dtsimVersion,
    ...(input.command !== undefined ? { command: [...input.command] } : {}),
    ...(input.startedAt !== undefined ? { started_at: input.startedAt } : {}),
    finished_at: input.finishedAt ?? new Date().toISOString(),
    scenario: {
      file: input.scenarioFile,
      name: results[0]?.scenario ?? '',
      sha256: input.scenarioSha256 ?? sha256Hex(input.scenarioText),
      normalized_sha256: sha256Hex(canonicalJson(input.normalizedScenarios)),
    },
    ...(input.sweep === undefined ? {} : { sweep: input.sweep }),
    seeds,
    tensor_backend: input.backend,
    node: input.node ?? process.version,
    platform: input.platform ?? `${process.platform} ${process.arch}`,
    wall_s: { total: input.wallS, runs_sum: results.reduce((s, r) => s + r.wallS, 0) },
    runs: results.map((r) => ({
      run_id: r.runId,
      ...(r.runKey === undefined ? {} : { run_key: r.runKey }),
      label: r.label,
      ...(input.sweepValues?.[r.runId] === undefined ? {} : { sweep_values: input.sweepValues[r.runId] }),
      schedule: r.schedule,
      mode: r.mode,
      seed: r.seed,
      timing: r.timing,
      wall_s: r.wallS,
      trace_spans: r.spans.length,
      trace_dropped: r.traceDropped,
      updates_dropped: r.updatesDropped,
      notes: [...r.notes],
    })),
    trace: { truncated: note !== '', ...(note !== '' ? { note } : {}) },
    files: Array.isArray(input.files)
      ? sortedFiles(input.files as readonly ManifestFile[])
      : manifestFiles((input.files ?? {}) as Readonly<Record<string, string | Uint8Array>>),
  };
  return `${JSON.stringify(manifest, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
