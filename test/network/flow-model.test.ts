import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulator } from '../../src/core/simulator.ts';
import type { Event } from '../../src/core/events.ts';
import type { Bytes, Seconds } from '../../src/core/units.ts';
import { AnalyticalNetwork } from '../../src/network/analytical-model.ts';
import { FlowNetwork } from '../../src/network/flow-model.ts';
import { pathBandwidth, pathLatency } from '../../src/network/paths.ts';
import { leafSpineTopology } from '../../src/network/leaf-spine-topology.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import type { Topology } from '../../src/network/types.ts';
import { fakeTopology } from './fake-topology.ts';
import { node, nodes } from './helpers.ts';

const B = (x: number) => x as Bytes;

/** Starts each [src, dst, size, startTime] transfer and returns their completion times after a run. */
function finishTimes(
  topology: Topology,
  transfers: [number, number, number, number][],
): { times: number[]; net: FlowNetwork } {
  const sim = new Simulator();
  const net = new FlowNetwork(sim, topology);
  const times = transfers.map(() => NaN);
  transfers.forEach(([s, d, size, start], i) => {
    sim.schedule(start as Seconds, () => net.transfer(s, d, B(size)).onProcessed(() => (times[i] = sim.now)));
  });
  sim.run();
  return { times, net };
}

describe('FlowNetwork', () => {
  it('times a lone flow exactly as the analytical model does', () => {
    // α = 1 µs intra + 4 µs NIC; 1e9 B at the 50 GB/s NIC = 20 ms.
    const t = switchTopology(nodes(2, 4, 400e9, 1e-6, 50e9, 4e-6));
    const { times } = finishTimes(t, [[0, 4, 1e9, 0]]);
    const sim = new Simulator();
    let analytical = NaN;
    new AnalyticalNetwork(sim, t).transfer(0, 4, B(1e9)).onProcessed(() => (analytical = sim.now));
    sim.run();
    expect(times[0]).toBeCloseTo(analytical, 15);
    expect(times[0]).toBeCloseTo(5e-6 + 0.02, 15);
  });

  it('gives two flows sharing a NIC half its bandwidth each', () => {
    // GPUs 0 and 1 of node 0 both send to node 1 through node 0's 50 GB/s NIC: 25 GB/s each,
    // so 1e9 B takes 40 ms after the 5 µs latency.
    const { times } = finishTimes(switchTopology(nodes(2, 4, 400e9, 1e-6, 50e9, 4e-6)), [
      [0, 4, 1e9, 0],
      [1, 5, 1e9, 0],
    ]);
    expect(times[0]).toBeCloseTo(5e-6 + 0.04, 12);
    expect(times[1]).toBeCloseTo(5e-6 + 0.04, 12);
  });

  it('allocates the three-link line max-min fairly', () => {
    // Same example as the solver test: L0 = 1, L1 = 2, L2 = 3 B/s; fair rates 0.5, 0.5, 0.75, 2.5, 0.75.
    const t = fakeTopology([1, 2, 3], { 0: { 1: [0, 1, 2], 2: [0], 3: [1], 4: [2], 5: [1] } });
    const sim = new Simulator();
    const net = new FlowNetwork(sim, t);
    for (let d = 1; d <= 5; d++) net.transfer(0, d, B(100));
    sim.run(0.1 as Seconds);
    expect(Array.from(net.linkRates()).map((x) => +x.toFixed(12))).toEqual([1, 2, 3]);
    // In 0.1 s the links carried load × 0.1: L0 (0.5 + 0.5), L1 (0.5 + 0.75 + 0.75), L2 (0.5 + 2.5).
    Array.from(net.linkBytes()).forEach((b, l) => expect(b).toBeCloseTo([0.1, 0.2, 0.3][l]!, 12));
  });

  it('re-allocates bandwidth as flows start and finish (hand-computed completion times)', () => {
    // One 10 B/s link, no latency. A (10 B) and B (30 B) start at 0: 5 B/s each. C (5 B) joins at 1 s:
    // A has 5 B left, B 25 B; three flows at 10/3 B/s, so A and C finish 5 / (10/3) = 1.5 s later, at 2.5.
    // B then has 25 − 5 = 20 B left alone at 10 B/s: it finishes at 4.5 s.
    const t = fakeTopology([10], { 0: { 1: [0] }, 1: { 2: [0] }, 2: { 3: [0] } });
    const { times, net } = finishTimes(t, [
      [0, 1, 10, 0],
      [1, 2, 30, 0],
      [2, 3, 5, 1],
    ]);
    expect(times[0]).toBeCloseTo(2.5, 12);
    expect(times[1]).toBeCloseTo(4.5, 12);
    expect(times[2]).toBeCloseTo(2.5, 12);
    expect(net.linkBytes()[0]).toBeCloseTo(45, 9);
    expect(net.activeFlows).toBe(0);
  });

  it('lets a flow wait out its latency before it competes', () => {
    // L0 = 10 B/s shared with a flow whose path latency is 1 s (on L1). A: 20 B, zero latency, alone at
    // 10 B/s for 1 s (10 B left); then A and B (10 B) share 5 B/s each: both finish at 1 + 2 = 3 s.
    const t = fakeTopology([10, 100], { 0: { 1: [0] }, 1: { 2: [1, 0] } }, [0, 1]);
    const { times } = finishTimes(t, [
      [0, 1, 20, 0],
      [1, 2, 10, 0],
    ]);
    expect(times[0]).toBeCloseTo(3, 12);
    expect(times[1]).toBeCloseTo(3, 12);
  });

  it('reproduces the ring all-reduce closed form on a switch, 2(N−1)(α + (n/N)/B)', () => {
    // spec/algorithms.md §1.1 with γ = 0 and lock-stepped steps: each step every rank sends n/N to its
    // neighbour; every flow has its own NICs, so each step takes α + (n/N)/B with α = 1 + 4 µs.
    const n = 8;
    const size = 8e6;
    const sim = new Simulator();
    const net = new FlowNetwork(sim, switchTopology(nodes(n, 1, 400e9, 1e-6, 50e9, 4e-6)));
    const proc = sim.process(
      (function* () {
        for (let step = 0; step < 2 * (n - 1); step++) {
          const evs: Event<void>[] = [];
          for (let r = 0; r < n; r++) evs.push(net.transfer(r, (r + 1) % n, B(size / n)));
          yield sim.allOf(evs);
        }
      })(),
    );
    sim.run(proc);
    expect(sim.now).toBeCloseTo(2 * (n - 1) * (5e-6 + size / n / 50e9), 12);
  });

  it('delivers to self at once and empty transfers after the latency', () => {
    const { times } = finishTimes(switchTopology(nodes(2, 1, 400e9, 1e-6, 50e9, 4e-6)), [
      [0, 0, 1e9, 0],
      [0, 1, 0, 0],
    ]);
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(5e-6, 15);
  });

  const scenario = fc.record({
    gpus: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }),
    leafSpine: fc.boolean(),
    transfers: fc.array(
      fc.tuple(fc.nat(100), fc.nat(100), fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 400 })),
      { minLength: 1, maxLength: 25 },
    ),
  });
  const build = (gpus: number[], leafSpine: boolean): Topology => {
    const ns = gpus.map((g, i) => node(g, 100e9 + 50e9 * i, 1e-6, 25e9 + 10e9 * (i % 2), 3e-6));
    return leafSpine ? leafSpineTopology(ns, { nodesPerLeaf: 2, spines: 2, oversubscription: 2 }) : switchTopology(ns);
  };

  it('counts on each link exactly the bytes of the flows that cross it (conservation)', () => {
    fc.assert(
      fc.property(scenario, ({ gpus, leafSpine, transfers }) => {
        const t = build(gpus, leafSpine);
        const list = transfers.map(
          ([s, d, size, at]) => [s % t.ranks, d % t.ranks, size, at * 1e-6] as [number, number, number, number],
        );
        const { times, net } = finishTimes(t, list);
        const expected = new Float64Array(t.links.length);
        for (const [s, d, size] of list) for (const l of t.route(s, d)) expected[l]! += size;
        const got = net.linkBytes();
        expected.forEach((x, l) => expect(Math.abs(got[l]! - x)).toBeLessThanOrEqual(1e-9 * Math.max(1, x)));
        times.forEach((x) => expect(Number.isFinite(x)).toBe(true));
      }),
      { seed: 31, numRuns: 60 },
    );
  });

  it('never loads a link beyond its capacity, and never beats the contention-free time', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 20 }),
        ({ gpus, leafSpine, transfers }, probes) => {
          const t = build(gpus, leafSpine);
          const sim = new Simulator();
          const net = new FlowNetwork(sim, t);
          const late: string[] = [];
          const over: string[] = [];
          for (const [s0, d0, size, at] of transfers) {
            const [s, d] = [s0 % t.ranks, d0 % t.ranks];
            sim.schedule((at * 1e-6) as Seconds, () => {
              const start = sim.now;
              net.transfer(s, d, B(size)).onProcessed(() => {
                // Contention-free time: path latency + size / bottleneck (what the analytical model gives).
                const path = t.route(s, d);
                const ideal = pathLatency(t, path) + (path.length > 0 ? size / pathBandwidth(t, path) : 0);
                if (sim.now - start < ideal * (1 - 1e-9)) late.push(`${s}->${d}`);
              });
            });
          }
          for (const p of probes) {
            sim.schedule((p * 1e-5) as Seconds, () => {
              net.linkRates().forEach((r, l) => {
                if (r > t.links[l]!.bandwidth * (1 + 1e-9)) over.push(`${t.links[l]!.name} at ${sim.now}`);
              });
            });
          }
          sim.run();
          expect(over).toEqual([]);
          expect(late).toEqual([]);
        },
      ),
      { seed: 32, numRuns: 60 },
    );
  });
});
