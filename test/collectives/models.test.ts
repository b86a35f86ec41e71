/**
 * Both network models on the real `switch` topology: the flow model plays each collective as lock-step
 * transfers and must agree with the closed form where nothing contends; the bandwidth floor holds for
 * every algorithm on both models; one slow NIC sets a ring's pace; values never depend on the algorithm.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulator } from '../../src/core/simulator.ts';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import type { NodeLinks } from '../../src/hardware/link-spec.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import { createNetworkModel } from '../../src/network/network-models.ts';
import { Communicator } from '../../src/collectives/communicator.ts';
import type { CollectiveOutcome } from '../../src/collectives/communicator.ts';
import { COLLECTIVES } from '../../src/collectives/registry.ts';
import { reduceInRankOrder } from '../../src/collectives/reduce-values.ts';
import type { CollectiveOp } from '../../src/collectives/types.ts';
import { range, rel } from './fake-network.ts';

/**
 * Single-GPU nodes on one switch: a rank's route is gpu up, NIC up, NIC down, gpu down. The switch
 * topology puts half of each LinkSpec's latency on the up link and half on the down link, so an
 * inter-node route's α is intraNode.latency + nic.latency = 0.5 + 4.5 = 5 µs.
 */
function nodes(
  count: number,
  nicBw: (i: number) => number,
  nicLat = 4.5e-6,
  intraBw = 1e12,
  intraLat = 0.5e-6,
): NodeLinks[] {
  return range(count).map((i) => ({
    gpus: 1,
    intraNode: { bandwidth: bytesPerSecond(intraBw), latency: seconds(intraLat) },
    nic: { bandwidth: bytesPerSecond(nicBw(i)), latency: seconds(nicLat) },
  }));
}

function runOn(
  model: 'analytical' | 'flow',
  ns: NodeLinks[],
  op: CollectiveOp,
  size: number,
  algorithm: string,
  values?: Float32Array[],
): CollectiveOutcome<unknown> {
  const sim = new Simulator();
  const comm = new Communicator(sim, createNetworkModel(model, sim, switchTopology(ns)));
  const group = range(ns.reduce((s, x) => s + x.gpus, 0));
  const opts = { algorithm, ...(values === undefined ? {} : { values }) };
  const ev =
    op === 'all-reduce'
      ? comm.allReduce(group, size, opts)
      : op === 'reduce-scatter'
        ? comm.reduceScatter(group, size, opts)
        : op === 'all-gather'
          ? comm.allGather(group, size, { algorithm })
          : op === 'broadcast'
            ? comm.broadcast(group, size, { algorithm })
            : comm.allToAll(group, size, { algorithm });
  return sim.run(ev) as CollectiveOutcome<unknown>;
}

/** Per-op bandwidth floor: bytes the slowest rank must push through its link, over that link's bandwidth. */
function floor(op: CollectiveOp, N: number, n: number, Bmin: number): number {
  if (N < 2) return 0;
  const f = op === 'all-reduce' ? (2 * (N - 1)) / N : op === 'broadcast' ? 1 : (N - 1) / N;
  return (f * n) / Bmin;
}

const isPow2 = (x: number): boolean => (x & (x - 1)) === 0;

describe('collectives on the flow and analytical models', () => {
  it('ring all-reduce on the flow model over one switch equals the closed form', () => {
    // Route α = 0.5 µs (GPU links) + 4.5 µs (NICs) = 5 µs, bottleneck B = 10 GB/s (NIC).
    // Lock-step hops never share a link on a non-blocking switch, so each step is α + (n/N)/B exactly.
    const N = 8,
      n = 1e8,
      B = 1e10,
      a = 5e-6;
    const out = runOn(
      'flow',
      nodes(N, () => B),
      'all-reduce',
      n,
      'ring',
    );
    expect(rel(out.timeS, 2 * (N - 1) * a + ((2 * (N - 1)) / N) * (n / B))).toBeLessThan(1e-9);
  });

  it('agrees between the models for every algorithm on homogeneous single-GPU nodes', () => {
    const N = 8,
      n = 3e7;
    for (const algo of Object.values(COLLECTIVES)) {
      for (const op of algo.ops) {
        const ns = nodes(N, () => 1e10);
        const a = runOn('analytical', ns, op, n, algo.name).timeS;
        const f = runOn('flow', ns, op, n, algo.name).timeS;
        expect(rel(f, a), `${algo.name} ${op}`).toBeLessThan(1e-9);
      }
    }
  });

  it('never predicts less than the bandwidth floor, for any algorithm on either model', () => {
    // Homogeneous links of bandwidth B: every rank must push the per-op share of n through its own
    // link (all-reduce 2(N−1)/N·n, reduce-scatter/all-gather/all-to-all (N−1)/N·n, broadcast n), so
    // T ≥ share / B. (With one slow rank the per-rank bound is weaker — a tree can let the slow rank
    // send only n — so the heterogeneous check below is for the ring, whose lock step forbids that.)
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 1e3, max: 1e9, noNaN: true }),
        fc.double({ min: 1e8, max: 1e11, noNaN: true }),
        fc.constantFrom<'analytical' | 'flow'>('analytical', 'flow'),
        (N, n, B, model) => {
          const ns = nodes(N, () => B);
          for (const algo of Object.values(COLLECTIVES)) {
            if (algo.name === 'halving-doubling' && !isPow2(N)) continue;
            for (const op of algo.ops) {
              const t = runOn(model, ns, op, n, algo.name).timeS;
              if (t < floor(op, N, n, B) * (1 - 1e-9))
                throw new Error(`${algo.name} ${op} on ${model}: ${t} < floor ${floor(op, N, n, B)}`);
            }
          }
          return true;
        },
      ),
      { seed: 20240603, numRuns: 40 },
    );
  });

  it('keeps a ring at or above 2(N−1)/N·n over the slowest link when NICs differ', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.double({ min: 1e3, max: 1e9, noNaN: true }),
        fc.array(fc.double({ min: 1e8, max: 1e11, noNaN: true }), { minLength: 9, maxLength: 9 }),
        fc.constantFrom<'analytical' | 'flow'>('analytical', 'flow'),
        (N, n, bws, model) => {
          const t = runOn(
            model,
            nodes(N, (i) => bws[i]!),
            'all-reduce',
            n,
            'ring',
          ).timeS;
          return t >= floor('all-reduce', N, n, Math.min(...bws.slice(0, N))) * (1 - 1e-9);
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });

  it('lets one slow NIC set the pace of every ring step, on both models', () => {
    // Ring: T = 2(N−1)·max_hop(α_hop + (n/N)/B_hop); the two hops through node 5's NIC (into and out
    // of it) have B = 2.5 GB/s, every other hop 10 GB/s; all hops have α = 5 µs.
    const N = 8,
      n = 1e8,
      a = 5e-6,
      slow = 2.5e9;
    const ns = nodes(N, (i) => (i === 5 ? slow : 1e10));
    const expected = 2 * (N - 1) * (a + n / N / slow);
    for (const model of ['analytical', 'flow'] as const) {
      expect(rel(runOn(model, ns, 'all-reduce', n, 'ring').timeS, expected), model).toBeLessThan(1e-9);
    }
  });

  it('returns the rank-order sum whatever the algorithm or model', () => {
    const N = 8,
      len = 37;
    const values = range(N).map((r) =>
      Float32Array.from({ length: len }, (_, i) => Math.sin(r * 31 + i) * 10 ** (r % 4)),
    );
    const expected = reduceInRankOrder(values);
    for (const algo of Object.values(COLLECTIVES).filter((x) => x.ops.includes('all-reduce'))) {
      for (const model of ['analytical', 'flow'] as const) {
        const out = runOn(
          model,
          nodes(N, () => 1e10),
          'all-reduce',
          len * 4,
          algo.name,
          values,
        );
        expect(out.result, `${algo.name} on ${model}`).toEqual(expected);
      }
    }
    // The reference itself: float64 accumulation from rank 0 up, rounded once.
    const manual = new Float64Array(len);
    for (const v of values) v.forEach((x, i) => (manual[i]! += x));
    expect(expected).toEqual(Float32Array.from(manual));
  });

  it('reduce-scatter, all-gather, broadcast and all-to-all move values as their names say', () => {
    const sim = new Simulator();
    const comm = new Communicator(sim, createNetworkModel('flow', sim, switchTopology(nodes(4, () => 1e10))));
    const g = range(4);
    const vals = g.map((r) => Float32Array.from({ length: 8 }, (_, i) => r * 100 + i));
    const rs = sim.run(comm.reduceScatter(g, 32, { values: vals })) as CollectiveOutcome<Float32Array[]>;
    expect(rs.result?.[1]).toEqual(Float32Array.from([2 + 600, 3 + 600].map((x, i) => 4 * (i + 2) + 600)));
    const ag = sim.run(
      comm.allGather(g, 32, { values: g.map((r) => Float32Array.of(r, r)) }),
    ) as CollectiveOutcome<Float32Array>;
    expect(ag.result).toEqual(Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3));
    const bc = sim.run(comm.broadcast(g, 32, { root: 2, value: vals[2]! })) as CollectiveOutcome<Float32Array>;
    expect(bc.result).toEqual(vals[2]);
    const a2a = sim.run(comm.allToAll(g, 32, { values: vals })) as CollectiveOutcome<Float32Array[]>;
    // Rank 3 receives shard 3 (elements 6, 7) of every sender, in rank order.
    expect(a2a.result?.[3]).toEqual(Float32Array.of(6, 7, 106, 107, 206, 207, 306, 307));
  });

  it('records bytes per rank and per collective', () => {
    const sim = new Simulator();
    const comm = new Communicator(sim, createNetworkModel('analytical', sim, switchTopology(nodes(4, () => 1e10))));
    sim.run(comm.allReduce(range(4), 1000));
    sim.run(comm.allGather(range(4), 1000));
    // Ring all-reduce 2·3/4·1000 = 1500 per rank, all-gather 3/4·1000 = 750.
    expect([...comm.bytesSentPerRank]).toEqual([2250, 2250, 2250, 2250]);
    expect(comm.records.map((r) => [r.op, r.bytesSent])).toEqual([
      ['all-reduce', 6000],
      ['all-gather', 3000],
    ]);
  });

  it('rejects what an algorithm cannot do, with a clear message', () => {
    const sim = new Simulator();
    const comm = new Communicator(sim, createNetworkModel('analytical', sim, switchTopology(nodes(6, () => 1e10))));
    expect(() => comm.allReduce(range(6), 1e6, { algorithm: 'halving-doubling' })).toThrow(/power-of-two group, got 6/);
    expect(() => comm.allReduce(range(6), 1e6, { algorithm: 'nope' })).toThrow(
      /unknown collective algorithm 'nope'; known: ring/,
    );
    expect(() => comm.allToAll(range(6), 1e6, { algorithm: 'ring' })).toThrow(
      /does not implement all-to-all; algorithms for all-to-all: direct/,
    );
    expect(() => comm.allReduce([0, 0], 1e6)).toThrow(/appears twice/);
  });
});
