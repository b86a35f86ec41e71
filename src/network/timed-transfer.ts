/**
 * A transfer that is one timeout: what the contention-free models (`analytical`, `fixed`) share. The
 * time comes from the model, the bookkeeping is the same: nothing to send to oneself, and the bytes are
 * credited to every link of the route when the transfer arrives, so link counters hold delivered bytes.
 */
import type { Event } from '../core/events.ts';
import type { Simulator } from '../core/simulator.ts';
import { bytes as checkBytes, seconds } from '../core/units.ts';
import type { Bytes } from '../core/units.ts';
import type { Topology } from './types.ts';

/**
 * Sends `size` bytes from `src` to `dst` on `topology`'s route, taking `timeOf(route, size)` seconds (0
 * when src === dst), and adds `size` to `counters[link]` for each link of the route on arrival.
 * `timeOf` is made once per model, so a transfer allocates no closure for it (this is a hot path).
 * @throws RangeError for a bad rank or a negative, NaN or infinite size.
 */
export function timedTransfer(
  sim: Simulator,
  topology: Topology,
  counters: Float64Array,
  src: number,
  dst: number,
  size: Bytes,
  timeOf: (route: readonly number[], size: number) => number,
): Event<void> {
  checkBytes(size);
  const path = topology.route(src, dst);
  if (path.length === 0) return sim.timeout(seconds(0));
  const ev = sim.timeout<void>(seconds(timeOf(path, size)));
  ev.onProcessed(() => {
    for (const l of path) counters[l]! += size;
  });
  return ev;
}
