/**
 * How a schedule declares its options: the shared descriptors of core/options.ts, so the scenario
 * layer builds validation (and `dtsim list schedules` its help) from one source.
 */
export type { OptionSpec, OptionSpecs, QuantityDimension } from '../core/options.ts';

/**
 * Parsed option values: numbers (quantities in SI base units: bytes, seconds, B/s, FLOPs, FLOP/s),
 * booleans and strings. An optional option without a default is absent.
 */
export type OptionValues = Readonly<Record<string, number | boolean | string | undefined>>;
