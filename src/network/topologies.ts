/**
 * The topology registry: name → builder plus a description of its options, read by `dtsim list` and by
 * the scenario schema (which builds its validation from these entries rather than repeating them).
 */
import type { NodeLinks } from '../hardware/link-spec.ts';
import { leafSpineTopology } from './leaf-spine-topology.ts';
import type { LeafSpineOptions } from './leaf-spine-topology.ts';
import { railTopology } from './rail-topology.ts';
import type { RailOptions } from './rail-topology.ts';
import { ringTopology } from './ring-topology.ts';
import type { RingOptions } from './ring-topology.ts';
import { switchTopology } from './switch-topology.ts';
import type { SwitchOptions } from './switch-topology.ts';
import type { Topology } from './types.ts';

/** One option of a topology, as a scenario file spells it. */
export interface TopologyOptionInfo {
  /** `integer`, `number`, or `link` (a LinkSpec: bandwidth and latency). */
  readonly type: 'integer' | 'number' | 'link';
  /** Whether the option must be given. */
  readonly required: boolean;
  /** What it means, with its default when optional. */
  readonly description: string;
}

/** A registered topology: what it is, its options, and its builder. */
export interface TopologyInfo<O> {
  /** One line for `dtsim list`. */
  readonly description: string;
  /** The options `build` accepts, by name. */
  readonly options: Readonly<Record<string, TopologyOptionInfo>>;
  /** Builds the topology; throws RangeError for bad nodes or options. */
  build(nodes: readonly NodeLinks[], options: O): Topology;
}

/** Every topology dtsim can build, by name. */
export const TOPOLOGIES = Object.freeze({
  switch: {
    description: 'every node NIC on one non-blocking switch',
    options: {},
    build: switchTopology,
  } satisfies TopologyInfo<SwitchOptions>,
  'leaf-spine': {
    description: 'two-level fat tree: nodes on leaf switches, every leaf linked to every spine, ECMP over spines',
    options: {
      nodesPerLeaf: { type: 'integer', required: true, description: 'nodes attached to each leaf switch' },
      spines: { type: 'integer', required: true, description: 'spine switches (uplinks per leaf)' },
      uplink: {
        type: 'link',
        required: false,
        description: 'each leaf↔spine link; default derived from oversubscription (give one or the other)',
      },
      oversubscription: {
        type: 'number',
        required: false,
        description:
          '(nodesPerLeaf × node NIC bandwidth, count × per NIC) / (spines × uplink bandwidth) when uplink is derived; default 1',
      },
    },
    build: leafSpineTopology,
  } satisfies TopologyInfo<LeafSpineOptions>,
  ring: {
    description: 'nodes cabled in a ring, shortest direction (ties clockwise), forwarded through nodes',
    options: {},
    build: ringTopology,
  } satisfies TopologyInfo<RingOptions>,
  rail: {
    description: "rail-optimised: NIC k of every node on rail switch k; messages ride the destination GPU's rail (PXN)",
    options: {},
    build: railTopology,
  } satisfies TopologyInfo<RailOptions>,
});

/** A registered topology name. */
export type TopologyName = keyof typeof TOPOLOGIES;

/**
 * Builds the topology registered as `name`.
 * @throws RangeError for an unknown name (listing the known ones), bad nodes or bad options.
 */
export function buildTopology(
  name: string,
  nodes: readonly NodeLinks[],
  options: Readonly<Record<string, unknown>> = {},
): Topology {
  if (!Object.hasOwn(TOPOLOGIES, name)) {
    throw new RangeError(`unknown topology '${name}'; known: ${Object.keys(TOPOLOGIES).join(', ')}`);
  }
  const info = TOPOLOGIES[name as TopologyName] as TopologyInfo<unknown>;
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(info.options, key)) {
      const known = Object.keys(info.options);
      throw new RangeError(
        `topology '${name}' has no option '${key}'; known: ${known.length > 0 ? known.join(', ') : '(none)'}`,
      );
    }
  }
  for (const [key, opt] of Object.entries(info.options)) {
    if (opt.required && options[key] === undefined) throw new RangeError(`topology '${name}' needs option '${key}'`);
  }
  return info.build(nodes, options);
}
