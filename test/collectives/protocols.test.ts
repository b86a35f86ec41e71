/**
 * NCCL's protocols and tuner (protocols.ts, tuner.ts): the constants as tuning.cc gives them, both
 * network models agreeing on a single collective under every protocol, no protocol beating the
 * bandwidth floor, the closed form of a one-node ring, and where `auto` switches algorithm and protocol.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulator } from '../../src/core/simulator.ts';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import type { NodeLinks } from '../../src/hardware/link-spec.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import { buildTopology } from '../../src/network/topologies.ts';
import { createNetworkModel } from '../../src/network/network-models.ts';
import { Communicator } from '../../src/collectives/communicator.ts';
import type { CollectiveOutcome } from '../../src/collectives/communicator.ts';
import { bandwidthFactor, protocolCosts } from '../../src/collectives/protocols.ts';
import type { Protocol } from '../../src/collectives/protocols.ts';
import { range } from './fake-network.ts';

const US = 1e-6;

/** `count` nodes of `gpus` GPUs: NVLink inside (B_in, 1 µs), one NIC each (B_nic, 4 µs). */
function cluster(count: number, gpus: number, bIn = 200e9, bNic = 25e9): NodeLinks[] {
  return range(count).map(() => ({
    gpus,
    intraNode: { bandwidth: bytesPerSecond(bIn), latency: seconds(1e-6), kind: 'nvlink' as const },
    nic: { bandwidth: bytesPerSecond(bNic), latency: seconds(4e-6), kind: 'infiniband' as const },
  }));
}

function run(
  model: 'analytical' | 'flow',
  ns: NodeLinks[],
  size: number,
  o: { algorithm: string; protocol: Protocol | 'auto'; launchS?: number },
): CollectiveOutcome<unknown> {
  const sim = new Simulator();
  const comm = new Communicator(sim, createNetworkModel(model, sim, switchTopology(ns)), {
    launchS: o.launchS ?? 20e-6,
  });
  const group = range(ns.reduce((s, x) => s + x.gpus, 0));
  return sim.run(
    comm.allReduce(group, size, { algorithm: o.algorithm, protocol: o.protocol }),
  ) as CollectiveOutcome<unknown>;
}

describe('protocol costs (NCCL tuning.cc, commit b6475625)', () => {
  const ctx = { latencyClass: 'ring' as const, allReduce: true, nodes: 1, perNode: 8, launchS: 10 * US };

  it('takes base latencies, hop latencies and bandwidth factors from tuning.cc', () => {
    const simple = protocolCosts('simple', ctx);
    expect(simple.callS).toBeCloseTo(10 * US + 8.4 * US, 15); // baseLat ring/Simple
    expect(simple.hopS).toEqual([3.4 * US, 5.7 * US, 14.0 * US].map((x) => expect.closeTo(x, 15)));
    expect(simple.inflate).toBe(1);
    const ll = protocolCosts('ll', ctx);
    expect(ll.callS).toBeCloseTo(10 * US + 6.6 * US, 15);
    expect(ll.hopS[0]).toBeCloseTo(0.6 * US, 15);
    expect(ll.inflate).toBe(4); // ring LL: busBw × 1/4 for all-reduce
    // Across nodes LL's intra-node step latency is × 1.8 (tuning.cc).
    expect(protocolCosts('ll', { ...ctx, nodes: 2 }).hopS[0]).toBeCloseTo(1.08 * US, 15);
    expect(bandwidthFactor('ll', { ...ctx, allReduce: false })).toBeCloseTo(1 / 3, 15);
    expect(bandwidthFactor('ll128', ctx)).toBe(0.92);
    expect(bandwidthFactor('ll128', { ...ctx, perNode: 1 })).toBe(0.7);
    const tree = { ...ctx, latencyClass: 'tree' as const };
    expect(protocolCosts('simple', tree).callS).toBeCloseTo(10 * US, 15); // baseLat tree/Simple = 0
    expect(protocolCosts('simple', tree).hopS[2]).toBeCloseTo(28 * US, 15);
    expect(bandwidthFactor('ll', tree)).toBeCloseTo(0.92 / 3.8, 15);
    expect(bandwidthFactor('ll128', tree)).toBeCloseTo((0.92 * 7) / 9, 15);
    expect(bandwidthFactor('ll128', { ...tree, nodes: 4 })).toBeCloseTo((0.92 * 120) / 128, 15);
  });
});

describe('collectives under a protocol', () => {
  it('prices a one-node ring all-reduce in closed form', () => {
    // 8 GPUs on NVLink (200 GB/s, a hop's α = 0.5 + 0.5 µs through the NVSwitch), ring, Simple: the call
    // L + 8.4 µs, then 14 lock-step steps, each the Simple NVLink step latency 3.4 µs + α + (n/8)/B.
    const n = 2 ** 26;
    const out = run('analytical', cluster(1, 8), n, { algorithm: 'ring', protocol: 'simple' });
    const expected = 20 * US + 8.4 * US + 14 * (3.4 * US + 1 * US + n / 8 / 200e9);
    expect(out.timeS).toBeCloseTo(expected, 12);
    expect(out.protocol).toBe('simple');
  });

  it('agrees on the flow and analytical models for one collective, every protocol and algorithm', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ring', 'double-binary-tree'),
        fc.constantFrom<Protocol>('simple', 'll', 'll128'),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 2 ** 24 }),
        (algorithm, protocol, nodeCount, size) => {
          const ns = cluster(nodeCount, 2);
          const a = run('analytical', ns, size, { algorithm, protocol }).timeS;
          const f = run('flow', ns, size, { algorithm, protocol }).timeS;
          expect(Math.abs(a - f)).toBeLessThanOrEqual(1e-9 * Math.max(a, 1e-6));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never beats the bandwidth floor, whatever auto picks', () => {
    // Whatever the algorithm, each node must send 2(M−1)/M · n out through its one NIC (25 GB/s) for an
    // all-reduce across M nodes: (M−1)/M · n for the reduce-scatter half, as much again for the gather.
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 2 ** 28 }), (nodeCount, size) => {
        const out = run('analytical', cluster(nodeCount, 4), size, { algorithm: 'auto', protocol: 'auto' });
        expect(out.timeS).toBeGreaterThanOrEqual((((2 * (nodeCount - 1)) / nodeCount) * size) / 25e9);
      }),
      { numRuns: 40 },
    );
  });

  it('takes no time for an empty message (NCCL returns at once on count 0)', () => {
    expect(run('analytical', cluster(2, 2), 0, { algorithm: 'ring', protocol: 'simple' }).timeS).toBe(0);
    expect(run('flow', cluster(2, 2), 0, { algorithm: 'auto', protocol: 'auto' }).timeS).toBe(0);
  });
});

describe('auto (NCCL tuner)', () => {
  function pick(ns: NodeLinks[], size: number): string {
    const out = run('analytical', ns, size, { algorithm: 'auto', protocol: 'auto' });
    return `${out.algorithm}/${out.protocol}`;
  }

  it('on one NVLink node: LL for small messages, LL128 in between, Simple on a ring for large ones', () => {
    const ns = cluster(1, 8);
    expect(pick(ns, 8)).toMatch(/\/ll$/);
    expect(pick(ns, 64 * 1024)).toMatch(/\/ll$/);
    expect(pick(ns, 4 * 2 ** 20)).toBe('ring/ll128');
    expect(pick(ns, 2 ** 30)).toBe('ring/simple');
  });

  it('across nodes: a latency-bound protocol for small messages and Simple on a ring for large ones', () => {
    const ns = cluster(4, 8);
    expect(pick(ns, 8)).toMatch(/\/ll$/);
    expect(pick(ns, 2 ** 30)).toBe('ring/simple');
  });

  it('grows monotonically with the message size', () => {
    const ns = cluster(2, 8);
    let last = 0;
    for (let n = 1; n <= 2 ** 30; n *= 4) {
      const t = run('analytical', ns, n, { algorithm: 'auto', protocol: 'auto' }).timeS;
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });

  it('is never slower than any one candidate it chose among', () => {
    const ns = cluster(2, 4);
    for (const n of [8, 4096, 2 ** 20, 2 ** 26]) {
      const best = run('analytical', ns, n, { algorithm: 'auto', protocol: 'auto' }).timeS;
      for (const algorithm of ['ring', 'double-binary-tree'])
        for (const protocol of ['simple', 'll', 'll128'] as const)
          expect(best).toBeLessThanOrEqual(run('analytical', ns, n, { algorithm, protocol }).timeS);
    }
  });
});

describe('ring channels over rails', () => {
  /** Two nodes of 8 GPUs with 8 NICs of 50 GB/s each on a rail fabric; NVLink 450 GB/s. */
  function railRun(model: 'analytical' | 'flow', channels: number | undefined, size: number): number {
    const node: NodeLinks = {
      gpus: 8,
      intraNode: { bandwidth: bytesPerSecond(450e9), latency: seconds(1e-6), kind: 'nvlink' },
      nic: { bandwidth: bytesPerSecond(50e9), latency: seconds(4e-6), kind: 'infiniband', count: 8 },
    };
    const sim = new Simulator();
    const topo = buildTopology('rail', [node, node]);
    const comm = new Communicator(sim, createNetworkModel(model, sim, topo), { launchS: 0 });
    const out = sim.run(
      comm.allReduce(range(16), size, {
        algorithm: 'ring',
        protocol: 'simple',
        ...(channels === undefined ? {} : { channels }),
      }),
    ) as CollectiveOutcome<unknown>;
    return out.timeS;
  }

  it('uses one channel per NIC by default, so a ring crosses between nodes on every rail at once', () => {
    // 30 steps of n/16 per rank, each paying Simple's network step latency (14 µs) and the route's α.
    // One channel: each step's node-to-node hop carries n/16 through one 50 GB/s NIC. Eight channels:
    // each carries n/128 through its own rail, as if the ring had 8 × 50 = 400 GB/s between nodes
    // (still below NVLink's 450 GB/s per GPU, which carries n/16 a step).
    const n = 2 ** 30;
    const alpha = 1e-6 + 4e-6; // the route's own latency: intra (0.5 + 0.5 µs) and NIC (2 + 2 µs)
    const one = railRun('analytical', 1, n);
    expect(one).toBeCloseTo(8.4e-6 + 30 * (14e-6 + alpha + n / 16 / 50e9), 9);
    const eight = railRun('analytical', undefined, n);
    expect(eight).toBeCloseTo(8.4e-6 + 30 * (14e-6 + alpha + n / 16 / 400e9), 9);
    expect(railRun('analytical', 8, n)).toBe(eight);
  });

  it('agrees on both network models with several channels', () => {
    for (const size of [4096, 2 ** 20, 2 ** 26]) {
      const a = railRun('analytical', undefined, size);
      const f = railRun('flow', undefined, size);
      expect(Math.abs(a - f)).toBeLessThanOrEqual(1e-9 * a);
    }
  });

  it('rejects a channel count that is not a positive integer', () => {
    expect(() => railRun('analytical', 0, 1024)).toThrow(/channels must be an integer >= 1, got 0/);
  });
});

describe('hierarchical all-reduce under a protocol', () => {
  function hier(model: 'analytical' | 'flow', size: number, protocol?: Protocol): number {
    const sim = new Simulator();
    const comm = new Communicator(sim, createNetworkModel(model, sim, switchTopology(cluster(2, 4))), {
      launchS: 0,
    });
    const opts = { algorithm: 'hierarchical', ...(protocol === undefined ? {} : { protocol }) };
    return (sim.run(comm.allReduce(range(8), size, opts)) as CollectiveOutcome<unknown>).timeS;
  }

  it('agrees on both network models when its stages overlap', () => {
    for (const size of [1024, 2 ** 20, 2 ** 24]) {
      const a = hier('analytical', size, 'simple');
      expect(Math.abs(a - hier('flow', size, 'simple'))).toBeLessThanOrEqual(1e-9 * a);
    }
  });

  it('overlaps its stages chunk by chunk: faster than back to back once a message has several chunks', () => {
    // One 512 KiB chunk: slots 0, 1, 2 run the reduce-scatter, the inter-node all-reduce and the
    // all-gather alone, which is the back-to-back schedule, plus Simple's call and step latencies:
    // 8.4 µs + 3 + 2 + 3 steps (G = 4, M = 2), intra steps at 3.4 µs, inter steps at 14 µs.
    const small = 2 ** 19;
    const plain = hier('analytical', small);
    expect(hier('analytical', small, 'simple')).toBeCloseTo(plain + 8.4e-6 + 6 * 3.4e-6 + 2 * 14e-6, 12);
    // 1 GiB cut into 8 chunks: the intra-node stages (6 steps of n/4 at 200 GB/s, 8 ms back to back)
    // hide under the inter-node one (n through one 25 GB/s NIC, 43 ms), except the first chunk's
    // reduce-scatter and the last one's all-gather (1 ms) and where both stages share a GPU's NVLink
    // (measured: 2.7 ms more). The 8× more step latencies (0.2 ms) are small beside that. So at least
    // half the intra-node time is saved. Back to back with the same protocol costs plain + the
    // one-chunk latencies above.
    const big = 2 ** 30;
    const backToBack = hier('analytical', big) + 8.4e-6 + 6 * 3.4e-6 + 2 * 14e-6;
    const overlapped = hier('analytical', big, 'simple');
    expect(overlapped).toBeLessThan(backToBack - 4e-3);
    // It still cannot beat the inter-node stage alone: n through one 25 GB/s NIC.
    expect(overlapped).toBeGreaterThan(big / 25e9);
  });
});

describe('auto without a protocol', () => {
  it('picks the fastest algorithm on the plain α-β model and adds no protocol cost', () => {
    const ns = cluster(2, 4);
    const sim = new Simulator();
    const comm = new Communicator(sim, createNetworkModel('analytical', sim, switchTopology(ns)));
    const out = sim.run(comm.allReduce(range(8), 2 ** 20, { algorithm: 'auto' })) as CollectiveOutcome<unknown>;
    expect(out.protocol).toBeUndefined();
    const plain = (algorithm: string): number => {
      const s = new Simulator();
      const c = new Communicator(s, createNetworkModel('analytical', s, switchTopology(ns)));
      return (s.run(c.allReduce(range(8), 2 ** 20, { algorithm })) as CollectiveOutcome<unknown>).timeS;
    };
    expect(out.timeS).toBe(Math.min(plain('ring'), plain('double-binary-tree')));
  });
});
