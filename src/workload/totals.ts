/** Whole-model totals of a profile, for tables, `dtsim list` and sanity checks. */
import type { TimingProfile } from './types.ts';

/** Sums of a profile's layers. */
export interface ProfileTotals {
  /** Trainable parameters (a count). */
  readonly params: number;
  /** Forward FLOPs for one sample. */
  readonly forwardFlopsPerSample: number;
  /** Activation bytes the forward pass reads and writes for one sample. */
  readonly activationBytesPerSample: number;
  /** Parameter bytes at the profile's precision: params × bytesPerValue. */
  readonly paramBytes: number;
}

/** Sums params, forward FLOPs and activation bytes over the layers, in layer order (deterministic). */
export function profileTotals(profile: TimingProfile): ProfileTotals {
  let params = 0;
  let forwardFlopsPerSample = 0;
  let activationBytesPerSample = 0;
  for (const l of profile.layers) {
    params += l.params;
    forwardFlopsPerSample += l.forwardFlopsPerSample;
    activationBytesPerSample += l.activationBytesPerSample;
  }
  return { params, forwardFlopsPerSample, activationBytesPerSample, paramBytes: params * profile.bytesPerValue };
}
