/**
 * Model-state memory per GPU under ZeRO (Rajbhandari et al., SC 2020; spec/algorithms.md §23, check
 * F14), as a pure formula. Ψ parameters, N_d data-parallel ranks sharing the state, and per parameter:
 * `weightBytes` for the working weights, `gradBytes` for the gradients and `optimizerBytes` (K) for the
 * optimizer state (mixed-precision Adam: K = 12, an fp32 master copy plus two fp32 moments).
 *
 * | stage | weights | gradients | optimizer |
 * |---|---|---|---|
 * | 0 (plain data parallelism) | wΨ | gΨ | KΨ |
 * | 1 (P_os) | wΨ | gΨ | KΨ/N_d |
 * | 2 (P_os+g) | wΨ | gΨ/N_d | KΨ/N_d |
 * | 3 (P_os+g+p) | wΨ/N_d | gΨ/N_d | KΨ/N_d |
 *
 * With w = g = 2, K = 12, Ψ = 7.5·10⁹ and N_d = 64 this gives ZeRO's own 120 / 31.4 / 16.6 / 1.875 GB.
 */

/** ZeRO stage: 0 is plain data parallelism (every rank holds everything). */
export type ZeroStage = 0 | 1 | 2 | 3;

/** Per-GPU model-state bytes under ZeRO, split as the memory ledger tags them. */
export interface ZeroStateBytes {
  readonly weights: number;
  readonly grads: number;
  readonly optimizer: number;
  readonly total: number;
}

/** The F14 formulas (see the file header). @throws RangeError for a bad stage, Ψ or N_d. */
export function zeroModelStateBytes(o: {
  readonly params: number;
  readonly dp: number;
  readonly stage: ZeroStage;
  readonly weightBytes: number;
  readonly gradBytes: number;
  readonly optimizerBytes: number;
}): ZeroStateBytes {
  const { params: psi, dp, stage } = o;
  if (!(psi >= 0)) throw new RangeError(`parameters must be >= 0, got ${String(psi)}`);
  if (!Number.isInteger(dp) || dp < 1)
    throw new RangeError(`data-parallel degree must be an integer >= 1, got ${String(dp)}`);
  if (stage !== 0 && stage !== 1 && stage !== 2 && stage !== 3)
    throw new RangeError(`ZeRO stage must be 0-3, got ${String(stage)}`);
  const weights = (o.weightBytes * psi) / (stage >= 3 ? dp : 1);
  const grads = (o.gradBytes * psi) / (stage >= 2 ? dp : 1);
  const optimizer = (o.optimizerBytes * psi) / (stage >= 1 ? dp : 1);
  return { weights, grads, optimizer, total: weights + grads + optimizer };
}

/**
 * Optimizer bytes per parameter (K): `slots` fp32 state vectors (0 SGD, 1 momentum, 2 Adam), plus an
 * fp32 master copy of the weights when the weights are kept at lower precision (mixed precision).
 */
export function optimizerBytesPerParam(slots: number, weightBytes: number): number {
  return 4 * slots + (weightBytes < 4 ? 4 : 0);
}
