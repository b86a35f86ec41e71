/** A schedule context for driving `schedules/lib` pieces directly, built the way a run builds it. */
import type { ProcessGenerator } from '../../../src/core/process.ts';
import { seconds } from '../../../src/core/units.ts';
import { setUpRun, type RunSetup } from '../../../src/scenario/run-setup.ts';
import { tinyScenario, type TinyOptions } from '../fixtures.ts';

/** The parts of a tiny run (timing-only unless asked), with nothing scheduled yet. */
export function tinySetup(o: TinyOptions = {}): RunSetup {
  return setUpRun(tinyScenario({ mode: 'timing-only', ...o }));
}

/** Runs `body` as the only process until it returns (or until `untilS`), then returns the simulated time. */
export function drive(setup: RunSetup, body: () => ProcessGenerator<unknown>, untilS?: number): number {
  const { sim } = setup;
  const p = sim.process(body(), 'test');
  if (untilS !== undefined) sim.run(seconds(untilS));
  else sim.run(p);
  return sim.now as number;
}
