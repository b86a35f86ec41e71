/**
 * Every registered schedule at scale (issue 11): 1,024 GPUs of two generations with stragglers,
 * 1,000 global updates, timing-only, in process. Target: under 5 s each. A schedule added to the
 * registry is benchmarked here without another line.
 */
import { bench, describe } from 'vitest';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { SCHEDULES } from '../../src/schedules/index.ts';
import { familyScenario } from './family-scenario.ts';

/**
 * Pipelines (the schedules that book their own memory) run as 8 stages × 128 data-parallel replicas
 * with 8 micro-batches (2BW needs M ≥ p),
 * the shape such a cluster would take; 1,024 stages of ResNet-50 would be a pipeline nobody runs.
 */
function options(name: string): Record<string, unknown> {
  return SCHEDULES[name]!.ownsMemory === true ? { stages: 8, microBatches: 8 } : {};
}

describe('every schedule, timing-only, 1,024 GPUs × 1,000 updates', () => {
  for (const name of Object.keys(SCHEDULES)) {
    bench(
      name,
      () => {
        runScenario(familyScenario(name, 1000, options(name)), 0);
      },
      { iterations: 3, warmupIterations: 1 },
    );
  }
});
