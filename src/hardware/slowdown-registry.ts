/**
 * The straggler-model registry: name → description, option descriptors and a factory over the models of
 * `slowdown-models.ts` and `slowdown-trace.ts`. The scenario schema and `dtsim list stragglers` are built
 * from it, so a new model appears in both by adding one entry here. Descriptors are plain data (the
 * hardware layer parses nothing): durations reach `create` in seconds, and the trace's file is read by
 * the scenario layer, which passes its contents.
 */
import { constantSlowdown, lognormalSlowdown, periodicSlowdown, spikeSlowdown } from './slowdown-models.ts';
import type { OptionSpec } from '../core/options.ts';
import type { SlowdownModel } from './slowdown.ts';
import { parseSlowdownTrace, traceSlowdown } from './slowdown-trace.ts';

/**
 * One option of a straggler model: the shared descriptor (core/options.ts). Durations are `quantity`
 * options of dimension `duration`; the trace's path is a `file` option.
 */
export type StragglerOptionSpec = OptionSpec;

/** Option values as `create` receives them: numbers (durations in seconds), booleans, strings. */
export type StragglerOptions = Readonly<Record<string, number | string | boolean>>;

/** A registered straggler model. */
export interface StragglerModelEntry {
  /** One line for `dtsim list stragglers`. */
  readonly description: string;
  /** Its options by scenario key (camelCase). */
  readonly options: Readonly<Record<string, StragglerOptionSpec>>;
  /** Whether it takes a `workers` (or `nodes`) list in a scenario (a trace names its workers itself). */
  readonly acceptsWorkers: boolean;
  /**
   * The model. Options arrive validated against `options` with defaults filled, but the model checks
   * its parameters again, so a hand-built call fails loudly too.
   * @throws RangeError on bad parameters; TraceParseError for a malformed trace.
   */
  create(options: StragglerOptions, workers?: readonly number[]): SlowdownModel;
}

function num(o: StragglerOptions, key: string): number {
  const v = o[key];
  if (typeof v !== 'number') throw new RangeError(`straggler option ${key} must be a number, got ${String(v)}`);
  return v;
}
function optNum(o: StragglerOptions, key: string): number | undefined {
  return o[key] === undefined ? undefined : num(o, key);
}
function str(o: StragglerOptions, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new RangeError(`straggler option ${key} must be a string, got ${String(v)}`);
  return v;
}
// Spread helper: exactOptionalPropertyTypes forbids passing `workers: undefined`.
const w = (workers: readonly number[] | undefined): { workers?: readonly number[] } =>
  workers === undefined ? {} : { workers };

/**
 * Largest factor a straggler option may give (a million times slower). Factors multiply into task
 * times: bounded so, with lognormal σ ≤ 10 and |μ| ≤ 50, a step with one model of each kind at its
 * extreme stays far below the largest double (many extreme models multiplied could still overflow).
 */
export const MAX_SLOWDOWN_FACTOR = 1e6;

/** Every straggler model, by `kind`. */
export const STRAGGLER_MODELS: Readonly<Record<string, StragglerModelEntry>> = Object.freeze({
  constant: {
    description: 'a fixed factor on every task of the chosen workers (a slow GPU, a busy host)',
    options: {
      factor: {
        type: 'number',
        required: true,
        greaterThan: 0,
        max: MAX_SLOWDOWN_FACTOR,
        description: 'task-time factor (2 = twice as slow)',
      },
    },
    acceptsWorkers: true,
    create: (o, workers) => constantSlowdown({ factor: num(o, 'factor'), ...w(workers) }),
  },
  lognormal: {
    description: 'independent lognormal noise per task: factor = exp(N(mu, sigma²))',
    options: {
      sigma: {
        type: 'number',
        required: true,
        min: 0,
        max: 10,
        description: 'σ of the underlying normal (at most 10: e^±80 factors already)',
      },
      mu: {
        type: 'number',
        min: -50,
        max: 50,
        description: 'μ of the underlying normal; absent: 0 (median factor 1), or −σ²/2 with meanOne',
      },
      meanOne: {
        type: 'boolean',
        default: false,
        description: 'set μ = −σ²/2 so that the mean factor is 1 (not with mu)',
      },
    },
    acceptsWorkers: true,
    create: (o, workers) => {
      const mu = optNum(o, 'mu');
      return lognormalSlowdown({
        sigma: num(o, 'sigma'),
        meanOne: o['meanOne'] === true,
        ...(mu === undefined ? {} : { mu }),
        ...w(workers),
      });
    },
  },
  spike: {
    description: 'random spikes: a task starts one with some probability; tasks inside it get the factor',
    options: {
      probability: {
        type: 'number',
        required: true,
        min: 0,
        max: 1,
        description: 'chance that a task outside a spike starts one',
      },
      factor: {
        type: 'number',
        required: true,
        greaterThan: 0,
        max: MAX_SLOWDOWN_FACTOR,
        description: 'task-time factor during a spike',
      },
      duration: {
        type: 'quantity',
        dimension: 'duration',
        required: true,
        description: 'how long a spike lasts ("0 s": only the task that started it)',
      },
    },
    acceptsWorkers: true,
    create: (o, workers) =>
      spikeSlowdown({
        probability: num(o, 'probability'),
        factor: num(o, 'factor'),
        durationS: num(o, 'duration'),
        ...w(workers),
      }),
  },
  periodic: {
    description: 'deterministic windows of slowdown every period (checkpoints, cron jobs, thermal cycles)',
    options: {
      period: {
        type: 'quantity',
        dimension: 'duration',
        required: true,
        description: 'time between window starts (> 0)',
      },
      duration: {
        type: 'quantity',
        dimension: 'duration',
        required: true,
        description: 'window length, at most the period',
      },
      factor: {
        type: 'number',
        required: true,
        greaterThan: 0,
        max: MAX_SLOWDOWN_FACTOR,
        description: 'task-time factor inside a window',
      },
      phase: { type: 'quantity', dimension: 'duration', default: '0 s', description: 'start of the first window' },
    },
    acceptsWorkers: true,
    create: (o, workers) =>
      periodicSlowdown({
        periodS: num(o, 'period'),
        durationS: num(o, 'duration'),
        factor: num(o, 'factor'),
        ...(o['phase'] === undefined ? {} : { phaseS: num(o, 'phase') }),
        ...w(workers),
      }),
  },
  trace: {
    description: 'replay of a measured trace: CSV with columns time_s, worker, factor (piecewise constant)',
    options: { file: { type: 'file', required: true, description: 'CSV file, relative to the scenario file' } },
    acceptsWorkers: false,
    create: (o, workers) => {
      if (workers !== undefined)
        throw new RangeError('trace: the trace names its workers; a workers list does not apply');
      return traceSlowdown(parseSlowdownTrace(str(o, 'text'), str(o, 'file')));
    },
  },
} satisfies Record<string, StragglerModelEntry>);

/**
 * Makes the straggler model registered as `kind`.
 * @throws RangeError for an unknown kind (listing the known ones) or bad options.
 */
export function createStraggler(kind: string, options: StragglerOptions, workers?: readonly number[]): SlowdownModel {
  const entry = Object.hasOwn(STRAGGLER_MODELS, kind) ? STRAGGLER_MODELS[kind] : undefined;
  if (entry === undefined)
    throw new RangeError(`unknown straggler model '${kind}' (known: ${Object.keys(STRAGGLER_MODELS).join(', ')})`);
  return entry.create(options, workers);
}
