/**
 * The validated, normalized scenario: what `loadScenario` returns for each run after parsing YAML/JSON,
 * applying defaults, `--set` overrides and sweep points, evaluating formulas and converting every
 * quantity to SI base units. Everything downstream (the runner, the schedules) reads only this shape.
 */
import type { NodeGroupSpec } from '../hardware/cluster.ts';
import type { Precision } from '../hardware/device-spec.ts';
import type { ModelConfig } from '../training/models/create-model.ts';
import type { OptionValues } from '../schedules/options.ts';
import type { ShardSpec } from '../training/datasets/sharding.ts';
import type { ComputeOverrides } from '../hardware/compute-efficiency.ts';

/** One straggler model: `kind` from the straggler registry, its options in SI units, optional worker list. */
export interface StragglerSpec {
  readonly kind: string;
  readonly options: Readonly<Record<string, number | string | boolean>>;
  /** Global ranks it applies to; absent means every worker. */
  readonly workers?: readonly number[];
}

/** How compute time is predicted (design.md §3: timing is separate from what is trained). */
export type TimingSpec =
  /** From the trained proxy model's own layers. */
  | { readonly kind: 'model' }
  /** A named profile from the workload registry (resnet50, bert-large, ...). */
  | { readonly kind: 'profile'; readonly name: string; readonly sequenceLength?: number }
  /**
   * Custom numbers: either a fixed per-sample forward cost, or a fixed step time at the scenario's batch
   * size on a reference GPU. `paramBytes` sets the size of the gradient message.
   */
  | {
      readonly kind: 'custom';
      /** Forward FLOPs per sample (backward is 2× forward). */
      readonly forwardFlopsPerSample?: number;
      /** Forward+backward step time at `batchSize` on a speed-1 GPU, seconds (overrides the roofline). */
      readonly stepTimeS?: number;
      /** Parameter (and gradient) bytes. */
      readonly paramBytes: number;
      /** Activation bytes per sample for the roofline's memory term (default 0). */
      readonly activationBytesPerSample?: number;
    };

/** Stop conditions; the run stops at the first one reached. At least one is set. */
export interface StopSpec {
  /** Passes over the training set, counting samples of all workers. */
  readonly epochs?: number;
  /** Updates applied to the global model. */
  readonly updates?: number;
  /** Simulated seconds. */
  readonly simTimeS?: number;
  /** Test accuracy in (0, 1]; needs evaluation (full mode). */
  readonly targetAccuracy?: number;
}

/** Evaluation cadence of the global model (full mode only). */
export interface EvalSpec {
  /** Evaluate every this many simulated seconds. */
  readonly everyS?: number;
  /** Evaluate every this many global updates. */
  readonly everyUpdates?: number;
  /** Test samples used per evaluation (default: the whole test split). */
  readonly samples?: number;
  /**
   * Test accuracies in (0, 1], ascending and distinct, whose first crossing is reported (summary.csv
   * `time_to_<a>_s`) without stopping the run; `stop.targetAccuracy` is the one that stops it.
   */
  readonly thresholds?: readonly number[];
}

/** A precision gradients and messages may be kept at. */
export type WirePrecision = 'fp32' | 'fp16' | 'bf16';

/** One fully resolved run. */
export interface Scenario {
  /** The scenario file it came from (for messages); `<inline>` for objects. */
  readonly file: string;
  readonly name: string;
  /** What the scenario is about, in a sentence or two; `dtsim run` prints it above its table. */
  readonly description?: string;
  /** Short label of the sweep point (`async-ps(shards=2)`, or the value's own `label`), or '' without a sweep. */
  readonly point: string;
  /** The point's full settings: each sweep key as written and its value (label removed); absent without a sweep. */
  readonly sweepValues?: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /**
   * The configuration (sweep point) this run belongs to, counted from 0 in sweep order; runs that share
   * it are repeats that differ only in their seed. Absent without repeats (`repeats: 1`).
   */
  readonly configId?: number;
  /** The configuration's label: `point` without the repeat's `seed=N` part. Absent as `configId`. */
  readonly configLabel?: string;
  /** Seeds run for this configuration (`repeats`, 1 when absent). */
  readonly repeats?: number;
  readonly mode: 'full' | 'timing-only';
  readonly cluster: {
    /** Node groups; links in SI units. */
    readonly nodes: readonly NodeGroupSpec[];
    readonly network: {
      /** Network model name from NETWORK_MODELS (`analytical`, `flow`, `fixed`). */
      readonly model: string;
      /** The `fixed` model's times in seconds (absent for the other models). */
      readonly options?: { readonly transferS: number; readonly collectiveS: number };
      /** Topology kind from TOPOLOGIES and its options (links already parsed to SI). */
      readonly topology: { readonly kind: string; readonly options: Readonly<Record<string, unknown>> };
      /**
       * NCCL protocol of the collectives (collectives/protocols.ts): `auto` (the fastest per call, the
       * default), one protocol, or `none` (the plain α-β model with no protocol or launch costs).
       * Absent means `auto`.
       */
      readonly protocol?: 'auto' | 'simple' | 'll' | 'll128' | 'none';
      /** Host-side cost of one collective call, seconds (absent: the calibrated default). */
      readonly launchOverheadS?: number;
    };
    readonly stragglers: readonly StragglerSpec[];
    /**
     * Run even when the memory ledger finds a GPU over its capacity (default false: the run fails
     * before it starts, naming the GPU, its capacity and the breakdown). Absent means false.
     */
    readonly allowOversubscribe?: boolean;
  };
  readonly workload: {
    readonly model: ModelConfig;
    /** Dataset name from DATASETS and its numeric options. */
    /**
     * Dataset name from DATASETS and its numeric options. `seed` (default `DEFAULT_DATA_SEED`) draws the
     * train/test split, a synthetic set's samples and the evaluation subset, independently of the
     * run's seed, so runs with different seeds train and are tested on the same data.
     */
    readonly dataset: {
      readonly kind: string;
      readonly options: Readonly<Record<string, number>>;
      readonly seed?: number;
    };
    readonly sharding: ShardSpec;
    /** Per-worker batch size per step (integer ≥ 1). */
    readonly batchSize: number;
    readonly timing: TimingSpec;
    /** Precision the timed model runs at on the GPUs (default bf16; fp32 for `model` timing). */
    readonly precision: Precision;
    /**
     * Precision of the gradients in GPU memory and, unless `communicationPrecision` says otherwise, on
     * the wire. Absent: the timed model's bytes per value (`precision`'s).
     */
    readonly gradientPrecision?: WirePrecision;
    /**
     * Precision of gradient and parameter messages: their bytes on the wire, and in full mode the
     * values a synchronous step applies (rounded through it). Absent: `gradientPrecision`'s.
     */
    readonly communicationPrecision?: WirePrecision;
    /**
     * One fraction of peak FLOP/s for every layer: the plain roofline, for users who calibrated one
     * number. Absent: the kind model (hardware/compute-efficiency.ts), the default.
     */
    readonly efficiency?: number;
    /** Overrides of the kind model's constants (only without `efficiency`). */
    readonly computeModel?: ComputeOverrides;
  };
  readonly training: {
    /**
     * Schedule name from SCHEDULES and its options, parsed per the schedule's OptionSpecs (absent
     * options are left out; optimizer options are `OptimizerSpec`s, file options `{ path, text }`).
     */
    readonly schedule: { readonly kind: string; readonly options: OptionValues };
    /** Optimizer name from OPTIMIZERS and its numeric options. */
    readonly optimizer: { readonly kind: string; readonly options: Readonly<Record<string, number>> };
    /** Learning-rate schedule from LR_SCHEDULES; its `lr` option is the base learning rate. */
    readonly lr: { readonly kind: string; readonly options: Readonly<Record<string, number>> };
    readonly stop: StopSpec;
    readonly eval: EvalSpec;
  };
  readonly output: {
    /** Results folder; default `results/<name>`. */
    readonly dir?: string;
    /** Write trace.json. */
    readonly trace: boolean;
    /** Most spans kept in the trace; later ones are counted and reported, not written. */
    readonly traceLimit: number;
    /**
     * Keep one updates.csv row per applied update: true, false, or `auto` (the default: rows up to
     * `AUTO_ROWS_MAX_WORKERS` workers, none above).
     */
    readonly updates: boolean | 'auto';
    /** Most update rows kept per run (default `DEFAULT_UPDATES_LIMIT`); later ones are counted and reported. */
    readonly updatesLimit?: number;
    /**
     * Draw the plots of `dtsim plot` into the results folder: true, false, or `auto` (the default:
     * when the results are small enough, `AUTO_PLOTS_MAX_RECORDS`).
     */
    readonly plots: boolean | 'auto';
    /**
     * Record links.csv (bytes per link per time bin; flow network model only): true, false, or `auto`
     * (absent means auto: on with `network.model: flow` up to `AUTO_LINKS_MAX_WORKERS` workers).
     */
    readonly links?: boolean | 'auto';
  };
}
