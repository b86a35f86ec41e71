import { describe, expect, it } from 'vitest';
import { powerSgd } from '../../../../src/schedules/lib/compression/powersgd.ts';
import { topK } from '../../../../src/schedules/lib/compression/top-k.ts';
import { profileTensors, wirePlan } from '../../../../src/schedules/lib/compression/wire-plan.ts';
import { getProfile } from '../../../../src/workload/index.ts';
import type { LayerProfile } from '../../../../src/workload/types.ts';

const layer = (name: string, params: number, gemm?: LayerProfile['gemm']): LayerProfile => ({
  name,
  params,
  forwardFlopsPerSample: 1,
  activationBytesPerSample: 1,
  ...(gemm === undefined ? {} : { gemm }),
});

describe('profileTensors', () => {
  it('splits a gemm layer into its k × n weight and the bias vector; other layers are vectors', () => {
    const tensors = profileTensors([
      layer('fc', 784 * 200 + 200, { m: 1, n: 200, k: 784, count: 1 }),
      layer('conv', 3 * 3 * 64 * 128, { m: 3136, n: 128, k: 576, count: 1 }),
      layer('bn', 256),
      layer('scores', 0, { m: 128, n: 128, k: 64, count: 12 }),
      layer('heads', 5000, { m: 1, n: 10, k: 10, count: 4 }),
    ]);
    expect(tensors).toEqual([
      { rows: 784, cols: 200, count: 1 },
      { rows: 1, cols: 200, count: 1 },
      { rows: 576, cols: 128, count: 1 },
      { rows: 1, cols: 256, count: 1 },
      { rows: 1, cols: 5000, count: 1 },
    ]);
  });

  it('accounts for every parameter of the named profiles', () => {
    for (const name of ['resnet50', 'gpt2-small', 'llama2-7b']) {
      const p = getProfile(name).build({ bytesPerValue: 4 });
      const total = profileTensors(p.layers).reduce((a, t) => a + t.rows * t.cols * t.count, 0);
      expect(total).toBe(p.layers.reduce((a, l) => a + l.params, 0));
    }
  });
});

describe('wirePlan', () => {
  const tensors = [
    { rows: 512, cols: 4608, count: 2 },
    { rows: 1, cols: 512, count: 1 },
    { rows: 100, cols: 100, count: 1 },
  ];

  it('splits a compressor’s bytes evenly over its rounds', () => {
    const c = powerSgd({ rank: 1, warmStart: true, minCompressionRate: 2, errorFeedback: true });
    // 2·5,120 + 512 (vector, uncompressed) + 200 values, at 4 bytes: 43,808 bytes in two halves.
    expect(wirePlan(() => c, tensors, 4)).toEqual([
      { collective: 'all-reduce', bytes: 21904, label: 'powersgd rank 1 (1/2)' },
      { collective: 'all-reduce', bytes: 21904, label: 'powersgd rank 1 (2/2)' },
    ]);
  });

  it('groups tensors by the compressor `pick` gives each profile tensor index, in order of first use', () => {
    const low = topK(0.99);
    const high = topK(0.1);
    const plan = wirePlan((i) => (i === 1 ? low : high), tensors, 2);
    // high: k of 2,359,296 (×2) and of 10,000 at 6 bytes a pair; low: ceil(0.99·512) = 507 pairs.
    expect(plan).toEqual([
      { collective: 'all-gather', bytes: (2 * 235930 + 1000) * 6, label: 'top-k 10%' },
      { collective: 'all-gather', bytes: 507 * 6, label: 'top-k 99%' },
    ]);
  });

  it('makes no call for tensors of zero bytes', () => {
    expect(wirePlan(() => topK(0.1), [], 4)).toEqual([]);
  });
});
