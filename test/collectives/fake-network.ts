/**
 * A small hand-built topology and an analytical stand-in for tests, so that every closed form can be
 * checked with exactly the α and B it names: an intra-node route is [gpu up, gpu down], an inter-node
 * route is [node NIC up, node NIC down] (the GPU links are skipped), each link carrying half the α.
 */
import type { Link, NetworkModel, Topology } from '../../src/network/types.ts';
import type { Bytes, BytesPerSecond, Seconds } from '../../src/core/units.ts';
import type { Event } from '../../src/core/events.ts';

/** α (route latency, s) and B (B/s) of one kind of route. */
export interface Hop {
  alpha: number;
  bandwidth: number;
}

/** Builds the fake topology: `nodes` × `gpus`, with optional per-node NIC overrides. */
export function fakeTopology(
  nodes: number,
  gpus: number,
  intra: Hop,
  nic: Hop,
  nicOf: (node: number) => Hop = () => nic,
): Topology {
  const links: Link[] = [];
  const add = (name: string, h: Hop, tier: Link['tier']): number => {
    links.push({
      id: links.length,
      name,
      bandwidth: h.bandwidth as BytesPerSecond,
      latency: (h.alpha / 2) as Seconds,
      tier,
    });
    return links.length - 1;
  };
  const up: number[] = [];
  const down: number[] = [];
  for (let r = 0; r < nodes * gpus; r++) {
    up.push(add(`gpu${r}.up`, intra, 'intra'));
    down.push(add(`gpu${r}.down`, intra, 'intra'));
  }
  const nicUp: number[] = [];
  const nicDown: number[] = [];
  for (let m = 0; m < nodes; m++) {
    nicUp.push(add(`node${m}.nic.up`, nicOf(m), 'nic'));
    nicDown.push(add(`node${m}.nic.down`, nicOf(m), 'nic'));
  }
  const nodeOf = (r: number): number => Math.floor(r / gpus);
  return {
    kind: 'fake',
    ranks: nodes * gpus,
    nodes,
    links,
    nodeOf,
    ranksOf: (m) => Array.from({ length: gpus }, (_, j) => m * gpus + j),
    route(src, dst) {
      if (src === dst) return [];
      if (nodeOf(src) === nodeOf(dst)) return [up[src]!, down[dst]!];
      return [nicUp[nodeOf(src)]!, nicDown[nodeOf(dst)]!];
    },
  };
}

/** An analytical network over `topology`: the communicator prices collectives itself, never calling transfer. */
export function fakeAnalytical(topology: Topology): NetworkModel {
  return {
    kind: 'analytical',
    topology,
    transfer(_src: number, _dst: number, _size: Bytes): Event<void> {
      throw new Error('the analytical communicator path must not call transfer');
    },
    linkBytes: () => new Float64Array(topology.links.length),
  };
}

/** Ranks 0..n−1. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Relative difference, for 1e-9 comparisons. */
export const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
