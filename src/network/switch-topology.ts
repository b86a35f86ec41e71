/**
 * `switch`: every node's NIC attached to one non-blocking switch (a single crossbar with no internal
 * limit, like one large InfiniBand or Ethernet switch). Inter-node route: gpu up, source NIC up,
 * destination NIC down, gpu down.
 */
import type { NodeLinks } from '../hardware/link-spec.ts';
import { LinkTable } from './link-table.ts';
import { buildNodeLayout } from './node-layout.ts';
import { routedTopology } from './routed-topology.ts';
import type { Topology } from './types.ts';

/** Options of the `switch` topology (none today; the object keeps every builder's signature alike). */
export type SwitchOptions = Readonly<Record<string, never>>;

/**
 * Builds a single-switch topology over `nodes`. Links: per GPU 2 intra links, per node 2 NIC links
 * (`nodeN.nic->switch`, `switch->nodeN.nic`, tier `nic`).
 * @throws RangeError for an empty cluster or a bad GPU count or link spec.
 */
export function switchTopology(nodes: readonly NodeLinks[], _options: SwitchOptions = {}): Topology {
  const table = new LinkTable();
  const layout = buildNodeLayout(nodes, table);
  const nicUp = new Int32Array(nodes.length);
  const nicDown = new Int32Array(nodes.length);
  nodes.forEach((n, i) => {
    [nicUp[i], nicDown[i]] = table.addAttachment(`node${i}.nic`, 'switch', n.nic, 'nic');
  });
  return routedTopology('switch', layout, table.links, (sn, dn) => [nicUp[sn]!, nicDown[dn]!]);
}
