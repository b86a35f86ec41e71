/**
 * The network-model registry: name → factory, read by `dtsim list` and the scenario schema.
 */
import type { Simulator } from '../core/simulator.ts';
import { AnalyticalNetwork } from './analytical-model.ts';
import { FixedNetwork } from './fixed-model.ts';
import { FlowNetwork } from './flow-model.ts';
import type { NetworkModel, Topology } from './types.ts';

/** Options a network model may take (only `fixed` has any today), in SI units. */
export interface NetworkOptions {
  /** `fixed`: time of one point-to-point transfer, seconds. */
  readonly transferS?: number;
  /** `fixed`: time of one collective, seconds. */
  readonly collectiveS?: number;
}

/** A registered network model: what it captures, its options, and how to make one. */
export interface NetworkModelInfo {
  /** One line for `dtsim list`. */
  readonly description: string;
  /** Its options (scenario key → what it is), empty for none; all are required when listed. */
  readonly options: Readonly<Record<string, string>>;
  /**
   * A new model on `topology`, in `sim`'s time.
   * @throws RangeError for missing or bad options.
   */
  create(sim: Simulator, topology: Topology, options: NetworkOptions): NetworkModel;
}

/** Every network model dtsim has, by name. */
export const NETWORK_MODELS = Object.freeze({
  analytical: {
    description: 'path latency + size / bottleneck bandwidth per transfer; no contention',
    options: {},
    create: (sim: Simulator, topology: Topology): NetworkModel => new AnalyticalNetwork(sim, topology),
  },
  flow: {
    description: 'flow-level max-min fair sharing of links, re-solved whenever a flow starts or ends',
    options: {},
    create: (sim: Simulator, topology: Topology): NetworkModel => new FlowNetwork(sim, topology),
  },
  fixed: {
    description: 'a constant time per transfer and per collective, whatever the size (abstract time units)',
    options: {
      transferTime: 'time of one point-to-point transfer',
      collectiveTime: 'time of one collective, any size, group and algorithm',
    },
    create: (sim: Simulator, topology: Topology, o: NetworkOptions): NetworkModel => {
      if (o.transferS === undefined || o.collectiveS === undefined)
        throw new RangeError('the fixed network model needs transferTime and collectiveTime');
      return new FixedNetwork(sim, topology, { transferS: o.transferS, collectiveS: o.collectiveS });
    },
  },
} satisfies Record<NetworkModel['kind'], NetworkModelInfo>);

/** A registered network model name. */
export type NetworkModelName = keyof typeof NETWORK_MODELS;

/**
 * Creates the network model registered as `name`, with its options.
 * @throws RangeError for an unknown name, listing the known ones, or missing or bad options.
 */
export function createNetworkModel(
  name: string,
  sim: Simulator,
  topology: Topology,
  options: NetworkOptions = {},
): NetworkModel {
  if (!Object.hasOwn(NETWORK_MODELS, name)) {
    throw new RangeError(`unknown network model '${name}'; known: ${Object.keys(NETWORK_MODELS).join(', ')}`);
  }
  return NETWORK_MODELS[name as NetworkModelName].create(sim, topology, options);
}
