/**
 * Prices lock-step phases on the analytical model. A hop's α is the sum of the latencies on its
 * route and its β is 1/B, B being the route's bottleneck bandwidth. Inside one phase the collective's
 * own transfers that share a link share its bandwidth (a link carrying k equal messages takes k times
 * as long), so incast at a parameter server or all-to-all through one NIC is priced honestly;
 * traffic from other collectives is not seen (that is what the `flow` model is for). On homogeneous
 * links where no two transfers of a phase share a link this is exactly the α-β closed form.
 *
 * Phase time = max over transfers t of (α_t + max over links l on t's route of load_l / B_l).
 *
 * With a protocol (protocols.ts) every transfer carries its bytes × the protocol's inflation, and the
 * phase pays the protocol's step latency of its slowest hop kind once, on top: NVLink or PCIe for a
 * route inside a node, network for one that leaves it. The flow path of the communicator waits the
 * same latency before it starts a phase's transfers, so both models agree on an idle network.
 */
import type { Link, Topology } from '../network/types.ts';
import type { CollectiveRequest, Phase, PhasePricer } from './types.ts';
import { rankAt } from './phases.ts';
import { IDEAL } from './protocols.ts';

/** A route's hop kind as protocols.ts indexes it: 0 NVLink, 1 PCIe (inside a node), 2 network. */
export function hopKindOf(links: readonly Link[], route: readonly number[]): 0 | 1 | 2 {
  let kind: 0 | 1 | 2 = 0;
  for (const l of route) {
    const link = links[l]!;
    if (link.tier !== 'intra') return 2;
    if (link.kind === 'pcie') kind = 1;
  }
  return kind;
}

// Scratch for routeCost's two results, so pricing a route allocates nothing.
const cost = new Float64Array(2);

/**
 * A route's latency sum α and its drain time: the largest `weight[l] / bandwidth_l` over its links,
 * `weight` being bytes (or a count of pairs) put on each link by the phase. Results in `cost`.
 */
function routeCost(links: Topology['links'], route: readonly number[], weight: Float64Array): void {
  let alpha = 0;
  let drain = 0;
  for (const l of route) {
    const link = links[l]!;
    alpha += link.latency;
    const d = weight[l]! / link.bandwidth;
    if (d > drain) drain = d;
  }
  cost[0] = alpha;
  cost[1] = drain;
}

/**
 * A cached linear cost profile: phase time(bytes) = max_i (alpha[i] + gamma[i] · bytes), plus, under a
 * protocol, its step latency for the slowest hop kind among the routes (`hop`, protocols.ts's index).
 */
interface LinearProfile {
  readonly alpha: Float64Array;
  readonly gamma: Float64Array;
  readonly hop: 0 | 1 | 2;
}

/** Analytical phase pricer over one topology; caches uniform-phase profiles per group array. */
export class AnalyticalPricer implements PhasePricer {
  private readonly load: Float64Array;
  private readonly profiles = new WeakMap<readonly number[], Map<string, LinearProfile>>();

  /** Creates a pricer for `topology` (routes are asked of it lazily and cached per profile). */
  constructor(readonly topology: Topology) {
    this.load = new Float64Array(topology.links.length);
  }

  /** Time of one phase: see the file comment. Transfers between a rank and itself cost nothing. */
  phaseTime(request: CollectiveRequest, phase: Phase): number {
    const links = this.topology.links;
    const load = this.load;
    const protocol = request.protocol ?? IDEAL;
    const routes: (readonly number[])[] = [];
    for (const t of phase) {
      const route = this.topology.route(rankAt(request, t.src), rankAt(request, t.dst));
      routes.push(route);
      for (const l of route) load[l]! += t.bytes * protocol.inflate;
    }
    let worst = 0;
    let hop = 0;
    for (const route of routes) {
      if (route.length === 0) continue;
      routeCost(links, route, load);
      if (cost[0]! + cost[1]! > worst) worst = cost[0]! + cost[1]!;
      hop = Math.max(hop, protocol.hopS[hopKindOf(links, route)]);
    }
    // Reset only what this phase touched, so a phase costs O(its routes), not O(all links).
    for (const route of routes) for (const l of route) load[l] = 0;
    return routes.some((r) => r.length > 0) ? hop + worst : 0;
  }

  /**
   * The protocol's step latency of `phase`: that of its slowest hop kind (0 without a protocol, or when
   * every transfer stays on its own rank). The flow path waits it before the phase's transfers start.
   */
  phaseLatency(request: CollectiveRequest, phase: Phase): number {
    const protocol = request.protocol ?? IDEAL;
    const links = this.topology.links;
    let hop = 0;
    for (const t of phase) {
      const route = this.topology.route(rankAt(request, t.src), rankAt(request, t.dst));
      if (route.length > 0) hop = Math.max(hop, protocol.hopS[hopKindOf(links, route)]);
    }
    return hop;
  }

  /** Time of a phase in which every pair carries `bytes`; the pairs' routes are cached under `key`. */
  uniformPhaseTime(
    request: CollectiveRequest,
    key: string,
    pairs: () => readonly (readonly [number, number])[],
    bytes: number,
  ): number {
    let byGroup = this.profiles.get(request.group);
    if (byGroup === undefined) {
      byGroup = new Map();
      this.profiles.set(request.group, byGroup);
    }
    let profile = byGroup.get(key);
    if (profile === undefined) {
      profile = this.buildProfile(request.group, pairs());
      byGroup.set(key, profile);
    }
    const protocol = request.protocol ?? IDEAL;
    const wire = bytes * protocol.inflate;
    let worst = 0;
    const { alpha, gamma } = profile;
    for (let i = 0; i < alpha.length; i++) {
      const t = alpha[i]! + gamma[i]! * wire;
      if (t > worst) worst = t;
    }
    return alpha.length === 0 ? 0 : protocol.hopS[profile.hop] + worst;
  }

  /** Counts how many pairs use each link, then keeps the distinct (α, count/B) pairs. */
  private buildProfile(group: readonly number[], pairs: readonly (readonly [number, number])[]): LinearProfile {
    const links = this.topology.links;
    const count = this.load;
    const routes = pairs.map(([s, d]) => this.topology.route(group[s]!, group[d]!));
    for (const r of routes) for (const l of r) count[l]! += 1;
    const seen = new Map<string, [number, number]>();
    let hop: 0 | 1 | 2 = 0;
    for (const r of routes) {
      if (r.length === 0) continue;
      const k = hopKindOf(links, r);
      if (k > hop) hop = k;
      routeCost(links, r, count);
      const alpha = cost[0]!;
      const gamma = cost[1]!; // seconds per byte of each pair: pairs on the busiest link / its bandwidth
      // Homogeneous groups collapse to one or a few entries, so evaluating a cached profile is O(1).
      seen.set(`${alpha}|${gamma}`, [alpha, gamma]);
    }
    for (const r of routes) for (const l of r) count[l] = 0;
    const entries = [...seen.values()];
    return {
      alpha: Float64Array.from(entries, (e) => e[0]),
      gamma: Float64Array.from(entries, (e) => e[1]),
      hop,
    };
  }
}
