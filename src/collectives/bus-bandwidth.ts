/**
 * nccl-tests' bus-bandwidth conventions (nccl-tests doc/PERFORMANCE.md): busbw = algbw × factor, the
 * factor chosen so that busbw is comparable to the hardware's link bandwidth whatever the rank count.
 */
import type { CollectiveOp } from './types.ts';

/**
 * busbw / algbw for `op` on `ranks` ranks: 2(n−1)/n for all-reduce, (n−1)/n for reduce-scatter,
 * all-gather and all-to-all, 1 for broadcast.
 */
export function busBandwidthFactor(op: CollectiveOp, ranks: number): number {
  switch (op) {
    case 'all-reduce':
      return (2 * (ranks - 1)) / ranks;
    case 'reduce-scatter':
    case 'all-gather':
    case 'all-to-all':
      return (ranks - 1) / ranks;
    case 'broadcast':
      return 1;
  }
}
