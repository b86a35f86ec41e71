/** The network layer's public surface: topologies, routing helpers, network models and registries. */
export type { Link, Topology, NetworkModel } from './types.ts';
export { switchTopology } from './switch-topology.ts';
export type { SwitchOptions } from './switch-topology.ts';
export { leafSpineTopology, leafSpineUplink } from './leaf-spine-topology.ts';
export type { LeafSpineOptions } from './leaf-spine-topology.ts';
export { ringTopology } from './ring-topology.ts';
export type { RingOptions } from './ring-topology.ts';
export { TOPOLOGIES, buildTopology } from './topologies.ts';
export type { TopologyInfo, TopologyOptionInfo, TopologyName } from './topologies.ts';
export { pathLatency, pathBandwidth } from './paths.ts';
export { ecmpHash, ecmpChoice } from './ecmp.ts';
export { AnalyticalNetwork } from './analytical-model.ts';
export { FlowNetwork } from './flow-model.ts';
export { MaxMinSolver } from './max-min.ts';
export { NETWORK_MODELS, createNetworkModel } from './network-models.ts';
export type { NetworkModelInfo, NetworkModelName } from './network-models.ts';
