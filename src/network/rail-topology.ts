/**
 * `rail`: a rail-optimised fabric, as in NVIDIA's DGX SuperPOD. Every node has the same number of NICs
 * R; NIC k of every node is cabled to rail switch k (`railK`), so the GPUs that share a local index
 * across nodes (one rail) are one switch hop apart, and the R rails never share a link.
 *
 * A message between nodes travels on the rail of the destination GPU, as NCCL does with PXN
 * (PCIe × NVLink): the source GPU first hands the data over the node's NVSwitch to the GPU on the
 * destination's rail, whose NIC sends it. That NVSwitch crossing is the source GPU's up link, which
 * every route already starts with; the hand-over GPU's own NVLink and PCIe hops are not modelled
 * (NVLink is an order of magnitude faster than a NIC, and a separate link per hand-over would make
 * routes depend on a third GPU). Route: source GPU up, source node's NIC r up to `railr`, `railr`
 * down to the destination node's NIC r, destination GPU down; r = `nicOfGpu` of the destination GPU.
 * One non-blocking switch per rail: no spine above the rails (rails of rails) yet.
 */
import { nicCount } from '../hardware/link-spec.ts';
import type { NodeLinks } from '../hardware/link-spec.ts';
import { LinkTable } from './link-table.ts';
import { attachNics } from './nic-attach.ts';
import { buildNodeLayout } from './node-layout.ts';
import { routedTopology } from './routed-topology.ts';
import type { Topology } from './types.ts';

/** Options of the `rail` topology (none today). */
export type RailOptions = Readonly<Record<string, never>>;

/**
 * Builds a rail-optimised topology over `nodes`. Links: per GPU 2 intra links, per NIC 2 NIC links
 * (`nodeN.nicK->railK`, `railK->nodeN.nicK`, tier `nic`; `nodeN.nic->rail0` with one NIC a node).
 * @throws RangeError for an empty cluster, a bad GPU count, link spec or NIC count, or nodes whose NIC
 *   counts differ (a rail needs NIC k on every node).
 */
export function railTopology(nodes: readonly NodeLinks[], _options: RailOptions = {}): Topology {
  const table = new LinkTable();
  const layout = buildNodeLayout(nodes, table);
  const rails = nicCount(nodes[0]!);
  nodes.forEach((n, i) => {
    if (nicCount(n) !== rails) {
      throw new RangeError(
        `rail: every node needs the same NIC count (one NIC per rail); node 0 has ${rails}, node ${i} has ${nicCount(n)}`,
      );
    }
  });
  const { first, up, down } = attachNics(nodes, table, (_node, k) => `rail${k}`);
  const { nicOfRank } = layout;
  return routedTopology('rail', layout, table.links, (sn, dn, _src, dst) => {
    const r = nicOfRank[dst]!;
    return [up[first[sn]! + r]!, down[first[dn]! + r]!];
  });
}
