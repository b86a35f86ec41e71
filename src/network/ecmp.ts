/**
 * Deterministic ECMP path choice. Real switches hash a flow's 5-tuple; here the flow is the (src, dst)
 * rank pair, so a pair always takes the same path (routes are cacheable, runs repeatable) while
 * different pairs spread over the equal-cost paths.
 */

/**
 * A 32-bit hash of the ordered pair (src, dst): a multiply-xor combine followed by MurmurHash3's
 * finaliser, whose avalanche makes consecutive ranks land on unrelated paths.
 */
export function ecmpHash(src: number, dst: number): number {
  let h = Math.imul(src, 0x9e3779b1) ^ Math.imul(dst ^ 0x85ebca6b, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Which of `paths` equal-cost paths the pair (src, dst) takes: an integer in 0..paths−1. */
export function ecmpChoice(src: number, dst: number, paths: number): number {
  return ecmpHash(src, dst) % paths;
}
