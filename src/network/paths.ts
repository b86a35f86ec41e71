/**
 * Path arithmetic shared by the network models and by collectives that need α and β of a route:
 * a path's latency is the sum of its links' latencies, its bandwidth is its slowest link's.
 */
import type { BytesPerSecond, Seconds } from '../core/units.ts';
import type { Topology } from './types.ts';

/** Sum of the latencies of the links in `path` (0 for an empty path). */
export function pathLatency(topology: Topology, path: readonly number[]): Seconds {
  let t = 0;
  for (const l of path) t += topology.links[l]!.latency;
  return t as Seconds;
}

/** Smallest bandwidth among the links in `path` (Infinity for an empty path: nothing limits it). */
export function pathBandwidth(topology: Topology, path: readonly number[]): BytesPerSecond {
  let b = Infinity;
  for (const l of path) b = Math.min(b, topology.links[l]!.bandwidth);
  return b as BytesPerSecond;
}
