/** Turns the scenario's straggler list into slowdown models via the straggler registry. */
import type { SlowdownModel } from '../hardware/slowdown.ts';
import { STRAGGLER_MODELS } from '../hardware/slowdown-registry.ts';
import type { StragglerSpec } from './types.ts';

/**
 * One slowdown model per entry, in order.
 * @throws RangeError for an unknown kind (listing the known ones) or bad options.
 */
export function buildStragglers(specs: readonly StragglerSpec[]): SlowdownModel[] {
  return specs.map((sp, i) => {
    const entry = Object.hasOwn(STRAGGLER_MODELS, sp.kind) ? STRAGGLER_MODELS[sp.kind] : undefined;
    if (entry === undefined)
      throw new RangeError(
        `cluster.stragglers[${i}].kind: unknown '${sp.kind}' (known: ${Object.keys(STRAGGLER_MODELS).join(', ')})`,
      );
    return entry.create(sp.options, sp.workers);
  });
}
