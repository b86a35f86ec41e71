/** Optimizers on flat Float32Array parameters, learning-rate schedules and their registries. */
export { BaseOptimizer, checkHyper, type Optimizer } from './optimizer.ts';
export { Sgd, type SgdOptions } from './sgd.ts';
export { Adam, AdamW, type AdamOptions } from './adam.ts';
export { constantLr, cosineLr, stepLr, withWarmup, type LrSchedule } from './lr-schedules.ts';
export {
  getLrSchedule,
  getOptimizer,
  LR_SCHEDULES,
  OPTIMIZERS,
  resolveOptions,
  type LrScheduleEntry,
  type OptimizerEntry,
  type OptimizerOptionSpec,
} from './registry.ts';
