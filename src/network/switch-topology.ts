/**
 * `switch`: every NIC of every node attached to one non-blocking switch (a single crossbar with no
 * internal limit, like one large InfiniBand or Ethernet switch). Inter-node route: gpu up, the source
 * GPU's NIC up, the destination GPU's NIC down, gpu down (see `nicOfGpu` for which NIC a GPU uses).
 */
import type { NodeLinks } from '../hardware/link-spec.ts';
import { LinkTable } from './link-table.ts';
import { attachNics } from './nic-attach.ts';
import { buildNodeLayout } from './node-layout.ts';
import { routedTopology } from './routed-topology.ts';
import type { Topology } from './types.ts';

/** Options of the `switch` topology (none today; the object keeps every builder's signature alike). */
export type SwitchOptions = Readonly<Record<string, never>>;

/**
 * Builds a single-switch topology over `nodes`. Links: per GPU 2 intra links, per NIC 2 NIC links
 * (`nodeN.nic->switch`, `switch->nodeN.nic` with one NIC a node; `nodeN.nicK->switch`, back with
 * several; tier `nic`).
 * @throws RangeError for an empty cluster or a bad GPU count or link spec.
 */
export function switchTopology(nodes: readonly NodeLinks[], _options: SwitchOptions = {}): Topology {
  const table = new LinkTable();
  const layout = buildNodeLayout(nodes, table);
  const { first, up, down } = attachNics(nodes, table, () => 'switch');
  const { nicOfRank } = layout;
  return routedTopology('switch', layout, table.links, (sn, dn, src, dst) => [
    up[first[sn]! + nicOfRank[src]!]!,
    down[first[dn]! + nicOfRank[dst]!]!,
  ]);
}
