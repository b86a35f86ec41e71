import { describe, expect, it } from 'vitest';
import { bucketReadyTimes, ddpBuckets } from '../../../src/schedules/lib/ddp-buckets.ts';

// Forward 1 s; backward layers (backward order) of 1, 2 and 3 s producing 10, 20 and 5 bytes.
const cost = {
  forwardS: 1,
  backwardS: 6,
  backwardLayers: [
    { timeS: 1, gradBytes: 10 },
    { timeS: 2, gradBytes: 20 },
    { timeS: 3, gradBytes: 5 },
  ],
};

describe('DDP buckets', () => {
  it('cuts buckets in backward order at the bucket size', () => {
    expect(ddpBuckets(cost, 25)).toEqual([
      { lastLayer: 1, bytes: 30 },
      { lastLayer: 2, bytes: 5 },
    ]);
    expect(ddpBuckets(cost, 1000)).toEqual([{ lastLayer: 2, bytes: 35 }]);
  });

  it('makes a bucket ready when the backward pass has produced its last layer', () => {
    // Bucket 0 ends at layer 1: 1 (forward) + 1 + 2 = 4 s; bucket 1 at layer 2: 4 + 3 = 7 s.
    expect(Array.from(bucketReadyTimes(cost, ddpBuckets(cost, 25)))).toEqual([4, 7]);
    // One bucket per layer: ready after 2, 4 and 7 s.
    expect(Array.from(bucketReadyTimes(cost, ddpBuckets(cost, 1)))).toEqual([2, 4, 7]);
  });
});
