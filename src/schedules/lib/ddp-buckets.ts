/**
 * DDP gradient buckets (Li et al., "PyTorch Distributed", VLDB 2020): gradients are grouped in
 * backward order into buckets of at least `bucketBytes`, and a bucket can be all-reduced as soon as the
 * backward pass has produced its last layer's gradient, overlapping communication with the rest of
 * the backward pass.
 */
import type { WorkerCost } from './compute-model.ts';

/** One DDP bucket: the backward-layer index (backward order) that completes it, and its bytes. */
export interface Bucket {
  readonly lastLayer: number;
  readonly bytes: number;
}

/** Buckets of at least `bucketBytes`, filled in backward order (the last one may be smaller). */
export function ddpBuckets(cost: WorkerCost, bucketBytes: number): Bucket[] {
  const out: Bucket[] = [];
  let acc = 0;
  cost.backwardLayers.forEach((l, i) => {
    acc += l.gradBytes;
    if (acc >= bucketBytes) {
      out.push({ lastLayer: i, bytes: acc });
      acc = 0;
    }
  });
  if (acc > 0 || out.length === 0) out.push({ lastLayer: cost.backwardLayers.length - 1, bytes: acc });
  return out;
}

/** Seconds from step start at which each bucket is ready on a worker with these costs (before stragglers). */
export function bucketReadyTimes(cost: WorkerCost, buckets: readonly Bucket[]): Float64Array {
  const out = new Float64Array(buckets.length);
  let t = cost.forwardS;
  let k = 0;
  cost.backwardLayers.forEach((l, i) => {
    t += l.timeS;
    while (k < buckets.length && buckets[k]!.lastLayer === i) out[k++] = t;
  });
  return out;
}
