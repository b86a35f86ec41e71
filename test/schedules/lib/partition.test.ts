import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, bytesPerSecond, flopsPerSecond, seconds } from '../../../src/core/units.ts';
import type { DeviceSpec } from '../../../src/hardware/device-spec.ts';
import { gpuSpec } from '../../../src/hardware/gpu-catalog.ts';
import type { LinkSpec } from '../../../src/hardware/link-spec.ts';
import {
  cutPoints,
  evaluatePartition,
  manualPartition,
  planPartition,
  type PartitionOptions,
} from '../../../src/schedules/lib/partition.ts';
import type { LayerProfile, TimingProfile } from '../../../src/workload/types.ts';

/** 1 TFLOP/s at efficiency 1 with a memory roof far out of the way: t = FLOPs / (1e12 · speed). */
const FAST_MEMORY: DeviceSpec = {
  name: 'test-1T',
  vendor: 'custom',
  peak: { fp32: flopsPerSecond(1e12), fp16: flopsPerSecond(1e12) },
  memoryBandwidth: bytesPerSecond(1e30),
  memoryBytes: bytes(80e9),
  defaultEfficiency: 1,
};

function profileOf(layers: readonly LayerProfile[]): TimingProfile {
  return { name: 'test', description: 'constructed', source: 'test', sample: 'vector', bytesPerValue: 4, layers };
}

/** `n` identical dense layers of 1 GFLOP per sample and no bytes. */
const equal = (n: number): TimingProfile =>
  profileOf(
    Array.from({ length: n }, (_, i) => ({
      name: `l${i}`,
      params: 1,
      forwardFlopsPerSample: 1e9,
      activationBytesPerSample: 0,
    })),
  );

const opts = (profile: TimingProfile, speeds: readonly number[], links?: readonly LinkSpec[]): PartitionOptions => ({
  profile,
  devices: speeds.map((speed) => ({ spec: FAST_MEMORY, speed })),
  microBatch: 1,
  precision: 'fp32',
  // The plain roofline at 100%: t = FLOPs / (1e12 · speed) exactly (the kind model adds launches).
  efficiency: 1,
  ...(links !== undefined ? { links } : {}),
});

/** Every split of `layers` into `stages` positive parts (compositions), for brute force. */
function compositions(layers: number, stages: number): number[][] {
  if (stages === 1) return [[layers]];
  const out: number[][] = [];
  for (let first = 1; first <= layers - (stages - 1); first++)
    for (const rest of compositions(layers - first, stages - 1)) out.push([first, ...rest]);
  return out;
}

describe('stage partitioning (PipeDream planner, spec §15)', () => {
  it('splits equal layers evenly over equal GPUs', () => {
    expect(planPartition(opts(equal(8), [1, 1, 1, 1])).layersPerStage).toEqual([2, 2, 2, 2]);
    expect(planPartition(opts(equal(12), [1, 1, 1])).layersPerStage).toEqual([4, 4, 4]);
    // Each layer costs 1e9/1e12 = 1 ms forward and 2 ms backward, so 4 layers = 12 ms per micro-batch.
    expect(planPartition(opts(equal(12), [1, 1, 1])).bottleneckS).toBeCloseTo(0.012, 15);
  });

  it('gives a 2× faster GPU twice the layers (exact on a constructed profile)', () => {
    // 6 equal layers of 3 ms (F + B + W) on speeds [2, 1]: [4, 2] gives 4·3/2 = 6 ms and 2·3/1 = 6 ms,
    // balanced exactly; any other split puts ≥ 7.5 ms (5 layers fast) or ≥ 9 ms (3 layers slow) on one.
    const p = planPartition(opts(equal(6), [2, 1]));
    expect(p.layersPerStage).toEqual([4, 2]);
    expect(p.bottleneckS).toBeCloseTo(0.006, 15);
    expect(planPartition(opts(equal(6), [1, 2])).layersPerStage).toEqual([2, 4]);
    // 8 layers on [1, 2, 1]: [2, 4, 2] gives 6 ms everywhere.
    expect(planPartition(opts(equal(8), [1, 2, 1])).layersPerStage).toEqual([2, 4, 2]);
  });

  it('gives a faster catalog GPU more layers (H100 vs V100)', () => {
    const p = planPartition({
      profile: equal(20),
      devices: [
        { spec: gpuSpec('V100-32GB'), speed: 1 },
        { spec: gpuSpec('H100-SXM'), speed: 1 },
      ],
      microBatch: 8,
      precision: 'fp16',
    });
    expect(p.layersPerStage[1]!).toBeGreaterThan(p.layersPerStage[0]!);
  });

  it('charges each boundary 2(α + bytes/β) to both stages it joins', () => {
    // Layers output act/2 = 500 B per sample; link α = 1 ms, β = 1e6 B/s → one boundary costs
    // 2 · (1e-3 + 500/1e6) = 3 ms. The middle stage of three touches two boundaries: 6 ms.
    const prof = profileOf(
      Array.from({ length: 3 }, (_, i) => ({
        name: `l${i}`,
        params: 0,
        forwardFlopsPerSample: 1e9,
        activationBytesPerSample: 1000,
      })),
    );
    const link: LinkSpec = { bandwidth: bytesPerSecond(1e6), latency: seconds(1e-3) };
    const p = evaluatePartition(opts(prof, [1, 1, 1], [link, link]), [1, 1, 1]);
    expect(p.stages.map((s) => s.commS)).toEqual([0.003, 0.006, 0.003].map((x) => expect.closeTo(x, 15)));
    // Compute per stage is 1 ms + 2 ms; the middle stage is the bottleneck at 3 + 6 = 9 ms.
    expect(p.bottleneckS).toBeCloseTo(0.009, 15);
  });

  it('finds the optimum of a brute-force search over all splits (property, fixed seed)', () => {
    const layer = fc.record({
      params: fc.integer({ min: 0, max: 1000 }),
      flops: fc.integer({ min: 1, max: 1000 }),
      act: fc.integer({ min: 0, max: 4000 }),
    });
    fc.assert(
      fc.property(
        fc.array(layer, { minLength: 1, maxLength: 9 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ bw: fc.integer({ min: 1, max: 100 }), lat: fc.integer({ min: 0, max: 5 }) }), {
          minLength: 3,
          maxLength: 3,
        }),
        (ls, speeds, ln) => {
          fc.pre(speeds.length <= ls.length);
          // Memory-bound layers too: a 1e9 B/s roof against 1e6-1e9 FLOP layers on a 1 TFLOP/s GPU.
          const spec: DeviceSpec = { ...FAST_MEMORY, memoryBandwidth: bytesPerSecond(1e9) };
          const o: PartitionOptions = {
            profile: profileOf(
              ls.map((l, i) => ({
                name: `l${i}`,
                params: l.params,
                forwardFlopsPerSample: l.flops * 1e6,
                activationBytesPerSample: l.act,
              })),
            ),
            devices: speeds.map((speed) => ({ spec, speed })),
            links: ln
              .slice(0, speeds.length - 1)
              .map((l) => ({ bandwidth: bytesPerSecond(l.bw * 1e6), latency: seconds(l.lat * 1e-4) })),
            microBatch: 2,
            precision: 'fp32',
          };
          const plan = planPartition(o);
          let brute = Infinity;
          for (const split of compositions(ls.length, speeds.length))
            brute = Math.min(brute, evaluatePartition(o, split).bottleneckS);
          // The DP sums prefix differences, the brute force sums layer by layer: equal to rounding.
          expect(plan.bottleneckS).toBeCloseTo(brute, 12);
          expect(plan.layersPerStage.reduce((a, b) => a + b, 0)).toBe(ls.length);
        },
      ),
      { seed: 12, numRuns: 200 },
    );
  });

  it('validates a manual split with messages naming the numbers', () => {
    expect(manualPartition([3, 2, 1], 6)).toEqual([3, 2, 1]);
    expect(() => manualPartition([3, 2], 6)).toThrow(/layers per stage \[3, 2\] sum to 5, not the 6 layers/);
    expect(() => manualPartition([3, 0, 3], 6)).toThrow(/stage 1 must have a positive whole number of layers, got 0/);
    expect(() => manualPartition([2.5, 3.5], 6)).toThrow(/stage 0 .* got 2.5/);
    expect(() => manualPartition([1, 1, 1], 2)).toThrow(/3 stages cannot split 2 layers/);
    expect(() => manualPartition([], 2)).toThrow(/at least one stage/);
    expect(() => manualPartition([-1, 7], 6)).toThrow(RangeError);
  });

  it('rejects plans it cannot make', () => {
    expect(() => planPartition(opts(equal(2), [1, 1, 1]))).toThrow(/3 stages cannot split 2 layers/);
    const link: LinkSpec = { bandwidth: bytesPerSecond(1e9), latency: seconds(0) };
    expect(() => planPartition(opts(equal(4), [1, 1, 1], [link]))).toThrow(/3 stages need 2 links between them, got 1/);
    expect(() => evaluatePartition(opts(equal(4), [1, 1]), [1, 1, 2])).toThrow(/3 stages given for 2 stage devices/);
  });

  it('plans a single stage as the whole model', () => {
    const p = planPartition(opts(equal(5), [1]));
    expect(p.layersPerStage).toEqual([5]);
    expect(p.stages[0]!.commS).toBe(0);
  });
});

describe('stage cuts between blocks', () => {
  /** `blocks` blocks of 3 equal layers (`h.<b>.a/b/c`) between an `embed` and a `head` layer. */
  const blocky = (blocks: number): TimingProfile =>
    profileOf([
      { name: 'embed', params: 1, forwardFlopsPerSample: 1e9, activationBytesPerSample: 0 },
      ...Array.from({ length: blocks }, (_, b) =>
        ['a', 'b', 'c'].map((part) => ({
          name: `h.${b}.${part}`,
          params: 1,
          forwardFlopsPerSample: 1e9,
          activationBytesPerSample: 0,
        })),
      ).flat(),
      { name: 'head', params: 1, forwardFlopsPerSample: 1e9, activationBytesPerSample: 0 },
    ]);

  it('allows a cut only where a block ends, or around layers outside blocks', () => {
    const names = blocky(2).layers.map((l) => l.name);
    // embed | h.0.a h.0.b h.0.c | h.1.a h.1.b h.1.c | head: cuts after embed, after h.0.c, after h.1.c.
    expect(cutPoints(names, 2)).toEqual([true, true, false, false, true, false, false, true, true]);
    // More stages than block boundaries can serve: any cut.
    expect(cutPoints(names, 5).every((c) => c)).toBe(true);
    expect(cutPoints(['l0', 'l1', 'l2'], 3)).toEqual([true, true, true, true]);
  });

  it('keeps every block on one stage, at the best balance the block cuts allow', () => {
    // 14 equal layers: embed, 4 blocks of 3, head. Free cuts would give 7 | 7; at block boundaries the
    // closest are 1 + 6 = 7 | 7 (after h.1.c): the same. On 3 stages free cuts give 5 | 5 | 4; block
    // cuts give 4 | 6 | 4 or 7 | 3 | 4 ...: the best bottleneck is 6 layers (1+3 | 3+3 | 3+1 = 4 | 6 | 4).
    const p2 = planPartition(opts(blocky(4), [1, 1]));
    expect(p2.layersPerStage).toEqual([7, 7]);
    const p3 = planPartition(opts(blocky(4), [1, 1, 1]));
    expect(p3.bottleneckS).toBeCloseTo(0.018, 15);
    const ends = p3.layersPerStage
      .slice(0, -1)
      .map((_, s) => p3.layersPerStage.slice(0, s + 1).reduce((a, b) => a + b));
    const cut = cutPoints(
      blocky(4).layers.map((l) => l.name),
      3,
    );
    for (const e of ends) expect(cut[e]).toBe(true);
  });
});
