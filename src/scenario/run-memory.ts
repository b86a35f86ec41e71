/**
 * The memory every run books before it starts (run-setup.ts), and validation checks the same way
 * (setup-check.ts), so `dtsim validate` reports a configuration that does not fit its GPUs.
 */
import type { MemoryLedger } from '../hardware/memory-ledger.ts';
import { getOptimizer } from '../training/optimizers/registry.ts';
import { activationBytes, modelStateBytes, profileParams } from '../workload/memory.ts';
import type { TimingProfile } from '../workload/types.ts';
import type { Scenario, WirePrecision } from './types.ts';
import { bytesPerValue } from './run-timing.ts';

/** Parameter-sized state vectors the scenario's optimizer keeps (0 SGD, 1 momentum, 2 Adam), from the registry. */
export function optimizerSlots(o: Scenario['training']['optimizer']): number {
  return getOptimizer(o.kind).create(o.options).stateSlots;
}

/**
 * The memory every training rank holds whatever the schedule: one replica's weights, gradients and
 * optimizer state (`optimizerSlots` vectors) at the timing profile's parameter count and bytes per
 * value (gradients at `gradBytesPerValue` when the scenario sets a gradient precision), and the activations of one batch (every layer's, an upper bound: workload/memory.ts).
 * @throws OutOfMemoryError when a GPU cannot hold it, unless the ledger allows oversubscription.
 */
export function bookModelState(
  memory: MemoryLedger,
  profile: TimingProfile,
  batchSize: number,
  optimizerSlots: number,
  gradBytesPerValue?: number,
): void {
  const state = modelStateBytes({
    params: profileParams(profile),
    bytesPerValue: profile.bytesPerValue,
    optimizerSlots,
    ...(gradBytesPerValue === undefined ? {} : { gradBytesPerValue }),
  });
  const act = activationBytes(profile, batchSize);
  for (let r = 0; r < memory.ranks; r++) {
    memory.alloc(r, state.weights, 'weights');
    memory.alloc(r, state.grads, 'grads');
    memory.alloc(r, state.optimizer, 'optimizer');
    memory.alloc(r, act, 'activations');
  }
}

/** Bytes per gradient value when `workload.gradientPrecision` is set; undefined: the profile's. */
export function gradientBytesPerValue(w: Scenario['workload']): number | undefined {
  return w.gradientPrecision === undefined ? undefined : bytesPerValue(w.gradientPrecision);
}

/**
 * The compute model's wire options: bytes per value of messages from `communicationPrecision`, else
 * `gradientPrecision`; nothing when neither is set (the profile's bytes per value).
 */
export function wirePrecisionOptions(w: Scenario['workload']): {
  wireBytesPerValue?: number;
  wirePrecision?: WirePrecision;
} {
  const p = w.communicationPrecision ?? w.gradientPrecision;
  return p === undefined ? {} : { wireBytesPerValue: bytesPerValue(p), wirePrecision: p };
}
