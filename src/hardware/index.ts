/**
 * The hardware layer's public surface: device specs and the GPU catalog, the roofline compute model,
 * the cluster builder, straggler (slowdown) models and the failure model. Imports only `core/`.
 */
export { PRECISIONS, DEFAULT_EFFICIENCY, DeviceSpecError, defineDeviceSpec, peakFlops } from './device-spec.ts';
export type { DeviceSpec, PeakFlops, Precision } from './device-spec.ts';
export {
  GPU_CATALOG,
  GPU_NAMES,
  UnknownGpuError,
  catalogEntry,
  gpuSpec,
  nearestGpuNames,
  resolveGpu,
} from './gpu-catalog.ts';
export type { CatalogEntry } from './gpu-catalog.ts';
export { forwardBackwardTime, layerCost, layerTime, layerTiming, layersTime } from './roofline.ts';
export type { Bound, LayerCost, LayerTiming, PassTime, RooflineOptions } from './roofline.ts';
export {
  ClusterSpecError,
  DEFAULT_HOST_LINK,
  DEFAULT_INTRA_NODE_LINK,
  DEFAULT_NIC_LINK,
  buildCluster,
} from './cluster.ts';
export type { Cluster, ClusterNode, Device, NodeGroupSpec } from './cluster.ts';
export type { LinkSpec, NodeLinks } from './link-spec.ts';
export { NO_SLOWDOWN, Slowdown, appliesTo, workerSet } from './slowdown.ts';
export type { SlowdownModel, WorkerSlowdown } from './slowdown.ts';
export { constantSlowdown, lognormalSlowdown, periodicSlowdown, spikeSlowdown } from './slowdown-models.ts';
export type {
  ConstantSlowdownParams,
  LognormalSlowdownParams,
  PeriodicSlowdownParams,
  SpikeSlowdownParams,
} from './slowdown-models.ts';
export {
  STRAGGLER_MODELS,
  createStraggler,
  type StragglerModelEntry,
  type StragglerOptionSpec,
  type StragglerOptions,
} from './slowdown-registry.ts';
export { TraceParseError, parseSlowdownTrace, traceFactorAt, traceSlowdown } from './slowdown-trace.ts';
export type { SlowdownTrace, WorkerTrace } from './slowdown-trace.ts';
export { FailureModel } from './failures.ts';
export type { Failure, FailureParams, FixedFailure } from './failures.ts';
