/**
 * GPU memory of training, as pure formulas over a timing profile (the ledger, hardware/memory-ledger.ts,
 * books what these return).
 *
 * - Model state: weights + gradients (one value each per parameter, at the profile's bytes per value)
 *   + optimizer state (`optimizerSlots` parameter-sized vectors: 0 plain SGD, 1 momentum, 2 Adam).
 *   The optimizer state is kept at the same bytes per value (no fp32 master copy: a simple lower bound
 *   for mixed precision).
 * - Activations: Σ over all layers of `activationBytesPerSample` × rows. Every layer's activations are
 *   counted as if all were kept for the backward pass at once: a simple upper bound (no recomputation,
 *   no freeing of in-place buffers). The profile's figure is the layer's input plus output, so
 *   adjacent layers' shared tensors count twice; that also errs on the high side.
 */
import type { TimingProfile } from './types.ts';

/** Parameters of a profile. */
export function profileParams(profile: TimingProfile): number {
  let p = 0;
  for (const l of profile.layers) p += l.params;
  return p;
}

/** Model-state bytes of one replica, split as the ledger tags them. */
export interface ModelStateBytes {
  readonly weights: number;
  readonly grads: number;
  readonly optimizer: number;
  readonly total: number;
}

/** Weights, gradients and optimizer state of one replica (see the file header). */
export function modelStateBytes(o: {
  readonly params: number;
  readonly bytesPerValue: number;
  readonly optimizerSlots: number;
  /** Bytes per gradient value; default `bytesPerValue`. */
  readonly gradBytesPerValue?: number;
}): ModelStateBytes {
  const w = o.params * o.bytesPerValue;
  const g = o.params * (o.gradBytesPerValue ?? o.bytesPerValue);
  const opt = w * o.optimizerSlots;
  return { weights: w, grads: g, optimizer: opt, total: w + g + opt };
}

/** Activation bytes of a batch of `rows` samples: Σ layers activationBytesPerSample × rows (an upper bound). */
export function activationBytes(profile: TimingProfile, rows: number): number {
  let a = 0;
  for (const l of profile.layers) a += l.activationBytesPerSample;
  return a * rows;
}
