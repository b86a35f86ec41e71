/**
 * The figures a capacity planner thinks in: the model FLOPs the run did and model FLOPs utilisation
 * (MFU) for every profile with FLOPs (image models too), and tokens per second for profiles with a
 * sequence length (language models). Model FLOPs are
 * the profile's forward FLOPs × 3 per sample (forward plus a backward of twice the forward, no
 * recomputation counted: the PaLM/Megatron convention), over the samples of the committed updates;
 * MFU divides their rate by the cluster's peak at the run's precision.
 */
import { peakFlops, type Precision } from '../hardware/device-spec.ts';
import type { Device } from '../hardware/cluster.ts';
import type { TimingProfile } from '../workload/types.ts';

/**
 * tokens/s, model FLOPs and MFU of a run; all undefined without simulated time, tokens/s undefined
 * without a sequence length, model FLOPs and MFU undefined for a profile without FLOPs (a custom step time).
 */
export interface LmFigures {
  readonly tokensPerS: number | undefined;
  readonly modelFlops: number | undefined;
  readonly mfu: number | undefined;
}

/** The figures of a run of `samples` samples over `simTimeS` on `devices` (see the file header). */
export function lmFigures(
  profile: TimingProfile,
  devices: readonly Device[],
  precision: Precision,
  samples: number,
  simTimeS: number,
): LmFigures {
  const seq = profile.sequenceLength;
  if (!(simTimeS > 0)) return { tokensPerS: undefined, modelFlops: undefined, mfu: undefined };
  const tokensPerS = seq === undefined ? undefined : (samples * seq) / simTimeS;
  let perSample = 0;
  for (const l of profile.layers) perSample += 3 * l.forwardFlopsPerSample;
  if (!(perSample > 0)) return { tokensPerS, modelFlops: undefined, mfu: undefined };
  const modelFlops = perSample * samples;
  let peak = 0;
  // The hardware peak, as MFU is defined: a node group's `speed` is a slowdown, not a different GPU.
  for (const d of devices) peak += peakFlops(d.spec, precision) as number;
  return { tokensPerS, modelFlops, mfu: modelFlops / simTimeS / peak };
}
