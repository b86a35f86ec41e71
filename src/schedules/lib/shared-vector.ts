/**
 * One parameter vector in shared memory, written without locks (Hogwild!, spec §5): the state a
 * lock-free schedule needs and nothing of its timing.
 *
 * The vector is cut into granules of `granule` consecutive coordinates (1: per-coordinate writes, the
 * paper's atomic per-component add; larger: per cache line or per row). Each granule keeps a version
 * (stores that landed on it) and the time of its last store. A thread:
 *
 * - `read()`s the vector as it is at that instant: a copy of the values and of every granule's
 *   version. A read taken while another thread's write is under way holds the granules that write has
 *   already stored and not the others: a torn read, composed per granule of whatever each held.
 * - `store(j, …)`s one granule at a time. `atomic`: x ← x_now − γ·G on the value held at the store
 *   (a fetch-and-add; no update is lost). `racy`: x ← x_loaded − γ·G on the value the thread loaded
 *   when its write began (`load`): every store another thread landed on the granule in between is
 *   overwritten, and counted as a lost update.
 *
 * A store is a conflict when another thread stored to the granule since this thread's read (the
 * granule's version differs from the one read). Conflicts and lost updates are counted per store.
 *
 * Values are float32, each store computed in float64 and rounded once, x − γ·g, exactly as the SGD
 * optimizer (`training/optimizers/sgd.ts`, no momentum, no weight decay) computes a step: so one
 * thread reproduces plain SGD bit for bit.
 */
import type { ParamRange, Vec } from './trainer.ts';

/** What a thread read: the values and each granule's version at that instant. */
export interface SharedRead {
  readonly values: Vec;
  readonly versions: Int32Array;
}

/** What one store did. */
export interface StoreOutcome {
  /** Another thread stored to this granule since the read. */
  readonly conflict: boolean;
  /** Other threads' stores this one overwrote (racy writes only; 0 for atomic). */
  readonly lost: number;
}

/** The shared vector (see the file header). */
export class SharedVector {
  /** Coordinates per granule (the last granule may be shorter). */
  readonly granule: number;
  /** Number of granules, ⌈size / granule⌉. */
  readonly granules: number;
  private readonly x: Float32Array;
  private readonly versions: Int32Array;
  private readonly lastStoreS: Float64Array;

  /** @throws RangeError unless `granule` is a positive integer. */
  constructor(initial: Vec, granule: number) {
    if (!Number.isInteger(granule) || granule < 1)
      throw new RangeError(`granule must be a positive integer, got ${granule}`);
    this.granule = granule;
    this.x = initial.slice();
    this.granules = Math.ceil(initial.length / granule);
    this.versions = new Int32Array(this.granules);
    this.lastStoreS = new Float64Array(this.granules).fill(-Infinity);
  }

  /** Coordinates in the vector. */
  get size(): number {
    return this.x.length;
  }

  /** The [start, end) coordinates of granule `j`. */
  range(j: number): ParamRange {
    return [j * this.granule, Math.min(this.x.length, (j + 1) * this.granule)];
  }

  /** Stores landed on granule `j`. */
  version(j: number): number {
    return this.versions[j]!;
  }

  /** Simulated time of granule `j`'s last store (−∞ before any). */
  lastStore(j: number): number {
    return this.lastStoreS[j]!;
  }

  /** The values as they are now (a copy). */
  values(): Vec {
    return this.x.slice();
  }

  /** A read at this instant: values and granule versions (copies). */
  read(): SharedRead {
    return { values: this.x.slice(), versions: this.versions.slice() };
  }

  /** The granules where `grad` is non-zero, ascending: the gradient's support, by granule. */
  support(grad: Vec): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.granules; j++) {
      const [a, b] = this.range(j);
      for (let i = a; i < b; i++) {
        if (grad[i] !== 0) {
          out.push(j);
          break;
        }
      }
    }
    return out;
  }

  /** What a racy write loads when it begins: granule `j`'s values and version now. */
  load(j: number): { readonly values: Vec; readonly version: number } {
    const [a, b] = this.range(j);
    return { values: this.x.slice(a, b), version: this.versions[j]! };
  }

  /**
   * Stores x − lr·grad on granule `j` at `timeS`, x being the value now (`loaded` absent: atomic) or
   * the values loaded when the write began (racy), and counts the conflict against `read`.
   */
  store(
    j: number,
    grad: Vec,
    lr: number,
    read: SharedRead,
    timeS: number,
    loaded?: { readonly values: Vec; readonly version: number },
  ): StoreOutcome {
    const [a, b] = this.range(j);
    const x = this.x;
    if (loaded === undefined) for (let i = a; i < b; i++) x[i] = x[i]! - lr * grad[i]!;
    else for (let i = a; i < b; i++) x[i] = loaded.values[i - a]! - lr * grad[i]!;
    const v = this.versions[j]!;
    const outcome = { conflict: v !== read.versions[j]!, lost: loaded === undefined ? 0 : v - loaded.version };
    this.versions[j] = v + 1;
    this.lastStoreS[j] = timeS;
    return outcome;
  }
}
