/** The collective layer's public surface: algorithms, registry, communicator, presets, calibration. */
export type {
  CollectiveAlgorithm,
  CollectiveOp,
  CollectiveRequest,
  Phase,
  PhaseTransfer,
  PhasePricer,
} from './types.ts';
export { COLLECTIVE_OPS } from './types.ts';
export { COLLECTIVES, DEFAULT_ALGORITHM, getCollective } from './registry.ts';
export { ring } from './ring.ts';
export { doubleBinaryTree, doubleBinaryTrees } from './double-binary-tree.ts';
export { halvingDoubling } from './halving-doubling.ts';
export { binomialTree } from './binomial-tree.ts';
export { hierarchical, nodeLayout } from './hierarchical.ts';
export { direct } from './direct.ts';
export { parameterServer } from './parameter-server.ts';
export { AnalyticalPricer } from './cost-model.ts';
export { Communicator, checkCollective } from './communicator.ts';
export type { CollectiveOptions, CollectiveOutcome, CollectiveRecord } from './communicator.ts';
export { reduceInRankOrder, splitEven, concat } from './reduce-values.ts';
export type { ReduceOp } from './reduce-values.ts';
export { busBandwidthFactor } from './bus-bandwidth.ts';
export { PRESETS, getPreset, presetNodes } from './presets.ts';
export type { CollectivePreset } from './presets.ts';
export {
  DGX_A100_FIT_POINTS,
  DGX_A100_HOLDOUT_POINTS,
  DGX_A100_RING_FIT,
  calibrationErrors,
  fitRingModel,
  ringAllReduceTime,
} from './calibration.ts';
export type { AllReduceMeasurement, RingFit } from './calibration.ts';
