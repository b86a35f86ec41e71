/**
 * The network-model registry: name → factory, read by `dtsim list` and the scenario schema.
 */
import type { Simulator } from '../core/simulator.ts';
import { AnalyticalNetwork } from './analytical-model.ts';
import { FlowNetwork } from './flow-model.ts';
import type { NetworkModel, Topology } from './types.ts';

/** A registered network model: what it captures, and how to make one. */
export interface NetworkModelInfo {
  /** One line for `dtsim list`. */
  readonly description: string;
  /** A new model on `topology`, in `sim`'s time. */
  create(sim: Simulator, topology: Topology): NetworkModel;
}

/** Every network model dtsim has, by name. */
export const NETWORK_MODELS = Object.freeze({
  analytical: {
    description: 'path latency + size / bottleneck bandwidth per transfer; no contention',
    create: (sim: Simulator, topology: Topology): NetworkModel => new AnalyticalNetwork(sim, topology),
  },
  flow: {
    description: 'flow-level max-min fair sharing of links, re-solved whenever a flow starts or ends',
    create: (sim: Simulator, topology: Topology): NetworkModel => new FlowNetwork(sim, topology),
  },
} satisfies Record<NetworkModel['kind'], NetworkModelInfo>);

/** A registered network model name. */
export type NetworkModelName = keyof typeof NETWORK_MODELS;

/**
 * Creates the network model registered as `name`.
 * @throws RangeError for an unknown name, listing the known ones.
 */
export function createNetworkModel(name: string, sim: Simulator, topology: Topology): NetworkModel {
  if (!Object.hasOwn(NETWORK_MODELS, name)) {
    throw new RangeError(`unknown network model '${name}'; known: ${Object.keys(NETWORK_MODELS).join(', ')}`);
  }
  return NETWORK_MODELS[name as NetworkModelName].create(sim, topology);
}
