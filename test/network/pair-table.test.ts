import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PairTable } from '../../src/network/pair-table.ts';
import { pathBandwidth, pathLatency } from '../../src/network/paths.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import { nodes } from './helpers.ts';

const topo = switchTopology(nodes(4, 4, 400e9, 1e-6, 50e9, 4e-6));
const ranks = topo.ranks;

function expectPair(t: PairTable, p: number, src: number, dst: number): void {
  const path = topo.route(src, dst);
  expect(t.latency[p]).toBe(pathLatency(topo, path));
  expect(t.bandwidth[p]).toBe(pathBandwidth(topo, path));
  expect(Array.from(t.links.subarray(t.pathStart[p]!, t.pathStart[p]! + t.pathLength[p]!))).toEqual(path);
}

describe('PairTable', () => {
  it('numbers pairs in order and keeps each one’s route, latency and bandwidth, growing as needed', () => {
    const t = new PairTable();
    let n = 0;
    for (let s = 0; s < ranks; s++)
      for (let d = 0; d < ranks; d++) {
        expect(t.find(s * ranks + d)).toBe(-1);
        expect(t.add(s * ranks + d, topo.route(s, d), topo)).toBe(n++);
      }
    expect(t.size).toBe(ranks * ranks);
    for (let s = 0; s < ranks; s++) for (let d = 0; d < ranks; d++) expectPair(t, t.find(s * ranks + d), s, d);
  });

  it('finds every key among thousands spread up to 2^53, growing its columns several times', () => {
    // Keys equal modulo 2^32 and consecutive keys are the hash's hard cases.
    const t = new PairTable();
    const path = topo.route(0, 5);
    const keys: number[] = [];
    for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) keys.push(i * 2 ** 32 + j, 2 ** 53 - 1 - (i * 60 + j));
    keys.forEach((k, n) => {
      expect(t.find(k)).toBe(-1);
      expect(t.add(k, path, topo)).toBe(n);
    });
    keys.forEach((k, n) => expect(t.find(k)).toBe(n));
    expect(t.find(12345)).toBe(-1);
  });

  it('retain keeps exactly the pairs in use, renumbered, with their data intact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(ranks - 1), fc.nat(ranks - 1)), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(59), { maxLength: 40 }),
        (pairs, usedAt) => {
          const t = new PairTable();
          const numbers: number[] = [];
          for (const [s, d] of pairs) {
            const key = s * ranks + d;
            const p = t.find(key);
            numbers.push(p >= 0 ? p : t.add(key, topo.route(s, d), topo));
          }
          const chosen = usedAt.filter((i) => i < pairs.length);
          const used = Int32Array.from(chosen, (i) => numbers[i]!);
          t.retain(used, used.length);
          const distinct = new Set(chosen.map((i) => pairs[i]![0] * ranks + pairs[i]![1]));
          expect(t.size).toBe(distinct.size);
          chosen.forEach((i, j) => {
            const [s, d] = pairs[i]!;
            expect(used[j]).toBe(t.find(s * ranks + d));
            expectPair(t, used[j]!, s, d);
          });
          // Pairs not in use are gone.
          for (const [s, d] of pairs) if (!distinct.has(s * ranks + d)) expect(t.find(s * ranks + d)).toBe(-1);
        },
      ),
    );
  });
});
