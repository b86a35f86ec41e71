/**
 * The gradient-compressor registry that `compressor` options are validated against
 * (lib/compression/: one file per compressor).
 */
import type { CompressorEntry } from './compression/types.ts';

export type { CompressorEntry } from './compression/types.ts';

/** Every compressor dtsim provides, by name. */
export const COMPRESSORS: Readonly<Record<string, CompressorEntry>> = Object.freeze({});
