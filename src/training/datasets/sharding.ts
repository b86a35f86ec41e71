/**
 * Splitting a training set across W workers. Three schemes:
 * - `iid`: shuffle, then contiguous equal parts (sizes differ by at most 1).
 * - `dirichlet`: label skew after Hsu, Qi & Brown (2019) as used for FedAvg benchmarks: for each class
 *   draw proportions p ~ Dir(α·1_W) and cut the class's (shuffled) indices at ⌊cumsum(p)·n_c⌋.
 *   Small α → each worker sees few classes; large α → close to iid.
 * - `classes`: McMahan et al. (2017)'s pathological split: sort by label, cut into k·W equal shards,
 *   give each worker k shards (k = 2 gives the paper's 2 shards per client).
 * Every scheme is a partition: each sample lands in exactly one shard. Shards hold dataset row indices.
 */
import type { Rng } from '../../core/rng.ts';
import { asClassification, type Dataset } from './dataset.ts';

/** How to shard; `kind` picks the scheme. */
export type ShardSpec =
  | { readonly kind: 'iid' }
  | { readonly kind: 'dirichlet'; readonly alpha: number; readonly minPerWorker?: number; readonly maxTries?: number }
  | { readonly kind: 'classes'; readonly shardsPerWorker?: number };

function checkWorkers(workers: number, n: number): void {
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`workers must be an integer >= 1, got ${workers}`);
  if (n < 0) throw new RangeError(`n must be >= 0, got ${n}`);
}

/** Cuts `order` into `parts` contiguous pieces whose sizes differ by at most 1 (larger ones first). */
function equalParts(order: readonly number[], parts: number): Int32Array[] {
  const out: Int32Array[] = [];
  const base = Math.floor(order.length / parts);
  const extra = order.length % parts;
  let at = 0;
  for (let p = 0; p < parts; p++) {
    const size = base + (p < extra ? 1 : 0);
    out.push(Int32Array.from(order.slice(at, at + size)));
    at += size;
  }
  return out;
}

/**
 * IID shards of `n` samples: one seeded permutation cut into `workers` parts; sizes differ by ≤ 1.
 * @throws RangeError unless workers is an integer >= 1.
 */
export function shardIid(n: number, workers: number, rng: Rng): Int32Array[] {
  checkWorkers(workers, n);
  return equalParts(rng.permutation(n), workers);
}

/** Options of `shardDirichlet`. */
export interface DirichletShardOptions {
  /** Redraw the whole split until every worker has at least this many samples. Default 1. */
  readonly minPerWorker?: number;
  /** Give up after this many draws. Default 100. */
  readonly maxTries?: number;
}

/**
 * Label-skewed shards: for each class c = 0..C-1, shuffle its indices, draw p ~ Dir(α·1_W) and give
 * worker w the slice [⌊P_{w-1}·n_c⌋, ⌊P_w·n_c⌋) with P the cumulative sums (P_W taken as exactly 1).
 * If a worker ends up with fewer than `minPerWorker` samples the whole split is redrawn from the same
 * stream (as FedML does), so the result stays a deterministic function of the seed.
 * @throws RangeError on bad α, workers or labels, or if no draw in `maxTries` meets `minPerWorker`
 *   (raise α or lower the worker count).
 */
export function shardDirichlet(
  labels: Int32Array,
  numClasses: number,
  workers: number,
  alpha: number,
  rng: Rng,
  opts: DirichletShardOptions = {},
): Int32Array[] {
  checkWorkers(workers, labels.length);
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new RangeError(`dirichlet alpha must be a finite number > 0, got ${alpha}`);
  const minPerWorker = opts.minPerWorker ?? 1;
  const maxTries = opts.maxTries ?? 100;
  if (minPerWorker * workers > labels.length) {
    throw new RangeError(`cannot give ${workers} workers ${minPerWorker} samples each from ${labels.length} samples`);
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!(c >= 0 && c < numClasses)) throw new RangeError(`label ${c} of sample ${i} is outside [0, ${numClasses})`);
    byClass[c]!.push(i);
  }
  const conc = new Array<number>(workers).fill(alpha);
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const parts: number[][] = Array.from({ length: workers }, () => []);
    for (const original of byClass) {
      const idx = rng.shuffle(original.slice());
      const p = rng.dirichlet(conc);
      let cum = 0;
      let start = 0;
      for (let w = 0; w < workers; w++) {
        cum += p[w]!;
        // The last cut is the class size exactly, whatever rounding did to the cumulative sum.
        const end = w === workers - 1 ? idx.length : Math.min(idx.length, Math.floor(cum * idx.length));
        for (let j = start; j < end; j++) parts[w]!.push(idx[j]!);
        start = Math.max(start, end);
      }
    }
    if (parts.every((s) => s.length >= minPerWorker)) return parts.map((s) => Int32Array.from(s));
  }
  throw new RangeError(
    `dirichlet sharding (alpha ${alpha}, ${workers} workers) left a worker below ${minPerWorker} samples in ${maxTries} draws; raise alpha or use fewer workers`,
  );
}

/**
 * McMahan's pathological split: order samples by label (a seeded shuffle first, so ties are in random
 * order), cut into `shardsPerWorker · workers` contiguous shards of near-equal size, and give worker w
 * the shards at positions [w·k, (w+1)·k) of a seeded permutation of shard ids.
 * @throws RangeError unless shardsPerWorker is an integer >= 1 and there are at least k·W samples.
 */
export function shardByClasses(labels: Int32Array, workers: number, rng: Rng, shardsPerWorker = 2): Int32Array[] {
  checkWorkers(workers, labels.length);
  if (!Number.isInteger(shardsPerWorker) || shardsPerWorker < 1) {
    throw new RangeError(`shardsPerWorker must be an integer >= 1, got ${shardsPerWorker}`);
  }
  const total = shardsPerWorker * workers;
  if (labels.length < total) throw new RangeError(`${labels.length} samples cannot fill ${total} shards`);
  // Array.prototype.sort is stable, so the preceding shuffle decides the order within a class.
  const order = rng.permutation(labels.length).sort((a, b) => labels[a]! - labels[b]!);
  const shards = equalParts(order, total);
  const assign = rng.permutation(total);
  const out: Int32Array[] = [];
  for (let w = 0; w < workers; w++) {
    let size = 0;
    for (let s = 0; s < shardsPerWorker; s++) size += shards[assign[w * shardsPerWorker + s]!]!.length;
    const mine = new Int32Array(size);
    let at = 0;
    for (let s = 0; s < shardsPerWorker; s++) {
      const piece = shards[assign[w * shardsPerWorker + s]!]!;
      mine.set(piece, at);
      at += piece.length;
    }
    out.push(mine);
  }
  return out;
}

/**
 * Shards `ds` across `workers` by `spec`. Label-based schemes need a classification set.
 * @throws TypeError for a label-based scheme on a regression set; RangeError as the scheme does.
 */
export function shardDataset(ds: Dataset, workers: number, spec: ShardSpec, rng: Rng): Int32Array[] {
  switch (spec.kind) {
    case 'iid':
      return shardIid(ds.n, workers, rng);
    case 'dirichlet': {
      const c = asClassification(ds, 'dirichlet sharding');
      const opts: { minPerWorker?: number; maxTries?: number } = {};
      if (spec.minPerWorker !== undefined) opts.minPerWorker = spec.minPerWorker;
      if (spec.maxTries !== undefined) opts.maxTries = spec.maxTries;
      return shardDirichlet(c.y, c.numClasses, workers, spec.alpha, rng, opts);
    }
    case 'classes':
      return shardByClasses(asClassification(ds, 'class sharding').y, workers, rng, spec.shardsPerWorker ?? 2);
  }
}
