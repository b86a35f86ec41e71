/**
 * The schedule plug-in contract (design.md §1, §3). A schedule is one file exporting a definition made
 * with `defineSchedule`; `index.ts` registers it. It sees only its `ScheduleContext` and its parsed
 * options, never another schedule, `scenario/`, `cli/` or `fs`.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { CompressorSpec, FileOptionValue, OptimizerSpec, OptionSpec, OptionSpecs } from './options.ts';
import type { ClusterNode, Device } from '../hardware/cluster.ts';
import type { ScheduleContext } from './context.ts';
import type { ComputeModel } from './lib/compute-model.ts';

/**
 * The parsed value of one option: number and quantity → number (quantities in SI base units),
 * boolean → boolean, enum → the union of its `values`, collective → the name, compressor → a
 * `CompressorSpec`, file → its path and text, optimizer → an `OptimizerSpec` with every option filled.
 */
export type OptionValueOf<S extends OptionSpec> = S extends { readonly type: 'number' | 'quantity' }
  ? number
  : S extends { readonly type: 'boolean' }
    ? boolean
    : S extends { readonly type: 'enum'; readonly values: readonly (infer V extends string)[] }
      ? V
      : S extends { readonly type: 'collective' }
        ? string
        : S extends { readonly type: 'compressor' }
          ? CompressorSpec
          : S extends { readonly type: 'file' }
            ? FileOptionValue
            : S extends { readonly type: 'optimizer' }
              ? OptimizerSpec
              : never;

/**
 * The options a schedule receives, typed from its descriptors: an option without a default that is
 * not required may be absent (`undefined`, which means "off").
 */
export type OptionsOf<O extends OptionSpecs> = {
  readonly [K in keyof O]: O[K] extends { readonly default: unknown } | { readonly required: true }
    ? OptionValueOf<O[K]>
    : OptionValueOf<O[K]> | undefined;
};

/** The run's cluster as a schedule's `check` sees it: cheap to compute before anything is built. */
/** What a schedule's `memoryCheck` runs on. */
export interface MemoryCheckEnv {
  /** Every GPU of the cluster, by rank. */
  readonly devices: readonly Device[];
  /** The cluster's nodes (their intra-node links). */
  readonly nodes: readonly ClusterNode[];
  readonly compute: ComputeModel;
  /** Per-worker batch size. */
  readonly batchSize: number;
  /** Parameter-sized state vectors of the scenario's optimizer. */
  readonly optimizerSlots: number;
  /** `cluster.allowOversubscribe`: memory past a GPU's capacity is no problem. */
  readonly allowOversubscribe: boolean;
  /**
   * Full mode: the trained model's name and dense layers (null when it is not a dense stack), for a
   * schedule whose math runs stage by stage. Absent in timing-only mode.
   */
  readonly trained?: { readonly name: string; readonly denseLayers: number | null };
}

export interface RunShape {
  /** Workers (one per GPU), ranks 0 .. workers − 1. */
  readonly workers: number;
  /** Nodes, in rank order. */
  readonly nodes: number;
  /** GPUs of each node, in node order: node i holds the next `gpusPerNode[i]` ranks. */
  readonly gpusPerNode: readonly number[];
}

/**
 * A registered training schedule. Methods, not function-valued properties, on purpose: their
 * parameters are checked bivariantly, so a `ScheduleDefinition<O>` with typed options is still a
 * `ScheduleDefinition` (of `OptionSpecs`) in the registry.
 */
export interface ScheduleDefinition<O extends OptionSpecs = OptionSpecs> {
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
  readonly options: O;
  /**
   * True when the schedule books every rank's memory itself (pipelines: a stage's weights, stashed
   * versions and in-flight activations); the run then books nothing for it. Absent: the run books
   * one replica's model state and one batch of activations on every rank (scenario/run-memory.ts).
   */
  readonly ownsMemory?: boolean;
  /**
   * With `ownsMemory`: what `dtsim validate` reports about memory before anything runs (a stage that
   * cannot hold its weights and its activations at their peak), as messages. Absent: nothing.
   */
  memoryCheck?(o: OptionsOf<O>, env: MemoryCheckEnv): readonly string[];
  /**
   * Option names it no longer accepts, each with the message a scenario that still uses it gets
   * (what it was renamed to and why), added to the unknown-key error. Never listed as options.
   */
  readonly retiredOptions?: Readonly<Record<string, string>>;
  /**
   * What the descriptors cannot say: option problems that depend on the cluster (more shards than
   * workers). Each message starts with the option's name, then its value and what is allowed
   * (`shards must be an integer in [1, 8] ..., got 9`), so the scenario layer reports it at
   * `training.schedule.<option>` (at `training.schedule` when it names none). `dtsim validate`
   * reports them with the other errors; the runner calls it again before `start` and throws.
   * Absent: nothing beyond the descriptors. Empty: fine.
   */
  check?(o: OptionsOf<O>, shape: RunShape): readonly string[];
  /**
   * Data shards the training set is split into (`workload.sharding` decides how), when the schedule
   * keys data by something other than workers: FedAvg's clients, Crossbow's learners. Absent: one
   * per worker, key = rank.
   */
  dataKeys?(o: OptionsOf<O>, shape: RunShape): number;
  /**
   * The schedule's driver process. It runs until `ctx.progress.done` fires (the runner stops the
   * simulation there) or returns when it has nothing left to do. Options arrive parsed, defaults
   * filled, and `check` has passed.
   */
  start(ctx: ScheduleContext, o: OptionsOf<O>): ProcessGenerator<void>;
}

/**
 * Declares a schedule with options typed from its descriptors (`const`: enum values stay literal
 * unions, so `o.lrScaling` is `'none' | 'staleness'` and `o.shardz` does not compile). The identity
 * at run time.
 */
export function defineSchedule<const O extends OptionSpecs>(d: ScheduleDefinition<O>): ScheduleDefinition<O> {
  return d;
}
