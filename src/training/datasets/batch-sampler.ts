/**
 * Per-worker mini-batch sampling with epoch accounting. Each worker draws from its own shard with its
 * own RNG stream (`rng.fork(\`worker-${w}\`)`), so adding or removing a worker never changes another
 * worker's batches.
 *
 * Policy at the epoch boundary: a batch WRAPS. It takes the remaining samples of the current epoch,
 * the order is reshuffled, and it continues with the head of the next epoch. Nothing is dropped, so every
 * epoch shows each sample of the shard exactly once and `samplesSeen / shardSize` is the exact number
 * of epochs — which FedAvg's u_k = E·n_k/B and non-iid shards of uneven (often small) size rely on.
 * Drop-remainder would lose up to B−1 samples per epoch per worker, a large share of a small shard.
 */
import type { Rng } from '../../core/rng.ts';

/** A shuffling, epoch-counting batch sampler over one worker's shard. */
export class BatchSampler {
  /** Samples in the shard. */
  readonly size: number;
  private readonly shard: Int32Array;
  private readonly rng: Rng;
  private readonly order: Int32Array;
  private pos = 0;
  private seen = 0;

  /**
   * @param shard dataset row indices of this worker (copied; never modified).
   * @param rng this worker's own stream; consumed by the reshuffles only.
   * @throws RangeError if the shard is empty.
   */
  constructor(shard: ArrayLike<number>, rng: Rng) {
    if (shard.length === 0) throw new RangeError('BatchSampler needs a non-empty shard');
    this.shard = Int32Array.from(shard);
    this.size = this.shard.length;
    this.rng = rng;
    this.order = new Int32Array(this.size);
    this.reshuffle();
  }

  /** Completed passes over the shard: ⌊samplesSeen / size⌋. */
  get epoch(): number {
    return Math.floor(this.seen / this.size);
  }

  /** Exact fractional epochs consumed: samplesSeen / size. */
  get epochProgress(): number {
    return this.seen / this.size;
  }

  /** Samples handed out so far, counting repeats across epochs. */
  get samplesSeen(): number {
    return this.seen;
  }

  /** Samples left in the current epoch before the next reshuffle (1..size). */
  get remainingInEpoch(): number {
    return this.size - this.pos;
  }

  /**
   * The next `batchSize` row indices (a new array). Wraps across epoch boundaries, reshuffling at each;
   * a batch larger than the shard spans several epochs.
   * @throws RangeError unless batchSize is an integer >= 1.
   */
  next(batchSize: number): Int32Array {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
    const out = new Int32Array(batchSize);
    this.nextInto(out);
    return out;
  }

  /**
   * Fills `out` with the next `out.length` row indices; no allocation. Same sequence as `next`.
   * @throws RangeError if `out` is empty.
   */
  nextInto(out: Int32Array): Int32Array {
    if (out.length === 0) throw new RangeError('nextInto needs a non-empty output array');
    for (let k = 0; k < out.length; k++) {
      if (this.pos === this.size) {
        this.reshuffle();
        this.pos = 0;
      }
      out[k] = this.order[this.pos++]!;
    }
    this.seen += out.length;
    return out;
  }

  /** Number of batches of `batchSize` that make up `epochs` epochs, rounded up (wrapping batches). */
  stepsFor(epochs: number, batchSize: number): number {
    return Math.ceil((epochs * this.size) / batchSize);
  }

  private reshuffle(): void {
    // Shuffle the shard in its original order each epoch, so epoch e's order depends on the stream only.
    this.order.set(this.shard);
    for (let i = this.size - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      const t = this.order[i]!;
      this.order[i] = this.order[j]!;
      this.order[j] = t;
    }
  }
}

/**
 * One sampler per worker, worker w using `rng.fork(\`worker-${w}\`)` (forking is pure: `rng` is not
 * consumed). @throws RangeError if any shard is empty.
 */
export function createWorkerSamplers(shards: readonly ArrayLike<number>[], rng: Rng): BatchSampler[] {
  return shards.map((s, w) => new BatchSampler(s, rng.fork(`worker-${w}`)));
}
