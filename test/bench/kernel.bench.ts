/**
 * Kernel throughput, the standard workload: P processes, each waiting E timeouts of uniform
 * random length in [0, 1) s. Reported as events per second (hz × events per iteration).
 * SimPy's rate depends on the Python it runs under (0.6 M events/s was quoted in issue 2; SimPy 4.1.2 under
 * this machine's Python runs 1.1 M events/s), so the ratio is measured side by side, in one run, by
 * `bash ../shared/tools/kernel-vs-simpy.sh` (docs/performance.md), not printed here.
 */
import { bench, describe } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { Rng } from '../../src/core/rng.ts';
import type { ProcessGenerator } from '../../src/core/process.ts';
import type { Seconds } from '../../src/core/units.ts';

function* waiter(sim: Simulator, rng: Rng, n: number): ProcessGenerator<void> {
  for (let i = 0; i < n; i++) yield sim.timeout(rng.next() as Seconds);
}

const ITERATIONS = 7;
const WARMUP = 2;
const events = new Map<string, number>();
const wall = new Map<string, number[]>();

function workload(label: string, procs: number, each: number): void {
  bench(
    `${label}: ${procs} processes × ${each} timeouts`,
    () => {
      const sim = new Simulator();
      const rng = new Rng(1);
      for (let p = 0; p < procs; p++) sim.process(waiter(sim, rng, each));
      // Only the run is timed: building the processes is set-up, as in SimPy's measurement.
      const t0 = performance.now();
      sim.run();
      const dt = (performance.now() - t0) / 1000;
      events.set(label, sim.eventsProcessed);
      (wall.get(label) ?? wall.set(label, []).get(label)!).push(sim.eventsProcessed / dt);
    },
    {
      iterations: ITERATIONS,
      warmupIterations: WARMUP,
      teardown: () => {
        // tinybench calls teardown after the warm-up too; report once, on measured iterations only.
        const all = wall.get(label) ?? [];
        if (all.length < WARMUP + ITERATIONS) return;
        const rates = all.slice(WARMUP).sort((a, b) => a - b);
        const median = rates[Math.floor(rates.length / 2)]!;
        const lo = rates[0]!;
        const hi = rates[rates.length - 1]!;
        console.log(
          `[kernel] ${label}: ${events.get(label)} events, median ${(median / 1e6).toFixed(2)} M events/s ` +
            `(range ${(lo / 1e6).toFixed(2)}–${(hi / 1e6).toFixed(2)})`,
        );
      },
    },
  );
}

describe('event kernel', () => {
  workload('standard', 1000, 1000);
  workload('wide', 10_000, 100);
});
