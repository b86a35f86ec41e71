/**
 * A profile from three numbers, for a model dtsim has no architecture for: users state the forward
 * FLOPs and the parameter bytes (from their own profiler or paper) and get a one-layer profile.
 */
import { checkBytesPerValue } from './options.ts';
import type { TimingProfile } from './types.ts';

/** What a custom profile is made of. */
export interface CustomProfileOptions {
  /** Forward FLOPs per sample (2 per multiply-add); backward is taken as twice this downstream. */
  readonly forwardFlopsPerSample: number;
  /** Parameter bytes at `bytesPerValue`; must be a whole number of values. */
  readonly paramBytes: number;
  /** Activation bytes the forward pass reads and writes per sample. Default 0 (compute-bound only). */
  readonly activationBytesPerSample?: number;
  /** Bytes per value (2 for fp16/bf16, 4 for fp32). */
  readonly bytesPerValue: number;
}

function checkFinite(x: number, what: string): number {
  if (!(x >= 0) || x === Infinity)
    throw new RangeError(`custom profile: ${what} must be a finite number >= 0, got ${String(x)}`);
  return x;
}

/**
 * A one-layer profile named `custom` whose single layer (also `custom`) carries the given FLOPs,
 * `paramBytes / bytesPerValue` parameters and the activation bytes.
 * @throws RangeError for a negative or non-finite number, a bad bytesPerValue, or paramBytes that is
 *   not a whole multiple of bytesPerValue (a fractional parameter count would be silently rounded).
 */
export function customProfile(options: CustomProfileOptions): TimingProfile {
  const bpv = checkBytesPerValue(options.bytesPerValue);
  const flops = checkFinite(options.forwardFlopsPerSample, 'forwardFlopsPerSample');
  const paramBytes = checkFinite(options.paramBytes, 'paramBytes');
  const activationBytes = checkFinite(options.activationBytesPerSample ?? 0, 'activationBytesPerSample');
  const params = paramBytes / bpv;
  if (!Number.isInteger(params))
    throw new RangeError(`custom profile: paramBytes ${paramBytes} is not a whole number of ${bpv}-byte values`);
  return {
    name: 'custom',
    description: `custom profile: ${flops} forward FLOPs per sample, ${paramBytes} parameter bytes`,
    source: 'user-supplied numbers',
    sample: 'vector',
    bytesPerValue: bpv,
    // A custom layer is taken as GEMM-like work of unknown shape: timed at the large-GEMM efficiency.
    layers: [
      { name: 'custom', kind: 'gemm', params, forwardFlopsPerSample: flops, activationBytesPerSample: activationBytes },
    ],
  };
}
