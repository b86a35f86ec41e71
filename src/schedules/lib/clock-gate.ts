/**
 * The SSP clock gate (Ho et al., NIPS 2013; spec §4): member i may start clock c only when every
 * member has finished clock c − s. s = 0 is lock-step; no gate at all is fully asynchronous.
 *
 * Clocks only ever grow by one, so the minimum is kept with a count of members per clock value and
 * moves forward in amortised O(1); members waiting for the same minimum share one event. Nothing scans
 * all members, so the gate costs the same at 8 workers and at 8,192.
 */
import type { Event } from '../../core/events.ts';
import type { Simulator } from '../../core/simulator.ts';

/** A bounded-staleness gate over `members` clocks (see the file header). */
export class ClockGate {
  private readonly clocks: Int32Array;
  /** atClock[c]: members whose finished clocks number c. */
  private readonly atClock: number[];
  private min = 0;
  private readonly waiting = new Map<number, Event<void>>();

  /** @throws RangeError unless `slack` is an integer ≥ 0 and `members` ≥ 1. */
  constructor(
    private readonly sim: Simulator,
    members: number,
    readonly slack: number,
  ) {
    if (!Number.isInteger(slack) || slack < 0)
      throw new RangeError(`clock slack must be an integer >= 0, got ${slack}`);
    if (!Number.isInteger(members) || members < 1)
      throw new RangeError(`a clock gate needs at least one member, got ${members}`);
    this.clocks = new Int32Array(members);
    this.atClock = [members];
  }

  /** Clocks member `i` has finished. */
  clock(i: number): number {
    return this.clocks[i]!;
  }

  /** The slowest member's finished clocks. */
  get minClock(): number {
    return this.min;
  }

  /**
   * The slowest member's finished clocks as they would be once member `i` has finished its current
   * clock (SSP: a reply taken just after i's last push of a clock includes that whole clock of i).
   */
  minIfDone(i: number): number {
    return this.clocks[i] === this.min && this.atClock[this.min] === 1 ? this.min + 1 : this.min;
  }

  /** null when member `i` may start its next clock now; otherwise an event that fires when it may. */
  enter(i: number): Event<void> | null {
    const need = this.clocks[i]! - this.slack;
    if (this.min >= need) return null;
    let ev = this.waiting.get(need);
    if (ev === undefined) this.waiting.set(need, (ev = this.sim.event<void>()));
    return ev;
  }

  /** Member `i` finished a clock; wakes whoever that lets through. */
  done(i: number): void {
    const c = this.clocks[i]!;
    this.clocks[i] = c + 1;
    this.atClock[c]!--;
    this.atClock[c + 1] = (this.atClock[c + 1] ?? 0) + 1;
    while (this.atClock[this.min] === 0) {
      this.min++;
      const ev = this.waiting.get(this.min);
      if (ev !== undefined) {
        this.waiting.delete(this.min);
        ev.succeed();
      }
    }
  }
}
