/**
 * A growing list of directed links, used while a topology is being built. Ids are dense and assigned
 * in creation order, so `links[i].id === i` holds by construction (the contract in types.ts).
 */
import type { BytesPerSecond, Seconds } from '../core/units.ts';
import type { LinkSpec } from '../hardware/link-spec.ts';
import type { Link } from './types.ts';

/** Collects directed links and hands out their ids. */
export class LinkTable {
  /** The links added so far; `links[i].id === i`. */
  readonly links: Link[] = [];

  /** Adds one directed link and returns its id; `kind` is the hardware it stands for, when known. */
  add(name: string, bandwidth: BytesPerSecond, latency: Seconds, tier: Link['tier'], kind?: LinkSpec['kind']): number {
    const id = this.links.length;
    // Names are built by concatenation, which V8 keeps as a tree of string pieces; reading a character
    // flattens it into one string, and the pieces become garbage. A 65,536-node ring's 262,144 links
    // take 45 MB instead of 69 MB (validation builds the topology of every cluster it checks).
    name.charCodeAt(0);
    this.links.push(Object.freeze({ id, name, bandwidth, latency, tier, kind }));
    return id;
  }

  /**
   * Adds the two directed halves of an endpoint's attachment to a switch (`a->b` then `b->a`) and
   * returns their ids `[up, down]`. Each half carries half of the spec's one-way latency: a spec's
   * latency is the endpoint-to-endpoint α through one switch, and a message through a switch crosses
   * one half of the sender's attachment and one half of the receiver's (see docs/network.md).
   */
  addAttachment(a: string, b: string, spec: LinkSpec, tier: Link['tier']): [up: number, down: number] {
    const half = (spec.latency / 2) as Seconds;
    return [
      this.add(`${a}->${b}`, spec.bandwidth, half, tier, spec.kind),
      this.add(`${b}->${a}`, spec.bandwidth, half, tier, spec.kind),
    ];
  }
}

/**
 * Checks that a LinkSpec is usable: bandwidth finite and > 0, latency finite and >= 0.
 * @throws RangeError naming `where` and the bad field.
 */
export function checkLinkSpec(spec: LinkSpec, where: string): void {
  if (!(spec.bandwidth > 0) || spec.bandwidth === Infinity) {
    throw new RangeError(`${where}.bandwidth must be a finite number > 0 (B/s), got ${String(spec.bandwidth)}`);
  }
  if (!(spec.latency >= 0) || spec.latency === Infinity) {
    throw new RangeError(`${where}.latency must be a finite number >= 0 (s), got ${String(spec.latency)}`);
  }
}
