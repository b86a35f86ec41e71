/** Checks on [start, end) ranges of the flat parameter vector (sharded servers, composed snapshots). */
import type { ParamRange } from './trainer.ts';

/** @throws RangeError unless `range` is integral with 0 <= start <= end <= `size`. */
export function checkRange(what: string, range: ParamRange, size: number): void {
  const [start, end] = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > size) {
    throw new RangeError(`${what}: range [${start}, ${end}) is not inside [0, ${size})`);
  }
}

/**
 * The order (indices into `ranges`) in which the ranges tile [0, `size`): sorted by start, each one
 * starting where the previous ended. Empty ranges (more shards than parameters) cover nothing and are
 * left out of the order.
 * @throws RangeError naming the first gap or overlap, or a range outside [0, size).
 */
export function tilingOrder(what: string, ranges: readonly ParamRange[], size: number): number[] {
  for (const r of ranges) checkRange(what, r, size);
  const order: number[] = [];
  for (let i = 0; i < ranges.length; i++) if (ranges[i]![0] < ranges[i]![1]) order.push(i);
  order.sort((a, b) => ranges[a]![0] - ranges[b]![0]);
  let at = 0;
  for (const i of order) {
    const [start, end] = ranges[i]!;
    if (start > at) throw new RangeError(`${what}: ranges leave [${at}, ${start}) uncovered`);
    if (start < at) throw new RangeError(`${what}: range [${start}, ${end}) overlaps [.., ${at})`);
    at = end;
  }
  if (at !== size) throw new RangeError(`${what}: ranges leave [${at}, ${size}) uncovered`);
  return order;
}
