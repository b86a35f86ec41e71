/**
 * How a schedule declares its options: the shared descriptors of core/options.ts, so the scenario
 * layer builds validation (and `dtsim list schedules` its help) from one source.
 */
import type { OptionSpec } from '../core/options.ts';
import type { OptionValueOf } from './types.ts';

export type {
  CompressorSpec,
  FileOptionValue,
  OptimizerSpec,
  OptionSpec,
  OptionSpecs,
  QuantityDimension,
} from '../core/options.ts';

/**
 * Parsed option values of any schedule: numbers (quantities in SI base units: bytes, seconds, B/s,
 * FLOPs, FLOP/s), booleans, strings, files and optimizer specs. An optional option without a default
 * is absent. A schedule made with `defineSchedule` gets its own `OptionsOf` instead.
 */
export type OptionValues = Readonly<Record<string, OptionValueOf<OptionSpec> | undefined>>;
