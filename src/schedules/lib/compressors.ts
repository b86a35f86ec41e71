/**
 * The gradient-compressor registry that `compressor` options are validated against. Empty on purpose:
 * the compression issue fills it (and gives `CompressorEntry` its wire-bytes and values faces); until
 * then no schedule can declare a `compressor` option, and the scenario layer says so.
 */

/** A registered compressor: for now only what `dtsim list` and error messages need. */
export interface CompressorEntry {
  /** Registry name, kebab-case (`top-k`). */
  readonly name: string;
  /** One line for `dtsim list`. */
  readonly summary: string;
}

/** Every compressor dtsim provides, by name (none yet). */
export const COMPRESSORS: Readonly<Record<string, CompressorEntry>> = Object.freeze({});
