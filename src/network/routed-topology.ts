/**
 * Turns a node layout, a link table and a fabric router into a `Topology` with cached, deterministic
 * routes. Every route has the same shape: the source GPU's up link, then (between nodes only) the
 * fabric path from the source node's internal switch to the destination node's, then the destination
 * GPU's down link. Routes are computed on first use and cached per (src, dst) pair: precomputing all
 * N² pairs of a 16,384-GPU cluster would take gigabytes, while a collective touches O(N) pairs.
 */
import type { Link, Topology } from './types.ts';
import type { NodeLayout } from './node-layout.ts';

/**
 * The links from node `srcNode`'s internal switch to node `dstNode`'s (srcNode ≠ dstNode). Ranks are
 * passed so that multi-path fabrics can hash on them (ECMP). Must be deterministic.
 */
export type FabricRouter = (srcNode: number, dstNode: number, src: number, dst: number) => readonly number[];

// A bound on the cache so that a long run touching many pairs cannot grow it without limit; when it
// fills, it is cleared (routes are pure functions of (src, dst), so this changes nothing but speed).
const ROUTE_CACHE_LIMIT = 1 << 20;
const EMPTY: readonly number[] = Object.freeze([]);

/** Builds the `Topology` object. `links` must satisfy `links[i].id === i`. */
export function routedTopology(
  kind: string,
  layout: NodeLayout,
  links: readonly Link[],
  fabric: FabricRouter,
): Topology {
  const { ranks, nodes, nodeOfRank, firstRank, gpuUp, gpuDown, nicOfRank } = layout;
  const cache = new Map<number, readonly number[]>();
  const ranksCache: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(nodes);
  const frozenLinks = Object.freeze(links.slice());

  const checkRank = (r: number, what: string): void => {
    if (!Number.isInteger(r) || r < 0 || r >= ranks) {
      throw new RangeError(`${what} rank must be an integer in 0..${ranks - 1}, got ${String(r)}`);
    }
  };

  return Object.freeze({
    kind,
    ranks,
    nodes,
    links: frozenLinks,
    nodeOf(rank: number): number {
      checkRank(rank, 'nodeOf:');
      return nodeOfRank[rank]!;
    },
    nicOf(rank: number): number {
      checkRank(rank, 'nicOf:');
      return nicOfRank[rank]!;
    },
    ranksOf(node: number): readonly number[] {
      if (!Number.isInteger(node) || node < 0 || node >= nodes) {
        throw new RangeError(`ranksOf: node must be an integer in 0..${nodes - 1}, got ${String(node)}`);
      }
      let rs = ranksCache[node];
      if (rs === undefined) {
        const out: number[] = [];
        for (let r = firstRank[node]!; r < firstRank[node + 1]!; r++) out.push(r);
        rs = ranksCache[node] = Object.freeze(out);
      }
      return rs;
    },
    route(src: number, dst: number): readonly number[] {
      checkRank(src, 'route: source');
      checkRank(dst, 'route: destination');
      if (src === dst) return EMPTY;
      const key = src * ranks + dst;
      let path = cache.get(key);
      if (path !== undefined) return path;
      const sn = nodeOfRank[src]!;
      const dn = nodeOfRank[dst]!;
      const out = [gpuUp[src]!];
      if (sn !== dn) for (const l of fabric(sn, dn, src, dst)) out.push(l);
      out.push(gpuDown[dst]!);
      path = Object.freeze(out);
      if (cache.size >= ROUTE_CACHE_LIMIT) cache.clear();
      cache.set(key, path);
      return path;
    },
  });
}
