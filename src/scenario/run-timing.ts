/**
 * Resolves a scenario's `workload.timing` to a timing profile (design.md §3): the trained proxy
 * model's own layers, a named profile of a well-known model, or custom numbers.
 */
import type { Precision } from '../hardware/device-spec.ts';
import type { ModelConfig } from '../training/models/create-model.ts';
import { MLP_2NN_HIDDEN, MLP_PRESETS } from '../training/models/mlp.ts';
import { cnnProfile, customProfile, denseStackProfile, getProfile } from '../workload/index.ts';
import type { TimingProfile } from '../workload/types.ts';
import type { TimingSpec } from './types.ts';

/** Bytes per value at a training precision. */
export function bytesPerValue(p: Precision): number {
  return p === 'fp8' ? 1 : p === 'fp16' || p === 'bf16' ? 2 : 4;
}

/** A resolved timing: the profile, an optional fixed step time, and the label the summary shows. */
export interface ResolvedTiming {
  readonly profile: TimingProfile;
  readonly stepTimeS?: number;
  /** `model:mlp 784-200-200-10`, `profile:resnet50`, `custom`. */
  readonly label: string;
}

/**
 * The timing profile of a run.
 * @param inputSize features per sample of the dataset (the proxy model's input width).
 * @param numClasses classes of the dataset.
 * @throws RangeError for an unknown profile name (listing the known ones) or bad custom numbers.
 */
export function resolveTiming(
  spec: TimingSpec,
  model: ModelConfig,
  precision: Precision,
  inputSize: number,
  numClasses: number,
): ResolvedTiming {
  const bpv = bytesPerValue(precision);
  switch (spec.kind) {
    case 'model': {
      let profile: TimingProfile;
      if (model.kind === 'cnn') profile = cnnProfile({ ...model, bytesPerValue: bpv });
      else {
        // The MLP's own widths: `hidden`, else its preset's (the deep8 preset is not the 2NN).
        const hidden =
          model.kind === 'mlp'
            ? (model.hidden ?? (model.preset !== undefined ? MLP_PRESETS[model.preset] : MLP_2NN_HIDDEN))
            : [];
        profile = denseStackProfile([inputSize, ...hidden, numClasses], bpv);
      }
      return { profile, label: profile.name };
    }
    case 'profile': {
      const entry = getProfile(spec.name);
      const profile = entry.build({
        bytesPerValue: bpv,
        ...(spec.sequenceLength !== undefined ? { sequenceLength: spec.sequenceLength } : {}),
      });
      return { profile, label: `profile:${spec.name}` };
    }
    case 'custom': {
      const profile = customProfile({
        forwardFlopsPerSample: spec.forwardFlopsPerSample ?? 0,
        paramBytes: spec.paramBytes,
        bytesPerValue: bpv,
        ...(spec.activationBytesPerSample !== undefined
          ? { activationBytesPerSample: spec.activationBytesPerSample }
          : {}),
      });
      return { profile, label: 'custom', ...(spec.stepTimeS !== undefined ? { stepTimeS: spec.stepTimeS } : {}) };
    }
  }
}
