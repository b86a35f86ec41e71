/**
 * The `fixed` network model: every transfer takes the same time, and so does every collective,
 * whatever its size, group or algorithm. For studies in abstract time units ("an all-reduce costs
 * 0.2 s") that would otherwise have to solve latency and bandwidth from a collective's closed form.
 * Bytes are still counted (per link, along the route, when a transfer completes; per rank by the
 * communicator), so traffic figures stay meaningful; only time is fixed.
 */
import type { Event } from '../core/events.ts';
import type { Simulator } from '../core/simulator.ts';
import type { Bytes } from '../core/units.ts';
import { timedTransfer } from './timed-transfer.ts';
import type { NetworkModel, Topology } from './types.ts';

/** The two times of a `fixed` network, in seconds. */
export interface FixedTimes {
  /** Time of one point-to-point transfer between different ranks (a send to oneself takes 0). */
  readonly transferS: number;
  /** Time of one collective, whatever its size, group and algorithm. */
  readonly collectiveS: number;
}

/** Constant-time network model. */
export class FixedNetwork implements NetworkModel {
  /** Always `fixed`. */
  readonly kind = 'fixed' as const;
  /** The topology it routes on (for byte counts per link). */
  readonly topology: Topology;
  /** Time of every collective, seconds (the communicator reads it). */
  readonly collectiveS: number;
  private readonly sim: Simulator;
  private readonly bytes: Float64Array;
  private readonly timeOf: () => number;

  /**
   * A model on `topology` in `sim`'s time.
   * @throws RangeError if a time is negative or not finite.
   */
  constructor(sim: Simulator, topology: Topology, times: FixedTimes) {
    for (const [k, v] of Object.entries(times)) {
      if (!(v >= 0) || !Number.isFinite(v))
        throw new RangeError(`fixed network: ${k} must be a finite number of seconds >= 0, got ${String(v)}`);
    }
    this.sim = sim;
    this.topology = topology;
    this.collectiveS = times.collectiveS;
    this.bytes = new Float64Array(topology.links.length);
    const t = times.transferS;
    this.timeOf = () => t;
  }

  /**
   * Succeeds after the fixed transfer time (0 when src === dst); bytes are credited to every link of
   * the route when it completes.
   * @throws RangeError for a bad rank or a negative, NaN or infinite size.
   */
  transfer(src: number, dst: number, size: Bytes): Event<void> {
    return timedTransfer(this.sim, this.topology, this.bytes, src, dst, size, this.timeOf);
  }

  /** A copy of the bytes delivered over each directed link so far, indexed by link id. */
  linkBytes(): Float64Array {
    return this.bytes.slice();
  }
}
