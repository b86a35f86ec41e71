/**
 * `ring`: nodes cabled in a ring, node i to nodes i±1 (mod M), without a switch (a 1-D torus, like one
 * dimension of a TPU pod or ASTRA-sim's `Ring`). Messages take the shorter direction around the ring,
 * clockwise (rising node index) on a tie, and are forwarded through the internal switch of every node
 * on the way.
 */
import type { BytesPerSecond, Seconds } from '../core/units.ts';
import { nicCount } from '../hardware/link-spec.ts';
import type { NodeLinks } from '../hardware/link-spec.ts';
import { LinkTable } from './link-table.ts';
import { buildNodeLayout } from './node-layout.ts';
import { routedTopology } from './routed-topology.ts';
import type { Topology } from './types.ts';

/** Options of the `ring` topology (none today). */
export type RingOptions = Readonly<Record<string, never>>;

/**
 * Builds a ring over `nodes`. Each cable i↔i+1 is two directed `nic`-tier links
 * (`nodeI.nic->nodeJ.nic`) with the slower node's NIC bandwidth and the mean of the two NIC latencies: a
 * direct cable has no switch in the middle, so the endpoint-to-endpoint latency is the whole link's.
 * Each direction of each cable has its own bandwidth: a node's NIC is modelled as one full-duplex
 * port per neighbour. A node with several NICs has them bonded into that port (count × per-NIC
 * bandwidth): a ring has no rails for them to be kept apart on, and splitting them between the two
 * neighbours would halve what a one-direction ring can use. With 2 nodes there is a single cable;
 * with 1 node, none.
 * @throws RangeError for an empty cluster or a bad GPU count or link spec.
 */
export function ringTopology(nodes: readonly NodeLinks[], _options: RingOptions = {}): Topology {
  const table = new LinkTable();
  const layout = buildNodeLayout(nodes, table);
  const m = nodes.length;
  // cw[i]: node i → node i+1; ccw[i]: node i → node i−1 (mod m).
  const cw = new Int32Array(m);
  const ccw = new Int32Array(m);
  const cable = (a: number, b: number): number => {
    const na = nodes[a]!.nic;
    const nb = nodes[b]!.nic;
    const bw = Math.min(nicCount(nodes[a]!) * na.bandwidth, nicCount(nodes[b]!) * nb.bandwidth) as BytesPerSecond;
    const lat = ((na.latency + nb.latency) / 2) as Seconds;
    return table.add(`node${a}.nic->node${b}.nic`, bw, lat, 'nic');
  };
  if (m >= 2) for (let i = 0; i < m; i++) cw[i] = cable(i, (i + 1) % m);
  // With two nodes, node i+1 and node i−1 are the same node: the clockwise links already cover it,
  // and ties go clockwise, so no counter-clockwise link would ever be used.
  if (m >= 3) for (let i = 0; i < m; i++) ccw[i] = cable(i, (i - 1 + m) % m);
  return routedTopology('ring', layout, table.links, (sn, dn) => {
    const d = (dn - sn + m) % m;
    const out: number[] = [];
    if (d <= m - d) for (let k = 0; k < d; k++) out.push(cw[(sn + k) % m]!);
    else for (let k = 0; k < m - d; k++) out.push(ccw[(sn - k + m) % m]!);
    return out;
  });
}
