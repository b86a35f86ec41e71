/**
 * Flow-model throughput on the lead's standard workload: a 1 GiB ring all-reduce among 512 GPUs on one
 * switch, done directly with transfers. 512 nodes × 1 GPU, so every ring hop crosses the switch (the
 * harder case for the solver: each flow has 4 links and every NIC is a bottleneck). 2(N−1) = 1,022
 * lock-step steps; in each, every rank sends n/N bytes to rank+1 and the step waits for all 512 flows.
 * Target: under 1 s of real time per run. Reported as the median of the measured iterations.
 */
import { bench, describe } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { GIB } from '../../src/core/units.ts';
import type { Bytes, BytesPerSecond, Seconds } from '../../src/core/units.ts';
import type { ProcessGenerator } from '../../src/core/process.ts';
import type { Event } from '../../src/core/events.ts';
import type { NodeLinks } from '../../src/hardware/link-spec.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import { FlowNetwork } from '../../src/network/flow-model.ts';

const N = 512;
const node: NodeLinks = {
  gpus: 1,
  intraNode: { bandwidth: 450e9 as BytesPerSecond, latency: 1e-6 as Seconds },
  nic: { bandwidth: 50e9 as BytesPerSecond, latency: 2e-6 as Seconds },
};

function* ringAllReduce(sim: Simulator, net: FlowNetwork, ranks: number, size: number): ProcessGenerator<void> {
  const chunk = (size / ranks) as Bytes;
  const sends: Event<void>[] = new Array<Event<void>>(ranks);
  for (let step = 0; step < 2 * (ranks - 1); step++) {
    for (let r = 0; r < ranks; r++) sends[r] = net.transfer(r, (r + 1) % ranks, chunk);
    yield sim.allOf(sends);
  }
}

const ITERATIONS = 5;
const WARMUP = 1;
const wall: number[] = [];
let simulated = 0;

describe('flow network model', () => {
  bench(
    `ring all-reduce 1 GiB, ${N} GPUs (${N} nodes × 1) on one switch`,
    () => {
      const sim = new Simulator();
      const net = new FlowNetwork(sim, switchTopology(new Array<NodeLinks>(N).fill(node)));
      const t0 = performance.now();
      sim.run(sim.process(ringAllReduce(sim, net, N, GIB)));
      wall.push((performance.now() - t0) / 1000);
      simulated = sim.now;
    },
    {
      iterations: ITERATIONS,
      warmupIterations: WARMUP,
      teardown: () => {
        // tinybench calls teardown after the warm-up too; report once, on measured iterations only.
        if (wall.length < WARMUP + ITERATIONS) return;
        const s = wall.slice(WARMUP).sort((a, b) => a - b);
        console.log(
          `[network] flow ring all-reduce 1 GiB × ${N} GPUs: median ${s[Math.floor(s.length / 2)]!.toFixed(3)} s real ` +
            `(${2 * (N - 1)} steps, simulated ${(simulated * 1e3).toFixed(3)} ms)`,
        );
      },
    },
  );
});
