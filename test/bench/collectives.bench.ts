/**
 * Collective cost in real time: (a) one ring all-reduce among 16,384 GPUs on the analytical model
 * (closed form, one event; target well under 1 ms once the ring's routes are cached), and (b) a 1 GiB
 * ring all-reduce among 512 GPUs on one switch on the flow model (2·511 lock-step phases of 512 flows;
 * target under 1 s).
 */
import { bench, describe } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import type { NodeLinks } from '../../src/hardware/link-spec.ts';
import { buildTopology, createNetworkModel } from '../../src/network/index.ts';
import { Communicator } from '../../src/collectives/communicator.ts';

const node: NodeLinks = {
  gpus: 8,
  intraNode: { bandwidth: bytesPerSecond(300e9), latency: seconds(1e-6) },
  nic: { bandwidth: bytesPerSecond(200e9), latency: seconds(2.5e-6) },
};

// tinybench calls teardown after its warm-up as well as after the measured run; print once.
const printed = new Set<string>();
function report(label: string, samples: number[], simTimeS: number): void {
  if (printed.has(label)) return;
  printed.add(label);
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(
    `[collectives] ${label}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} ms real, ` +
      `first ${samples[0]!.toFixed(3)} ms, simulated ${(simTimeS * 1e3).toFixed(3)} ms`,
  );
}

describe('collectives', () => {
  // (a) One communicator, reused: the first call routes the 16,384 ring hops; later calls are O(1).
  const big = Array.from({ length: 2048 }, () => node);
  const simA = new Simulator();
  const topoA = buildTopology('switch', big);
  const commA = new Communicator(simA, createNetworkModel('analytical', simA, topoA));
  const groupA = Array.from({ length: 16384 }, (_, i) => i);
  const msA: number[] = [];
  let simA_t = 0;
  bench(
    'ring all-reduce, 16,384 GPUs, analytical, 1 GiB',
    () => {
      const t0 = performance.now();
      const out = simA.run(commA.allReduce(groupA, 2 ** 30)) as { timeS: number };
      msA.push(performance.now() - t0);
      simA_t = out.timeS;
    },
    {
      iterations: 50,
      teardown: () => {
        if (msA.length >= 50) report('16,384-GPU ring all-reduce (analytical)', msA, simA_t);
      },
    },
  );

  const msB: number[] = [];
  let simB_t = 0;
  bench(
    'ring all-reduce, 512 GPUs on one switch, flow, 1 GiB',
    () => {
      const sim = new Simulator();
      const topo = buildTopology(
        'switch',
        Array.from({ length: 64 }, () => node),
      );
      const comm = new Communicator(sim, createNetworkModel('flow', sim, topo));
      const t0 = performance.now();
      const out = sim.run(
        comm.allReduce(
          Array.from({ length: 512 }, (_, i) => i),
          2 ** 30,
        ),
      ) as { timeS: number };
      msB.push(performance.now() - t0);
      simB_t = out.timeS;
    },
    {
      iterations: 3,
      warmupIterations: 1,
      teardown: () => {
        if (msB.length >= 4) report('512-GPU ring all-reduce (flow)', msB, simB_t);
      },
    },
  );
});
