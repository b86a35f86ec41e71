/**
 * Who exchanges weights with whom in BAGUA's decentralised algorithms (spec §22), as the Rust core
 * `bagua-core-internal/src/comm_ops/decentralized_*_synchronous.rs` picks them:
 *
 * - `all`: every worker averages with every other (one all-reduce of the weights);
 * - `shift-one`: at communication k (k counts exchanges, not training steps) the ranks are split into
 *   halves and each rank of the lower half is matched with one of the upper half, the match shifting
 *   by one each exchange:
 *     rank i < n/2:   peer = ((k + i) mod n/2) + n/2
 *     rank i ≥ n/2:   peer = (i − n/2 − k) mod n/2        (a non-negative remainder)
 *   n must be even (BAGUA asserts it); every rank has exactly one peer, and the peer's peer is the
 *   rank itself, so the n/2 pairs exchange concurrently;
 * - `ring`: the low-precision algorithm's fixed ring: rank i talks to (i − 1) mod n and (i + 1) mod n.
 */

/** How peers are chosen. */
export type PeerSelection = 'all' | 'shift-one' | 'ring';

/**
 * Rank `rank`'s peer at exchange `k` under `shift-one` on `n` ranks (see the file header).
 * @throws RangeError for an odd `n` or a rank outside [0, n).
 */
export function shiftOnePeer(rank: number, n: number, k: number): number {
  if (n % 2 !== 0 || n < 2) throw new RangeError(`shift-one needs an even number of ranks, got ${n}`);
  if (!(rank >= 0 && rank < n)) throw new RangeError(`shift-one: rank ${rank} outside [0, ${n})`);
  const half = n / 2;
  if (rank < half) return ((k + rank) % half) + half;
  return (((rank - half - k) % half) + half) % half;
}

/**
 * The exchanges rank `rank` takes part in at exchange `k`, as edge ids with the other end: under
 * `shift-one` one edge (named by the lower rank of the pair), under `ring` two (edge e joins e and
 * e + 1 mod n, so rank i has edges i − 1 and i; with n = 2 these are two edges between the same two
 * ranks, as BAGUA sends to its left and right peer separately). None under `all` or with one rank.
 */
export function peerEdges(
  selection: PeerSelection,
  rank: number,
  n: number,
  k: number,
): readonly { readonly edge: number; readonly peer: number }[] {
  if (n < 2 || selection === 'all') return [];
  if (selection === 'shift-one') {
    const peer = shiftOnePeer(rank, n, k);
    return [{ edge: Math.min(rank, peer), peer }];
  }
  const left = (rank + n - 1) % n;
  const right = (rank + 1) % n;
  return [
    { edge: left, peer: left },
    { edge: rank, peer: right },
  ];
}
