/**
 * GPU memory accounting: what each rank holds, by kind, against its GPU's capacity. Allocations are
 * explicit (alloc/free); the ledger keeps the current use and the peak per rank. An allocation past a
 * GPU's capacity throws `OutOfMemoryError` naming the GPU, its capacity, what is in use by tag and the
 * request, unless the scenario allows oversubscription (`cluster.allowOversubscribe`), in which case it
 * is recorded anyway and the peak shows by how much the GPU is oversubscribed.
 */

/** What an allocation holds. */
export type MemoryTag = 'weights' | 'grads' | 'optimizer' | 'activations' | 'stash' | 'buffers';

/** Every tag, in report order. */
export const MEMORY_TAGS: readonly MemoryTag[] = ['weights', 'grads', 'optimizer', 'activations', 'stash', 'buffers'];

/** One live allocation. */
export interface Allocation {
  readonly rank: number;
  readonly bytes: number;
  readonly tag: MemoryTag;
}

/** Bytes as GiB with two decimals, for messages. */
export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** An allocation that does not fit on its GPU. */
export class OutOfMemoryError extends Error {
  constructor(
    readonly rank: number,
    readonly gpu: string,
    readonly capacity: number,
    readonly inUse: Readonly<Record<MemoryTag, number>>,
    readonly request: { readonly bytes: number; readonly tag: MemoryTag },
  ) {
    const used = MEMORY_TAGS.filter((t) => inUse[t] > 0)
      .map((t) => `${t} ${gib(inUse[t])}`)
      .join(', ');
    super(
      `out of GPU memory on rank ${rank} (${gpu}, capacity ${gib(capacity)}): in use ${used === '' ? 'nothing' : used}; ` +
        `requested ${gib(request.bytes)} of ${request.tag}; set cluster.allowOversubscribe: true to run anyway`,
    );
    this.name = 'OutOfMemoryError';
  }
}

interface RankBook {
  used: number;
  peak: number;
  readonly tags: Record<MemoryTag, number>;
}

function emptyTags(): Record<MemoryTag, number> {
  return { weights: 0, grads: 0, optimizer: 0, activations: 0, stash: 0, buffers: 0 };
}

/** Per-rank memory use against capacity (see the file header). */
export class MemoryLedger {
  private readonly books: RankBook[];
  private readonly live = new WeakSet<Allocation>();

  /**
   * @param capacities bytes per rank (the GPU's `memoryBytes`).
   * @param gpuNames GPU name per rank, for error messages (default `GPU`).
   */
  constructor(
    private readonly capacities: readonly number[],
    readonly allowOversubscribe: boolean,
    private readonly gpuNames: readonly string[] = [],
  ) {
    this.books = capacities.map(() => ({ used: 0, peak: 0, tags: emptyTags() }));
  }

  /** Ranks covered. */
  get ranks(): number {
    return this.books.length;
  }

  /** Would `bytes` more fit on `rank` now? */
  fits(rank: number, bytes: number): boolean {
    return this.book(rank).used + bytes <= this.capacities[rank]!;
  }

  /**
   * Records `bytes` of `tag` on `rank`.
   * @throws OutOfMemoryError past the capacity unless oversubscription is allowed; RangeError for bad bytes.
   */
  alloc(rank: number, bytes: number, tag: MemoryTag): Allocation {
    this.grow(rank, bytes, tag);
    const a: Allocation = Object.freeze({ rank, bytes, tag });
    this.live.add(a);
    return a;
  }

  /**
   * Records `bytes` more of `tag` on `rank` without an allocation handle, for uses that come and go by
   * the million (a pipeline's activations): the caller returns the same bytes with `shrink`.
   * @throws as `alloc`.
   */
  grow(rank: number, bytes: number, tag: MemoryTag): void {
    const b = this.book(rank);
    if (!(bytes >= 0) || !Number.isFinite(bytes))
      throw new RangeError(`bytes must be a finite number >= 0, got ${bytes}`);
    if (!this.allowOversubscribe && b.used + bytes > this.capacities[rank]!) {
      throw new OutOfMemoryError(
        rank,
        this.gpuNames[rank] ?? 'GPU',
        this.capacities[rank]!,
        { ...b.tags },
        { bytes, tag },
      );
    }
    b.used += bytes;
    b.tags[tag] += bytes;
    if (b.used > b.peak) b.peak = b.used;
  }

  /**
   * Returns `bytes` of `tag` on `rank` that `grow` recorded.
   * @throws Error when `rank` holds fewer bytes of `tag` than that (beyond float rounding).
   */
  shrink(rank: number, bytes: number, tag: MemoryTag): void {
    const b = this.book(rank);
    if (bytes > b.tags[tag] * (1 + 1e-12) + 1e-9)
      throw new Error(`shrink of ${bytes} bytes of ${tag} on rank ${rank}, which holds ${b.tags[tag]}`);
    b.used -= bytes;
    b.tags[tag] -= bytes;
  }

  /** Releases `a`. @throws Error if it is not live (freed twice, or another ledger's). */
  free(a: Allocation): void {
    if (!this.live.has(a)) throw new Error('free of an allocation that is not live in this ledger');
    this.live.delete(a);
    const b = this.book(a.rank);
    b.used -= a.bytes;
    b.tags[a.tag] -= a.bytes;
  }

  used(rank: number): number {
    return this.book(rank).used;
  }

  peak(rank: number): number {
    return this.book(rank).peak;
  }

  capacity(rank: number): number {
    this.book(rank);
    return this.capacities[rank]!;
  }

  /** Bytes in use on `rank` by tag. */
  byTag(rank: number): Readonly<Record<MemoryTag, number>> {
    return { ...this.book(rank).tags };
  }

  /** The largest peak over all ranks. */
  maxPeak(): number {
    let m = 0;
    for (const b of this.books) m = Math.max(m, b.peak);
    return m;
  }

  private book(rank: number): RankBook {
    const b = this.books[rank];
    if (b === undefined) throw new RangeError(`rank ${rank} out of range [0, ${this.books.length})`);
    return b;
  }
}
