/**
 * Double binary tree all-reduce (Sanders, Speck & Träff 2009; NCCL's "tree"). Two binary trees over
 * the group, the second the mirror image of the first (shifted by one when N is odd), so most ranks
 * are interior in one tree and a leaf in the other. Each tree carries half the buffer cut into C
 * chunks and pipelines a reduce up to its root, then a broadcast back down. With tree height H:
 * 2(C+H−1) lock-step phases, each ≈ α + (n/C)·β (a rank sends one n/(2C) chunk in each tree), so
 * T ≈ 2(C+H−1)(α + n/(C·B)) → 2n/B + 2(C+H−1)α: the spec §1.2 model 2⌈log₂N⌉α + 2nβ plus its
 * chunk-fill terms. The reduce and broadcast are not overlapped (NCCL overlaps them); this
 * overestimates by about H phases.
 */
import type { CollectiveAlgorithm, CollectiveRequest, Phase, PhaseTransfer } from './types.ts';
import { phaseBased, pipelineChunks, requireOp } from './phases.ts';

/** Parent of each rank in NCCL's binary tree (ncclGetBtree): −1 for the root, rank 0. */
function btreeParents(n: number): Int32Array {
  const parent = new Int32Array(n).fill(-1);
  for (let r = 1; r < n; r++) {
    const bit = r & -r;
    let up = (r ^ bit) | (bit << 1);
    if (up >= n) up = r ^ bit;
    parent[r] = up;
  }
  return parent;
}

interface Tree {
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  readonly height: number;
}

function makeTree(n: number, relabel: (r: number) => number): Tree {
  const base = btreeParents(n);
  const parent = new Int32Array(n).fill(-1);
  for (let r = 0; r < n; r++) {
    const p = base[r]!;
    if (p >= 0) parent[relabel(r)] = relabel(p);
  }
  const depth = new Int32Array(n);
  let height = 0;
  for (let r = 0; r < n; r++) {
    let d = 0;
    for (let x = r; parent[x]! >= 0; x = parent[x]!) d++;
    depth[r] = d;
    if (d > height) height = d;
  }
  return { parent, depth, height };
}

/** The two trees of a group of n ranks. */
export function doubleBinaryTrees(n: number): [Tree, Tree] {
  const first = makeTree(n, (r) => r);
  const second = makeTree(n, n % 2 === 0 ? (r) => n - 1 - r : (r) => (r + 1) % n);
  return [first, second];
}

function treePhases(request: CollectiveRequest): Phase[] {
  const n = request.group.length;
  if (n < 2) return [];
  const c = pipelineChunks(request);
  const chunk = request.sizeBytes / (2 * c);
  const trees = doubleBinaryTrees(n);
  const h = Math.max(trees[0].height, trees[1].height);
  const reduce: PhaseTransfer[][] = Array.from({ length: c + h - 1 }, () => []);
  const bcast: PhaseTransfer[][] = Array.from({ length: c + h - 1 }, () => []);
  for (const t of trees) {
    for (let r = 0; r < n; r++) {
      const p = t.parent[r]!;
      if (p < 0) continue;
      const d = t.depth[r]!;
      // Reduce: a rank at depth d forwards chunk k at step k + (h − d), after its children (depth d+1).
      // Broadcast: its parent hands it chunk k at step k + d − 1, after the parent received it.
      for (let k = 0; k < c; k++) {
        reduce[k + h - d]!.push({ src: r, dst: p, bytes: chunk });
        bcast[k + d - 1]!.push({ src: p, dst: r, bytes: chunk });
      }
    }
  }
  return [...reduce, ...bcast].filter((p) => p.length > 0);
}

/** Pipelined double binary tree all-reduce. */
export const doubleBinaryTree: CollectiveAlgorithm = {
  name: 'double-binary-tree',
  summary: 'double binary tree (NCCL tree): two mirrored trees, n/2 each, pipelined in C chunks',
  ops: ['all-reduce'],
  validate(request) {
    requireOp(this, request);
    if (!Number.isInteger(request.chunks) || request.chunks < 1)
      throw new Error(`chunks must be an integer >= 1, got ${request.chunks}`);
    if (request.servers.length > 0) throw new Error('the double-binary-tree algorithm takes no parameter servers');
  },
  ...phaseBased(treePhases),
};
