/**
 * The outer step of the model-averaging family (spec §8–11): what becomes of the global model x₀
 * after a local round. Without an outer optimizer it is the mean of the replicas (Local SGD, FedAvg
 * with weights n_k). With one it is x₀ stepped by that optimizer along the pseudo-gradient
 * Δ = x₀ − mean (DiLoCo's outer Nesterov, SlowMo's slow momentum); plain SGD with learning rate 1 on
 * Δ gives the mean again, which is what makes the family's reduction tests one-line properties.
 * A `scale` multiplies Δ first (SlowMo's Δ/γ_t, fairscale's `(old − p)/lr`).
 */
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { OptimizerState, Trainer } from './trainer.ts';

/** How the outer step combines the replicas. */
export interface OuterStepOptions {
  /** The version of the result. */
  readonly version: number;
  /** Per-replica weights (FedAvg's n_k); default uniform. */
  readonly weights?: readonly number[];
  /** An outer optimizer stepping x₀ along x₀ − mean; absent: the mean itself. */
  readonly opt?: OptimizerState;
  /** Its learning rate, when not the optimizer's own. */
  readonly lr?: number;
  /**
   * Multiplies the pseudo-gradient before the outer optimizer sees it: SlowMo's 1/γ_t, so that its
   * buffer holds u ← β·u + (x₀ − mean)/γ_t and the step, at `lr` = α·γ_t, is x₀ − α·γ_t·u. Default 1.
   */
  readonly scale?: number;
}

/** The new global model from x₀ and the replicas after a round (see the file header). */
export function outerStep(
  trainer: Trainer,
  x0: ParamSnapshot,
  replicas: readonly ParamSnapshot[],
  o: OuterStepOptions,
): ParamSnapshot {
  const mean = trainer.average(replicas, o.version, o.weights);
  if (o.opt === undefined) return mean;
  const diff = trainer.math.sub(x0.params, mean.params);
  const delta = o.scale === undefined ? diff : trainer.math.scale(o.scale, diff);
  return trainer.apply(o.opt, x0, delta, o.version, o.lr === undefined ? {} : { lr: o.lr });
}
