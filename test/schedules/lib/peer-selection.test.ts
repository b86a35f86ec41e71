import { describe, expect, it } from 'vitest';
import { peerEdges, shiftOnePeer } from '../../../src/schedules/lib/peer-selection.ts';

describe('shiftOnePeer (BAGUA shift_one)', () => {
  it('pairs every rank with exactly one rank of the other half, symmetrically, at every exchange', () => {
    for (const n of [2, 4, 6, 8, 16]) {
      const half = n / 2;
      for (let k = 0; k < 2 * n; k++) {
        for (let i = 0; i < n; i++) {
          const p = shiftOnePeer(i, n, k);
          expect(p !== i, `n ${n} k ${k}: rank ${i} paired with itself`).toBe(true);
          expect(i < half !== p < half, `n ${n} k ${k}: rank ${i} and ${p} in the same half`).toBe(true);
          expect(shiftOnePeer(p, n, k), `n ${n} k ${k}: peer of ${p} is not ${i}`).toBe(i);
        }
      }
    }
  });

  it('shifts by one each exchange, so n/2 exchanges meet every rank of the other half once', () => {
    // BAGUA's formula on n = 4: k = 0: 0–2, 1–3; k = 1: 0–3, 1–2; k = 2: as k = 0.
    expect([0, 1, 2, 3].map((i) => shiftOnePeer(i, 4, 0))).toEqual([2, 3, 0, 1]);
    expect([0, 1, 2, 3].map((i) => shiftOnePeer(i, 4, 1))).toEqual([3, 2, 1, 0]);
    expect([0, 1, 2, 3].map((i) => shiftOnePeer(i, 4, 2))).toEqual([2, 3, 0, 1]);
    const n = 8;
    for (let i = 0; i < n / 2; i++) {
      const met = new Set<number>();
      for (let k = 0; k < n / 2; k++) met.add(shiftOnePeer(i, n, k));
      expect([...met].sort()).toEqual([4, 5, 6, 7]);
    }
  });

  it('rejects an odd number of ranks', () => {
    expect(() => shiftOnePeer(0, 3, 0)).toThrow(/even number of ranks, got 3/);
  });
});

describe('peerEdges', () => {
  it('gives the ring two edges per rank, each shared by its two ends', () => {
    const n = 5;
    const count = new Map<number, number>();
    for (let i = 0; i < n; i++)
      for (const e of peerEdges('ring', i, n, 0)) {
        count.set(e.edge, (count.get(e.edge) ?? 0) + 1);
        expect(peerEdges('ring', e.peer, n, 0).some((f) => f.edge === e.edge && f.peer === i)).toBe(true);
      }
    expect([...count.values()]).toEqual([2, 2, 2, 2, 2]);
    // Two ranks: two edges between the same pair (BAGUA sends to its left and right peer separately).
    expect(peerEdges('ring', 0, 2, 0)).toEqual([
      { edge: 1, peer: 1 },
      { edge: 0, peer: 1 },
    ]);
  });

  it('has no edges under all or with one rank', () => {
    expect(peerEdges('all', 0, 4, 0)).toEqual([]);
    expect(peerEdges('ring', 0, 1, 0)).toEqual([]);
  });
});
