/**
 * Turning an `OptimizerSpec` (an outer optimizer named in a schedule's options) into an optimizer.
 * Both trainers go through here, so a bad spec fails the same way in timing-only and in full mode.
 */
import type { Optimizer } from '../../training/optimizers/optimizer.ts';
import { getOptimizer } from '../../training/optimizers/registry.ts';
import type { OptimizerSpec } from './trainer.ts';

/**
 * A new optimizer of `spec.kind` with `spec.options` (registry defaults fill gaps), and the spec's own
 * constant learning rate (undefined: the scenario's schedule).
 * @throws RangeError for an unknown kind, bad options, or an `lr` that is not a finite number >= 0.
 */
export function optimizerFromSpec(spec: OptimizerSpec): {
  readonly optimizer: Optimizer;
  readonly lr: number | undefined;
} {
  const lr = spec.lr;
  if (lr !== undefined && (!Number.isFinite(lr) || lr < 0)) {
    throw new RangeError(`optimizer ${spec.kind}: lr must be a finite number >= 0, got ${lr}`);
  }
  return { optimizer: getOptimizer(spec.kind).create(spec.options), lr };
}
