/**
 * Option descriptors: how a registry entry (a schedule, a straggler model, ...) declares its options as
 * plain data, so the layers that own the entries need no parsing library. The scenario layer builds
 * validation from them and `dtsim list` builds its help; values reach the entry already parsed, with
 * quantities in SI base units. Types only: nothing here runs.
 */

/** The physical dimension of a quantity option, and so the units a scenario may write it in. */
export type QuantityDimension = 'size' | 'duration' | 'bandwidth' | 'flops' | 'flop-rate';

/** One option of a registry entry. */
export type OptionSpec =
  | {
      readonly type: 'number';
      readonly description: string;
      /** Omitted: the option is optional and absent means "off" (the entry documents what that is). */
      readonly default?: number;
      /** Must be given (only meaningful without a default). */
      readonly required?: boolean;
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
      readonly required?: boolean;
      /** Exclusive lower bound in SI base units (0: a size or duration that must be > 0). */
      readonly greaterThan?: number;
    }
  | { readonly type: 'boolean'; readonly description: string; readonly default: boolean }
  | {
      readonly type: 'enum';
      readonly description: string;
      readonly values: readonly string[];
      readonly default: string;
    }
  /** A collective algorithm name from the COLLECTIVES registry that implements `op`. */
  | { readonly type: 'collective'; readonly description: string; readonly op: 'all-reduce'; readonly default: string }
  /**
   * A file path, relative to the scenario file; the scenario layer reads it and passes a
   * `FileOptionValue` (straggler models get the path under the option's key and the text under `text`).
   */
  | { readonly type: 'file'; readonly description: string; readonly required: true }
  /**
   * An optimizer from the OPTIMIZERS registry with its options (DiLoCo's outer Nesterov, SlowMo's slow
   * momentum), written as the scenario's `training.optimizer` is; missing options come from `default`
   * when the kind is the default's, else from the registry.
   */
  | { readonly type: 'optimizer'; readonly description: string; readonly default: OptimizerSpec }
  /**
   * A gradient compressor by name from the COMPRESSORS registry (schedules/lib/compressors.ts; the
   * scenario layer refuses an unregistered default). Only the name for now: the compressor's own
   * options (ratio, rank, …) are not yet carried by this descriptor.
   */
  | { readonly type: 'compressor'; readonly description: string; readonly default: string };

/** Option descriptors by option name (camelCase, as written in the scenario). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/**
 * An optimizer named by data, as an `optimizer` option holds it: a registry name (OPTIMIZERS), its
 * options (every one filled once parsed), and optionally its own constant learning rate. Plain data
 * here, so core imports nothing from training; the trainer takes this very type.
 */
export interface OptimizerSpec {
  readonly kind: string;
  /** Its own constant learning rate; absent: the scenario's learning-rate schedule. */
  readonly lr?: number;
  readonly options: Readonly<Record<string, number>>;
}

/**
 * A `file` option's value: the resolved path and the file's text, which the scenario layer has read
 * (registry entries never touch the file system).
 */
export interface FileOptionValue {
  readonly path: string;
  readonly text: string;
}
