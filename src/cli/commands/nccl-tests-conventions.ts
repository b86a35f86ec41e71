/**
 * nccl-tests' vocabulary for `dtsim collective`: data types and their sizes, reduction names, the
 * per-test names (all_reduce_perf …), and each test's size/count convention, taken from
 * NVIDIA/nccl-tests src/common.cu and src/<op>.cu (v2.13).
 */
import type { CollectiveOp } from '../../collectives/types.ts';

/** nccl-tests' `-d` names (test_typenames, NCCL ≥ 2.10 order) and their element sizes in bytes. */
export const NCCL_TYPES: Readonly<Record<string, number>> = Object.freeze({
  int8: 1,
  uint8: 1,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  half: 2,
  float: 4,
  double: 8,
  bfloat16: 2,
});

/** nccl-tests' `-o` names (test_opnames, NCCL ≥ 2.11: mulsum is ncclRedOpCreatePreMulSum). */
export const NCCL_REDOPS: readonly string[] = ['sum', 'prod', 'max', 'min', 'avg', 'mulsum'];

/** The nccl-tests binary of each collective, for the names `--collective` accepts. */
const PERF_NAMES: Readonly<Record<CollectiveOp, string>> = {
  'all-reduce': 'all_reduce_perf',
  'all-gather': 'all_gather_perf',
  'reduce-scatter': 'reduce_scatter_perf',
  broadcast: 'broadcast_perf',
  'all-to-all': 'alltoall_perf',
};

/**
 * The collective a name means: dtsim's (`all-reduce`), NCCL's (`all_reduce`, `allreduce`, `alltoall`)
 * or the nccl-tests binary's (`all_reduce_perf`); case and `-`/`_` do not matter. Undefined when the
 * name is none of them.
 */
export function collectiveFromName(name: string): CollectiveOp | undefined {
  const key = name
    .toLowerCase()
    .replace(/_perf$/, '')
    .replace(/[-_]/g, '');
  for (const op of Object.keys(PERF_NAMES) as CollectiveOp[]) {
    if (op.replace(/-/g, '') === key) return op;
  }
  return undefined;
}

/** Whether the op takes a reduction (the redop column shows it; `none` otherwise, as nccl-tests). */
export function hasReduction(op: CollectiveOp): boolean {
  return op === 'all-reduce' || op === 'reduce-scatter';
}

/** Whether the op has a root (the root column shows it; -1 otherwise, as nccl-tests). */
export function hasRoot(op: CollectiveOp): boolean {
  return op === 'broadcast';
}

/** One size of a sweep as nccl-tests prints and runs it. */
export interface SweepPoint {
  /** The size column: max(send, receive) bytes per rank. */
  readonly size: number;
  /** The count column: the count argument of the NCCL call. */
  readonly count: number;
  /** dtsim's `sizeBytes` for the collective (CollectiveRequest's convention); equals `size`. */
  readonly bytes: number;
}

/**
 * The printed size and count and the simulated bytes for a requested `size` (setupArgs and each
 * test's GetCollByteCount): count = ⌊size / element⌋; all-gather and reduce-scatter round the per-rank
 * count down to a multiple of 4 (ALIGN) and print it, with size = per-rank × ranks; all-to-all prints
 * ⌊count / ranks⌋ (the count sent to each peer), with size = that × ranks.
 */
export function sweepPoint(op: CollectiveOp, requested: number, elementBytes: number, ranks: number): SweepPoint {
  const count = Math.floor(requested / elementBytes);
  let param: number;
  let total: number;
  switch (op) {
    case 'all-reduce':
    case 'broadcast':
      param = count;
      total = count;
      break;
    case 'all-gather':
    case 'reduce-scatter':
      param = Math.floor(count / (4 * ranks)) * 4;
      total = param * ranks;
      break;
    case 'all-to-all':
      param = Math.floor(count / ranks);
      total = param * ranks;
      break;
  }
  const size = total * elementBytes;
  return { size, count: param, bytes: size };
}

/**
 * The requested sizes of a sweep, as TimeTest walks them (`size *= stepfactor` when the factor is > 1,
 * else `size += stepbytes`), but finite: nccl-tests repeats a 0-byte size forever under a factor
 * (0 × f = 0); here 0 is swept once and the sweep goes on from 1 byte.
 */
export function requestedSizes(minBytes: number, maxBytes: number, stepFactor: number, stepBytes: number): number[] {
  const sizes: number[] = [];
  for (let size = minBytes; size <= maxBytes;) {
    sizes.push(size);
    const next = stepFactor > 1 ? (size === 0 ? 1 : Math.floor(size * stepFactor)) : size + stepBytes;
    if (next <= size) break;
    size = next;
  }
  return sizes;
}
