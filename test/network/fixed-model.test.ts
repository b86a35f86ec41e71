import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import type { Bytes } from '../../src/core/units.ts';
import { Communicator } from '../../src/collectives/communicator.ts';
import { AnalyticalNetwork } from '../../src/network/analytical-model.ts';
import { FixedNetwork } from '../../src/network/fixed-model.ts';
import { createNetworkModel } from '../../src/network/network-models.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import { nodes } from './helpers.ts';

const B = (x: number) => x as Bytes;
const topo = () => switchTopology(nodes(2, 4, 400e9, 1e-6, 50e9, 4e-6));

describe('FixedNetwork', () => {
  it('takes the fixed time for every transfer whatever its size, 0 to itself, and counts bytes along the route', () => {
    const sim = new Simulator();
    const net = new FixedNetwork(sim, topo(), { transferS: 0.01, collectiveS: 0.2 });
    const done: number[] = [];
    for (const size of [1, 1e9]) net.transfer(0, 4, B(size)).onProcessed(() => done.push(sim.now));
    net.transfer(3, 3, B(1e9)).onProcessed(() => done.push(sim.now));
    sim.run();
    expect(done).toEqual([0, 0.01, 0.01]);
    const route = net.topology.route(0, 4);
    const bytes = net.linkBytes();
    for (const l of route) expect(bytes[l]).toBe(1 + 1e9);
    expect(bytes.reduce((a, b) => a + b, 0)).toBe(route.length * (1 + 1e9));
  });

  it('prices every collective at its fixed time through the communicator, and counts the same bytes as the analytical model', () => {
    for (const [algorithm, size] of [
      ['ring', 8],
      ['ring', 1e9],
      ['double-binary-tree', 1e6],
      ['halving-doubling', 4e8],
    ] as const) {
      const sim = new Simulator();
      const comm = new Communicator(sim, new FixedNetwork(sim, topo(), { transferS: 0.01, collectiveS: 0.2 }));
      const out = sim.run(comm.allReduce([0, 1, 2, 3, 4, 5, 6, 7], size, { algorithm })) as { timeS: number };
      expect(out.timeS).toBe(0.2);
      expect(sim.now).toBe(0.2);
      const sim2 = new Simulator();
      const ref = new Communicator(sim2, new AnalyticalNetwork(sim2, topo()));
      sim2.run(ref.allReduce([0, 1, 2, 3, 4, 5, 6, 7], size, { algorithm }));
      expect([...comm.bytesSentPerRank]).toEqual([...ref.bytesSentPerRank]);
    }
  });

  it('needs both times, each finite and >= 0', () => {
    const sim = new Simulator();
    expect(() => createNetworkModel('fixed', sim, topo())).toThrow(/needs transferTime and collectiveTime/);
    expect(() => new FixedNetwork(sim, topo(), { transferS: -1, collectiveS: 0 })).toThrow(
      /transferS must be a finite number of seconds >= 0/,
    );
    expect(createNetworkModel('fixed', sim, topo(), { transferS: 0, collectiveS: 1 }).kind).toBe('fixed');
  });
});
