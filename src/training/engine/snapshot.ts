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
