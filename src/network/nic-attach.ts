/**
 * Attaches every NIC of every node to a fabric switch, for the topologies whose nodes hang off
 * switches (`switch`, `leaf-spine`, `rail`). A node with one NIC keeps the link names it always had
 * (`nodeN.nic->switch`), so scenarios written before NICs could be counted give byte-identical output;
 * with several, NIC k is `nodeN.nicK`.
 */
import { nicCount } from '../hardware/link-spec.ts';
import type { NodeLinks } from '../hardware/link-spec.ts';
import type { LinkTable } from './link-table.ts';

/** The NIC links of a cluster, flat: node n's NIC k is entry `first[n] + k`. */
export interface NicLinks {
  /** Per node: index of its NIC 0 in `up`/`down`; entry `nodes` is the total NIC count. */
  readonly first: Int32Array;
  /** Per NIC: id of the link `nodeN.nicK->switch`. */
  readonly up: Int32Array;
  /** Per NIC: id of the link `switch->nodeN.nicK`. */
  readonly down: Int32Array;
}

/** The endpoint name of NIC `k` of node `n` that has `count` NICs: `nodeN.nic` if one, else `nodeN.nicK`. */
export function nicName(n: number, k: number, count: number): string {
  return count === 1 ? `node${n}.nic` : `node${n}.nic${k}`;
}

/**
 * Adds both directions of every NIC's attachment (tier `nic`, the NIC's spec) to the switch that
 * `switchOf(node, nic)` names, node by node and NIC by NIC, so link ids are deterministic.
 * Counts must already be checked (`buildNodeLayout` does).
 */
export function attachNics(
  nodes: readonly NodeLinks[],
  table: LinkTable,
  switchOf: (node: number, nic: number) => string,
): NicLinks {
  const first = new Int32Array(nodes.length + 1);
  let total = 0;
  nodes.forEach((n, i) => {
    first[i] = total;
    total += nicCount(n);
  });
  first[nodes.length] = total;
  const up = new Int32Array(total);
  const down = new Int32Array(total);
  nodes.forEach((n, i) => {
    const count = nicCount(n);
    for (let k = 0; k < count; k++) {
      [up[first[i]! + k], down[first[i]! + k]] = table.addAttachment(
        nicName(i, k, count),
        switchOf(i, k),
        n.nic,
        'nic',
      );
    }
  });
  return { first, up, down };
}
