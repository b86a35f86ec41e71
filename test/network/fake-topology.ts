/** A hand-made topology for model tests: given link capacities and explicit routes, zero latency by default. */
import type { BytesPerSecond, Seconds } from '../../src/core/units.ts';
import type { Link, Topology } from '../../src/network/types.ts';

/**
 * A topology with links of the given capacities (B/s) and latencies, whose route(src, dst) is
 * `routes[src][dst]` (rank r is node r). Routes not listed are empty.
 */
export function fakeTopology(
  capacities: number[],
  routes: Record<number, Record<number, number[]>>,
  latencies?: number[],
): Topology {
  const links: Link[] = capacities.map((c, id) => ({
    id,
    name: `L${id}`,
    bandwidth: c as BytesPerSecond,
    latency: (latencies?.[id] ?? 0) as Seconds,
    tier: 'fabric',
  }));
  const ranks = 16;
  return {
    kind: 'fake',
    ranks,
    nodes: ranks,
    links,
    nodeOf: (r) => r,
    ranksOf: (n) => [n],
    route: (s, d) => routes[s]?.[d] ?? [],
  };
}
