/**
 * The schedule plug-in contract (design.md §1, §3). A schedule is one file exporting a
 * `ScheduleDefinition`; `index.ts` registers it. It sees only its `ScheduleContext` and its parsed
 * options, never another schedule, `scenario/`, `cli/` or `fs`.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { OptionSpecs, OptionValues } from './options.ts';
import type { ScheduleContext } from './context.ts';

/** A registered training schedule. */
export interface ScheduleDefinition {
  /** Registry name, kebab-case (`sync-allreduce`). */
  readonly name: string;
  /** One line for `dtsim list schedules`. */
  readonly summary: string;
  /** The paper or system it follows. */
  readonly reference: string;
  /**
   * `synchronous`: every gradient is applied to the version it was computed on (τ = 0 everywhere; the
   * conformance suite checks it). `asynchronous`: gradients may be stale (τ ≥ 0).
   */
  readonly semantics: 'synchronous' | 'asynchronous';
  /** Its options; the scenario layer validates against these and fills defaults. */
  readonly options: OptionSpecs;
  /**
   * Option names it no longer accepts, each with the message a scenario that still uses it gets
   * (what it was renamed to and why), added to the unknown-key error. Never listed as options.
   */
  readonly retiredOptions?: Readonly<Record<string, string>>;
  /**
   * Checks options against the cluster before anything is built: what `start` would reject for this
   * many workers. The scenario layer calls it at validation so `dtsim validate` reports it with the
   * file and path; `start` calls it too, so both reject the same things.
   * @throws RangeError naming the option, its value and what is allowed.
   */
  check(options: OptionValues, workers: number): void;
  /**
   * The schedule's driver process. It runs until `ctx.progress.done` fires (the runner stops the
   * simulation there) or returns when it has nothing left to do.
   * @throws Error (synchronously, before scheduling anything) for options that cannot run on this
   *   context, e.g. more parameter-server shards than workers.
   */
  start(ctx: ScheduleContext, options: OptionValues): ProcessGenerator<void>;
}
