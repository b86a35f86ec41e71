/**
 * The analytical model reproduces spec/algorithms.md §1 and §26 closed forms (F9–F13, F24, F25) on
 * homogeneous links, to 1e-9 relative. Every expected value is recomputed here from its formula.
 * Common inputs (F9–F12): N = 8, n = 100 MB = 1e8 B, B = 10 GB/s = 1e10 B/s, α = 5 µs.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { Communicator } from '../../src/collectives/communicator.ts';
import type { CollectiveOptions, CollectiveOutcome } from '../../src/collectives/communicator.ts';
import { fakeAnalytical, fakeTopology, range, rel } from './fake-network.ts';

const N = 8;
const n = 1e8;
const B = 1e10;
const alpha = 5e-6;
const FAST = { alpha: 0, bandwidth: 1e15 }; // intra links unused: one GPU per node

function allReduce(
  topoNodes: number,
  gpus: number,
  intra: { alpha: number; bandwidth: number },
  nic: { alpha: number; bandwidth: number },
  group: number[],
  opts: CollectiveOptions,
): CollectiveOutcome<Float32Array> {
  const sim = new Simulator();
  const comm = new Communicator(sim, fakeAnalytical(fakeTopology(topoNodes, gpus, intra, nic)));
  const ev = comm.allReduce(group, n, opts);
  const out = sim.run(ev) as CollectiveOutcome<Float32Array>;
  // One event per collective on the analytical model, ending exactly at the predicted time.
  expect(sim.eventsProcessed).toBe(1);
  expect(sim.now).toBe(out.timeS);
  return out;
}

const flat = (opts: CollectiveOptions) => allReduce(N, 1, FAST, { alpha, bandwidth: B }, range(N), opts);

describe('closed forms on the analytical model', () => {
  it('F9: ring all-reduce takes 2(N−1)α + 2(N−1)/N·n/B', () => {
    // 2·7·5e-6 + 2·7/8·1e8/1e10 = 7e-5 + 1.75e-2 = 17.57 ms.
    const expected = 2 * (N - 1) * alpha + ((2 * (N - 1)) / N) * (n / B);
    expect(rel(flat({ algorithm: 'ring' }).timeS, expected)).toBeLessThan(1e-9);
    expect(expected).toBeCloseTo(17.57e-3, 5);
  });

  it('F10: Rabenseifner all-reduce takes 2·log₂N·α + 2(N−1)/N·n/B', () => {
    // 2·3·5e-6 + 1.75e-2 = 17.53 ms: halving sends n/2 + n/4 + n/8 = 7/8·n, doubling the same.
    const expected = 2 * Math.log2(N) * alpha + ((2 * (N - 1)) / N) * (n / B);
    expect(rel(flat({ algorithm: 'halving-doubling' }).timeS, expected)).toBeLessThan(1e-9);
    expect(expected).toBeCloseTo(17.53e-3, 5);
  });

  it('F11: unpipelined binomial tree all-reduce takes 2⌈log₂N⌉(α + n/B)', () => {
    // 3 reduce rounds + 3 broadcast rounds, each moving the whole 1e8 B: 6·(5e-6 + 1e-2) = 60.03 ms.
    const expected = 2 * Math.ceil(Math.log2(N)) * (alpha + n / B);
    expect(rel(flat({ algorithm: 'binomial-tree' }).timeS, expected)).toBeLessThan(1e-9);
    expect(expected).toBeCloseTo(60.03e-3, 5);
  });

  it('F12: a parameter server with k shards takes 2[α + max(n/B_w, N·n/(k·B_s))]', () => {
    // Workers are ranks 0..7, dedicated shards ranks 8..8+k−1, every NIC 10 GB/s and α = 5 µs.
    // k = 1: 2[5e-6 + max(1e-2, 8e-2)] = 160.01 ms; k = 8: 2[5e-6 + max(1e-2, 1e-2)] = 20.01 ms.
    for (const k of [1, 8]) {
      const servers = range(k).map((s) => N + s);
      const out = allReduce(N + k, 1, FAST, { alpha, bandwidth: B }, range(N), {
        algorithm: 'parameter-server',
        shards: k,
        servers,
      });
      const expected = 2 * (alpha + Math.max(n / B, (N * n) / (k * B)));
      expect(rel(out.timeS, expected)).toBeLessThan(1e-9);
    }
    expect(2 * (alpha + (N * n) / B)).toBeCloseTo(160.01e-3, 5);
  });

  it('F13: hierarchical beats the flat ring on 4 nodes × 8 GPUs (16.81 ms vs 19.69 ms)', () => {
    // G = 8, M = 4, intra 100 GB/s α_in = 2 µs, NIC 10 GB/s α_out = 5 µs shared by the node's 8 GPUs.
    // Hierarchical: 2[(G−1)α_in + (G−1)/G·n/B_in] + 2(M−1)α_out + 2(M−1)/M·n/B_NIC
    //   = 2[1.4e-5 + 8.75e-4] + 3e-5 + 1.5e-2 = 16.808 ms (the G inter-node rings load the NIC with
    //   G·(n/G)/M = n/M per step).
    // Flat ring over 32 ranks: its slowest hop crosses a NIC: 2(N−1)α_out + 2(N−1)/N·n/B_NIC
    //   = 62·5e-6 + 62/32·1e-2 = 19.685 ms.
    const G = 8,
      M = 4,
      inB = 1e11,
      inA = 2e-6;
    const intra = { alpha: inA, bandwidth: inB };
    const nic = { alpha, bandwidth: B };
    const hier = allReduce(M, G, intra, nic, range(G * M), { algorithm: 'hierarchical' }).timeS;
    const flatT = allReduce(M, G, intra, nic, range(G * M), { algorithm: 'ring' }).timeS;
    const expHier =
      2 * ((G - 1) * inA + ((G - 1) / G) * (n / inB)) + 2 * (M - 1) * alpha + ((2 * (M - 1)) / M) * (n / B);
    const expFlat = 2 * (G * M - 1) * alpha + ((2 * (G * M - 1)) / (G * M)) * (n / B);
    expect(rel(hier, expHier)).toBeLessThan(1e-9);
    expect(rel(flatT, expFlat)).toBeLessThan(1e-9);
    expect(expHier).toBeCloseTo(16.81e-3, 5);
    expect(expFlat).toBeCloseTo(19.69e-3, 5);
  });

  it('F24: moves 2(N−1)/N of the buffer per rank in a ring all-reduce', () => {
    // 2(N−1) steps of n/N each: 14/8·n = 1.75 n.
    const out = flat({ algorithm: 'ring' });
    for (const b of out.bytesPerRank) expect(rel(b, ((2 * (N - 1)) / N) * n)).toBeLessThan(1e-9);
  });

  it('F25: a single parameter server sends N·n per step (incast on the way in)', () => {
    // Pull: the one shard sends n to each of the N workers; each worker pushes n to it.
    const out = allReduce(N + 1, 1, FAST, { alpha, bandwidth: B }, range(N), {
      algorithm: 'parameter-server',
      shards: 1,
      servers: [N],
    });
    expect(rel(out.bytesPerRank[N]!, N * n)).toBeLessThan(1e-9);
    for (let w = 0; w < N; w++) expect(rel(out.bytesPerRank[w]!, n)).toBeLessThan(1e-9);
  });

  it('ring reduce-scatter and all-gather take (N−1)α + (N−1)/N·n/B (spec §1.5)', () => {
    const sim = new Simulator();
    const comm = new Communicator(sim, fakeAnalytical(fakeTopology(N, 1, FAST, { alpha, bandwidth: B })));
    const expected = (N - 1) * alpha + ((N - 1) / N) * (n / B);
    const rs = sim.run(comm.reduceScatter(range(N), n)) as CollectiveOutcome<unknown>;
    const ag = sim.run(comm.allGather(range(N), n)) as CollectiveOutcome<unknown>;
    expect(rel(rs.timeS, expected)).toBeLessThan(1e-9);
    expect(rel(ag.timeS, expected)).toBeLessThan(1e-9);
  });

  it('direct all-to-all takes α + (N−1)/N·n/B: the N−1 messages share each NIC', () => {
    const sim = new Simulator();
    const comm = new Communicator(sim, fakeAnalytical(fakeTopology(N, 1, FAST, { alpha, bandwidth: B })));
    const out = sim.run(comm.allToAll(range(N), n)) as CollectiveOutcome<unknown>;
    expect(rel(out.timeS, alpha + ((N - 1) / N) * (n / B))).toBeLessThan(1e-9);
  });

  it('ring broadcast with C chunks takes (N+C−2)(α + n/(C·B))', () => {
    // The chain fills in N−1 steps and drains C−1 more; every step moves one n/C chunk per hop.
    const sim = new Simulator();
    const comm = new Communicator(sim, fakeAnalytical(fakeTopology(N, 1, FAST, { alpha, bandwidth: B })));
    const C = 16;
    const out = sim.run(comm.broadcast(range(N), n, { chunks: C, root: 3 })) as CollectiveOutcome<unknown>;
    expect(rel(out.timeS, (N + C - 2) * (alpha + n / (C * B)))).toBeLessThan(1e-9);
  });
});
