import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../../src/core/rng.ts';
import { BatchSampler, createWorkerSamplers } from '../../../src/training/datasets/batch-sampler.ts';

describe('BatchSampler', () => {
  it('shows each shard sample exactly once per epoch, wrapping batches across boundaries (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        (size, b, epochs, seed) => {
          const shard = Array.from({ length: size }, (_, i) => 1000 + 3 * i);
          const s = new BatchSampler(shard, new Rng(seed));
          const stream: number[] = [];
          while (stream.length < epochs * size) stream.push(...s.next(b));
          for (let e = 0; e < epochs; e++) {
            expect(stream.slice(e * size, (e + 1) * size).sort((x, y) => x - y)).toEqual(shard);
          }
          expect(s.samplesSeen).toBe(stream.length);
          expect(s.epoch).toBe(Math.floor(stream.length / size));
          expect(s.epochProgress).toBeCloseTo(stream.length / size, 12);
        },
      ),
    );
  });

  it('counts epochs and remaining samples: shard 10, batch 4 → 4, 8, 12 (wrapped) seen', () => {
    const s = new BatchSampler(
      Array.from({ length: 10 }, (_, i) => i),
      new Rng(1),
    );
    s.next(4);
    s.next(4);
    expect([s.epoch, s.remainingInEpoch]).toEqual([0, 2]);
    s.next(4); // 2 from epoch 0, 2 from epoch 1
    expect([s.samplesSeen, s.epoch, s.remainingInEpoch]).toEqual([12, 1, 8]);
    expect(s.stepsFor(5, 4)).toBe(13); // ⌈5·10/4⌉
  });

  it('reshuffles each epoch and is deterministic in its stream', () => {
    const shard = Array.from({ length: 50 }, (_, i) => i);
    const a = new BatchSampler(shard, new Rng(5));
    const b = new BatchSampler(shard, new Rng(5));
    const e0 = Array.from(a.next(50));
    const e1 = Array.from(a.next(50));
    expect(e0).not.toEqual(e1);
    expect(Array.from(b.next(50))).toEqual(e0);
    const out = new Int32Array(50);
    expect(Array.from(b.nextInto(out))).toEqual(e1);
  });

  it('gives each worker its own stream: a worker’s batches do not depend on the others', () => {
    const rng = new Rng('root');
    const shards = [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ];
    const three = createWorkerSamplers(shards, rng);
    const one = createWorkerSamplers(shards.slice(0, 1), rng);
    expect(Array.from(three[0]!.next(8))).toEqual(Array.from(one[0]!.next(8)));
    expect(new BatchSampler(shards[1]!, rng.fork('worker-1')).next(4)).toEqual(three[1]!.next(4));
  });

  it('rejects empty shards and bad batch sizes', () => {
    expect(() => new BatchSampler([], new Rng(1))).toThrow(RangeError);
    const s = new BatchSampler([1], new Rng(1));
    expect(() => s.next(0)).toThrow(RangeError);
    expect(() => s.next(1.5)).toThrow(RangeError);
    expect(Array.from(s.next(3))).toEqual([1, 1, 1]);
  });
});
