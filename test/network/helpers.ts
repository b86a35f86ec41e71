/** Shared fixtures for network tests: node descriptions in round numbers and a path checker. */
import type { BytesPerSecond, Seconds } from '../../src/core/units.ts';
import type { NodeLinks } from '../../src/hardware/link-spec.ts';
import type { Topology } from '../../src/network/types.ts';

/** A node with `gpus` GPUs, intra links of `intraBw` B/s and `intraLat` s, a NIC of `nicBw` and `nicLat`. */
export function node(gpus: number, intraBw = 400e9, intraLat = 1e-6, nicBw = 50e9, nicLat = 4e-6): NodeLinks {
  return {
    gpus,
    intraNode: { bandwidth: intraBw as BytesPerSecond, latency: intraLat as Seconds },
    nic: { bandwidth: nicBw as BytesPerSecond, latency: nicLat as Seconds },
  };
}

/** `count` identical nodes. */
export function nodes(count: number, gpus: number, ...rest: number[]): NodeLinks[] {
  const n = node(gpus, ...rest);
  return Array.from({ length: count }, () => n);
}

/** The GPU endpoint name of `rank`, e.g. `node2.gpu1`. */
export function gpuName(t: Topology, rank: number): string {
  const n = t.nodeOf(rank);
  return `node${n}.gpu${rank - t.ranksOf(n)[0]!}`;
}

/**
 * Problems with route(src, dst), empty if none: link names must chain (each link starts where the
 * previous ended), start at src's GPU, end at dst's GPU, and never repeat a link. A node's NIC hangs
 * off its internal switch, so `nodeN.nic` and `nodeN.nvswitch` name the same point for chaining.
 */
export function routeProblems(t: Topology, src: number, dst: number): string[] {
  const path = t.route(src, dst);
  const out: string[] = [];
  if (src === dst) return path.length === 0 ? [] : ['self route not empty'];
  const ends = path.map((l) => t.links[l]!.name.replace(/\.nic\d*\b/g, '.nvswitch').split('->') as [string, string]);
  if (ends[0]![0] !== gpuName(t, src)) out.push(`starts at ${ends[0]![0]}`);
  if (ends[ends.length - 1]![1] !== gpuName(t, dst)) out.push(`ends at ${ends[ends.length - 1]![1]}`);
  for (let i = 1; i < ends.length; i++) if (ends[i]![0] !== ends[i - 1]![1]) out.push(`break after ${ends[i - 1]![1]}`);
  if (new Set(path).size !== path.length) out.push('repeats a link');
  return out;
}
