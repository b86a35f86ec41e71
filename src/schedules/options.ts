/**
 * How a schedule declares its options: plain descriptors, not zod schemas, so that `schedules/` needs
 * no parsing library and the scenario layer builds validation (and `dtsim list schedules` builds its
 * help) from one source. Values reach the schedule already parsed: quantities in SI base units.
 */

/** The physical dimension of a quantity option, and so the units a scenario may write it in. */
export type QuantityDimension = 'size' | 'duration' | 'bandwidth' | 'flops' | 'flop-rate';

/** One option of a schedule (or of any other registry entry that uses this shape). */
export type OptionSpec =
  | {
      readonly type: 'number';
      readonly description: string;
      /** Omitted: the option is optional and absent means "off" (the schedule documents what that is). */
      readonly default?: number;
      readonly integer?: boolean;
      /** Inclusive bounds. */
      readonly min?: number;
      readonly max?: number;
      /** Exclusive lower bound (e.g. a rate that must be > 0). */
      readonly greaterThan?: number;
    }
  | {
      readonly type: 'quantity';
      readonly dimension: QuantityDimension;
      readonly description: string;
      /** Default as a scenario would write it (`"25 MB"`); omitted: optional, absent means "off". */
      readonly default?: string;
    }
  | { readonly type: 'boolean'; readonly description: string; readonly default: boolean }
  | { readonly type: 'enum'; readonly description: string; readonly values: readonly string[]; readonly default: string }
  /** A collective algorithm name from the COLLECTIVES registry that implements `op`. */
  | { readonly type: 'collective'; readonly description: string; readonly op: 'all-reduce'; readonly default: string };

/** Option descriptors by option name (camelCase, as written in the scenario). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/**
 * Parsed option values: numbers (quantities in SI base units: bytes, seconds, B/s, FLOPs, FLOP/s),
 * booleans and strings. An optional option without a default is absent.
 */
export type OptionValues = Readonly<Record<string, number | boolean | string | undefined>>;
