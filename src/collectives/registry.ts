/**
 * The collective-algorithm registry, read by the communicator, `dtsim collective --algo` and
 * `dtsim list collectives`, plus the default algorithm of each operation.
 */
import { binomialTree } from './binomial-tree.ts';
import { direct } from './direct.ts';
import { doubleBinaryTree } from './double-binary-tree.ts';
import { halvingDoubling } from './halving-doubling.ts';
import { hierarchical } from './hierarchical.ts';
import { parameterServer } from './parameter-server.ts';
import { ring } from './ring.ts';
import type { CollectiveAlgorithm, CollectiveOp } from './types.ts';

/** Every collective algorithm, by name. */
export const COLLECTIVES: Readonly<Record<string, CollectiveAlgorithm>> = Object.freeze({
  ring,
  'double-binary-tree': doubleBinaryTree,
  'halving-doubling': halvingDoubling,
  'binomial-tree': binomialTree,
  hierarchical,
  direct,
  'parameter-server': parameterServer,
});

/** The algorithm each operation uses when none is named (what NCCL picks for large messages). */
export const DEFAULT_ALGORITHM: Readonly<Record<CollectiveOp, string>> = Object.freeze({
  'all-reduce': 'ring',
  'reduce-scatter': 'ring',
  'all-gather': 'ring',
  broadcast: 'ring',
  'all-to-all': 'direct',
});

/**
 * The algorithm registered as `name` (or the default for `op` when `name` is undefined).
 * @throws Error for an unknown name, listing the known ones, or one that does not implement `op`.
 */
export function getCollective(op: CollectiveOp, name?: string): CollectiveAlgorithm {
  const key = name ?? DEFAULT_ALGORITHM[op];
  if (!Object.hasOwn(COLLECTIVES, key)) {
    throw new Error(`unknown collective algorithm '${key}'; known: ${Object.keys(COLLECTIVES).join(', ')}`);
  }
  const algo = COLLECTIVES[key]!;
  if (!algo.ops.includes(op)) {
    const able = Object.values(COLLECTIVES)
      .filter((a) => a.ops.includes(op))
      .map((a) => a.name);
    throw new Error(`collective algorithm '${key}' does not implement ${op}; algorithms for ${op}: ${able.join(', ')}`);
  }
  return algo;
}
