/**
 * Immutable, versioned parameter snapshots (design.md §3): the only thing a gradient is ever computed
 * against. An update makes a new snapshot; nobody writes into one that a pending request may read.
 */

/** A parameter version. `params` must never be written after the snapshot is made. */
export interface ParamSnapshot {
  /** Number of updates applied to reach these parameters (per stage or shard where relevant). */
  readonly version: number;
  /** The flat parameter vector; owned by the snapshot, read-only by contract. */
  readonly params: Float32Array;
}

/**
 * Makes a snapshot that takes ownership of `params`: the caller must not write into the array after
 * this call (pass a copy if it will). Typed arrays cannot be frozen, so this is a contract, not a
 * guard; the engine reads `params` only when a handle is first read.
 * @throws RangeError if version is not a non-negative integer.
 */
export function makeSnapshot(version: number, params: Float32Array): ParamSnapshot {
  if (!Number.isInteger(version) || version < 0)
    throw new RangeError(`snapshot version must be an integer >= 0, got ${version}`);
  return Object.freeze({ version, params });
}

/** Values [start, end) of a snapshot's flat vector, held by `values` (length end − start). */
export interface SnapshotPiece {
  readonly start: number;
  readonly end: number;
  readonly values: Float32Array;
}

/**
 * Pieces beyond which a pieced snapshot is flattened at once: reads stay cheap and chains of
 * snapshots made from pieces of pieces stay short.
 */
const MAX_PIECES = 64;

/**
 * A snapshot made of pieces of other vectors (a shard stepped on its own, a read composed of
 * shards): it shares the unchanged pieces with the snapshots it was made from instead of copying
 * the whole vector. `params` flattens it on first read, once. Immutable like every snapshot: the
 * pieces are never written, by contract.
 */
class PiecedSnapshot implements ParamSnapshot {
  #flat: Float32Array | null = null;
  #pieces: readonly SnapshotPiece[] | null;

  constructor(
    readonly version: number,
    pieces: readonly SnapshotPiece[],
    readonly size: number,
  ) {
    this.#pieces = pieces;
  }

  get params(): Float32Array {
    if (this.#flat === null) {
      const flat = new Float32Array(this.size);
      for (const p of this.#pieces!) flat.set(p.values, p.start);
      this.#flat = flat;
      this.#pieces = null;
    }
    return this.#flat;
  }

  /** The pieces, or null once flattened. */
  get pieces(): readonly SnapshotPiece[] | null {
    return this.#pieces;
  }
}

/** The pieces of `s` that cover [start, end), cut to it, in index order (views, no copies). */
export function snapshotPieces(s: ParamSnapshot, start: number, end: number): SnapshotPiece[] {
  const all = s instanceof PiecedSnapshot ? s.pieces : null;
  if (all === null) return start < end ? [{ start, end, values: s.params.subarray(start, end) }] : [];
  const out: SnapshotPiece[] = [];
  for (const p of all) {
    const a = Math.max(p.start, start);
    const b = Math.min(p.end, end);
    if (a < b)
      out.push(
        a === p.start && b === p.end ? p : { start: a, end: b, values: p.values.subarray(a - p.start, b - p.start) },
      );
  }
  return out;
}

/** The length of a snapshot's vector, without flattening it. */
export function snapshotSize(s: ParamSnapshot): number {
  return s instanceof PiecedSnapshot ? s.size : s.params.length;
}

/** Copies a snapshot's values [start, end) into `out` (length end − start) without flattening it. */
export function readSnapshot(s: ParamSnapshot, start: number, end: number, out: Float32Array): void {
  for (const p of snapshotPieces(s, start, end)) out.set(p.values, p.start - start);
}

/**
 * A snapshot of `size` values made of `pieces`, which must tile [0, size) in index order; the
 * caller hands them over and must never write them afterwards. Adjacent pieces are kept as they are.
 * @throws RangeError as `makeSnapshot`, or if the pieces do not tile [0, size).
 */
export function makePiecedSnapshot(version: number, size: number, pieces: readonly SnapshotPiece[]): ParamSnapshot {
  if (!Number.isInteger(version) || version < 0)
    throw new RangeError(`snapshot version must be an integer >= 0, got ${version}`);
  let at = 0;
  for (const p of pieces) {
    if (p.start !== at || p.end < p.start || p.values.length !== p.end - p.start)
      throw new RangeError(`snapshot pieces must tile [0, ${size}) in order; got one at [${p.start}, ${p.end})`);
    at = p.end;
  }
  if (at !== size) throw new RangeError(`snapshot pieces must tile [0, ${size}); they end at ${at}`);
  const s = new PiecedSnapshot(version, pieces, size);
  if (pieces.length > MAX_PIECES) void s.params;
  return Object.freeze(s);
}
