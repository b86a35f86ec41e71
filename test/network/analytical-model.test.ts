import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { seconds, type Bytes } from '../../src/core/units.ts';
import { AnalyticalNetwork } from '../../src/network/analytical-model.ts';
import { NETWORK_MODELS, createNetworkModel } from '../../src/network/network-models.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import { nodes } from './helpers.ts';

const B = (x: number) => x as Bytes;

describe('AnalyticalNetwork', () => {
  it('takes path latency plus size over the bottleneck bandwidth', () => {
    // Inter-node: α = 1 µs intra + 4 µs NIC = 5 µs; bottleneck 50 GB/s → 1e9 B takes 20 ms.
    const sim = new Simulator();
    const net = new AnalyticalNetwork(sim, switchTopology(nodes(2, 4, 400e9, 1e-6, 50e9, 4e-6)));
    let at = -1;
    net.transfer(0, 4, B(1e9)).onProcessed(() => (at = sim.now));
    sim.run();
    expect(at).toBeCloseTo(5e-6 + 0.02, 15);
  });

  it('ignores contention: two flows through one NIC each take the single-flow time', () => {
    const sim = new Simulator();
    const net = new AnalyticalNetwork(sim, switchTopology(nodes(2, 4, 400e9, 1e-6, 50e9, 4e-6)));
    const times: number[] = [];
    for (const [s, d] of [
      [0, 4],
      [1, 5],
    ] as const)
      net.transfer(s, d, B(1e9)).onProcessed(() => times.push(sim.now));
    sim.run();
    expect(times).toEqual([5e-6 + 0.02, 5e-6 + 0.02]);
  });

  it('credits bytes to every link of the path once the transfer is delivered', () => {
    const sim = new Simulator();
    const t = switchTopology(nodes(2, 2));
    const net = new AnalyticalNetwork(sim, t);
    net.transfer(0, 3, B(1000));
    expect(net.linkBytes().every((b) => b === 0)).toBe(true);
    sim.run();
    const got = net.linkBytes();
    const path = new Set(t.route(0, 3));
    got.forEach((b, l) => expect(b).toBe(path.has(l) ? 1000 : 0));
  });

  it('counts only delivered bytes while thousands of transfers are in flight', () => {
    // More transfers than one settling batch, delivered over time: at every check the links hold
    // exactly the bytes of the transfers already processed.
    const sim = new Simulator();
    const t = switchTopology(nodes(2, 2));
    const net = new AnalyticalNetwork(sim, t);
    const path = t.route(0, 3);
    let delivered = 0;
    function* sender(): Generator<ReturnType<Simulator['timeout']>, void, unknown> {
      for (let i = 0; i < 10_000; i++) {
        net.transfer(0, 3, B(1000)).onProcessed(() => delivered++);
        if (i % 997 === 0) expect(net.linkBytes()[path[0]!]).toBe(delivered * 1000);
        yield sim.timeout(seconds(1e-9));
      }
    }
    sim.process(sender());
    sim.run();
    expect(delivered).toBe(10_000);
    const got = net.linkBytes();
    got.forEach((b, l) => expect(b).toBe(path.includes(l) ? 1e7 : 0));
  });

  it('delivers to self at once and rejects bad sizes', () => {
    const sim = new Simulator();
    const net = new AnalyticalNetwork(sim, switchTopology(nodes(1, 2)));
    let at = -1;
    net.transfer(1, 1, B(1e9)).onProcessed(() => (at = sim.now));
    sim.run();
    expect(at).toBe(0);
    expect(() => net.transfer(0, 1, B(-1))).toThrow(RangeError);
  });
});

describe('NETWORK_MODELS registry', () => {
  it('creates the models by name and names the known ones for an unknown name', () => {
    const sim = new Simulator();
    const t = switchTopology(nodes(2, 1));
    expect(Object.keys(NETWORK_MODELS)).toEqual(['analytical', 'flow', 'fixed']);
    expect(NETWORK_MODELS.flow.create(sim, t).kind).toBe('flow');
    expect(createNetworkModel('analytical', sim, t).kind).toBe('analytical');
    expect(() => createNetworkModel('packet', sim, t)).toThrow(
      /unknown network model 'packet'; known: analytical, flow, fixed/,
    );
  });
});
