/**
 * Cost of the straggler and roofline models on the schedule's hot path: one `taskFactor` call per task
 * (four composed models, 1,000 workers × 1,000 tasks) and one `layersTime` per task (50 layers).
 */
import { bench, describe } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { Slowdown } from '../../src/hardware/slowdown.ts';
import {
  constantSlowdown,
  lognormalSlowdown,
  periodicSlowdown,
  spikeSlowdown,
} from '../../src/hardware/slowdown-models.ts';
import { gpuSpec } from '../../src/hardware/gpu-catalog.ts';
import { layerCost, layersTime } from '../../src/hardware/roofline.ts';

describe('hardware models', () => {
  bench(
    'Slowdown.taskFactor: 1,000 workers × 1,000 tasks, 4 models',
    () => {
      const s = new Slowdown(
        [
          constantSlowdown({ factor: 1.3, workers: [0, 1, 2] }),
          lognormalSlowdown({ sigma: 0.1, meanOne: true }),
          spikeSlowdown({ probability: 0.01, factor: 3, durationS: 5 }),
          periodicSlowdown({ periodS: 600, durationS: 30, factor: 1.5 }),
        ],
        new Rng(1),
      );
      for (let k = 0; k < 1000; k++) for (let w = 0; w < 1000; w++) s.taskFactor(w, k * 0.25);
    },
    { iterations: 3, warmupIterations: 1 },
  );

  const layers = Array.from({ length: 50 }, (_, i) => layerCost(1e9 * (i + 1), 1e7 * (50 - i)));
  const spec = gpuSpec('H100-SXM');
  bench(
    'layersTime: 50 layers × 10,000 tasks',
    () => {
      for (let k = 0; k < 10_000; k++) layersTime(layers, spec, { precision: 'bf16' });
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
