/**
 * GPU memory of training, as pure formulas over a timing profile (the ledger, hardware/memory-ledger.ts,
 * books what these return).
 *
 * - Model state: weights + gradients (one value each per parameter, at the profile's bytes per value)
 *   + optimizer state: `optimizerSlots` fp32 vectors (0 plain SGD, 1 momentum, 2 Adam) and, when the
 *   weights are below fp32 (mixed precision), an fp32 master copy: K = optimizerBytesPerParam
 *   (zero-memory.ts), 12 bytes a parameter for bf16 Adam, so plain data parallelism books ZeRO's
 *   stage 0 (F14).
 * - Activations: Σ over all layers of `activationBytesPerSample` × rows. Every layer's activations are
 *   counted as if all were kept for the backward pass at once: a simple upper bound (no recomputation,
 *   no freeing of in-place buffers). The profile's figure is the layer's input plus output, so
 *   adjacent layers' shared tensors count twice; that also errs on the high side.
 */
import type { TimingProfile } from './types.ts';
import { optimizerBytesPerParam } from './zero-memory.ts';

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
  const opt = o.params * optimizerBytesPerParam(o.optimizerSlots, o.bytesPerValue);
  return { weights: w, grads: g, optimizer: opt, total: w + g + opt };
}

/** Activation bytes of a batch of `rows` samples: Σ layers activationBytesPerSample × rows (an upper bound). */
export function activationBytes(profile: TimingProfile, rows: number): number {
  let a = 0;
  for (const l of profile.layers) a += l.activationBytesPerSample;
  return a * rows;
}
