/**
 * The gradient-compressor registry that `compressor` options are validated against (spec §20, §22's
 * ByteGrad). Each entry makes a configured `Compressor` (compression/types.ts) from validated
 * options; schedules drive them through compression/driver.ts. No no-op entry: a schedule without a
 * compressor simply does not compress.
 */
import { BYTEGRAD } from './compression/bytegrad.ts';
import { NUQSGD } from './compression/nuqsgd.ts';
import { POWERSGD } from './compression/powersgd.ts';
import { QSGD } from './compression/qsgd.ts';
import { RANDOM_K } from './compression/random-k.ts';
import { SIGN } from './compression/sign.ts';
import { TOP_K } from './compression/top-k.ts';
import type { CompressorEntry } from './compression/types.ts';

export type { CompressorEntry } from './compression/types.ts';

/** Every compressor dtsim provides, by name. */
export const COMPRESSORS: Readonly<Record<string, CompressorEntry>> = Object.freeze({
  'top-k': TOP_K,
  'random-k': RANDOM_K,
  powersgd: POWERSGD,
  qsgd: QSGD,
  nuqsgd: NUQSGD,
  sign: SIGN,
  bytegrad: BYTEGRAD,
});
