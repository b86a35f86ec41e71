/**
 * Low-precision decentralised SGD as BAGUA's `LowPrecisionDecentralizedAlgorithm` runs it
 * (spec/algorithms.md §22; Gan et al., "BAGUA: Scaling up Distributed Learning with System
 * Relaxations", VLDB 2022). The algorithm is the compressed-difference decentralised SGD of Tang, Gan,
 * Zhang, Zhang, Liu, "Communication Compression for Decentralized Training", NeurIPS 2018 (DCD-PSGD)
 * on a ring with mixing weights 1/3. Code followed: `bagua/torch_api/algorithms/decentralized.py` and
 * `rust/bagua-core/.../comm_ops/decentralized_low_precision_synchronous.rs`.
 *
 * Timeline of worker i at step t (lib/decentralized-round.ts, the loop `decentralized` uses):
 *   forward+backward on its parameters p_i ─ optimizer step ─ post-optimizer-step hook, on a
 *   communicating step (t mod communicationInterval = 0): the 8-bit min-max compressed difference
 *   Q(z_i) is sent to both ring neighbours (i ± 1 mod n) and theirs received, in one group of sends
 *   started once both ends of an edge are ready ─ w_i ← w_i + Q(z_i), p_i ← w_i
 *   (lib/decentralized-mixing.ts gives z_i). The exchange follows the compute: nothing overlaps.
 * Wire: `minmaxU8Bytes(P)` per message (one byte per value of the timed model plus two float32 scales
 * per chunk), two messages out and two in per worker and exchange. The compression kernels' own time
 * is not modelled. BAGUA's default `hierarchical=True` is not built (flat ring).
 *
 * Versions: step t reads and applies at version v₀ + t (τ = 0); the global model for evaluation is
 * the mean of the parameters after each step. The quantisation error of a value is at most
 * (max − min)/510 of its chunk of z.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { minmaxU8Bytes } from './lib/compression/minmax-u8.ts';
import { Crew } from './lib/crew.ts';
import { LowPrecisionMixing } from './lib/decentralized-mixing.ts';
import { runDecentralized } from './lib/decentralized-round.ts';
import { defineSchedule } from './types.ts';

/** BAGUA's low-precision decentralised SGD. */
export const lowPrecisionDecentralized = defineSchedule({
  name: 'low-precision-decentralized',
  summary:
    'decentralised SGD on a ring: after each optimizer step every worker sends its 8-bit compressed model difference to both neighbours, which keep exact copies of its weights',
  reference:
    'Gan et al., "BAGUA", VLDB 2022 (LowPrecisionDecentralizedAlgorithm); Tang et al., "Communication Compression for Decentralized Training", NeurIPS 2018 (spec §22)',
  semantics: 'synchronous',
  options: {
    communicationInterval: {
      type: 'number',
      integer: true,
      min: 1,
      default: 1,
      description: 'steps between compressed exchanges (BAGUA communication_interval)',
    },
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const crew = new Crew(ctx);
    const values = ctx.compute.gradBytes / ctx.compute.wireBytesPerValue;
    yield* runDecentralized(ctx, crew, {
      selection: 'ring',
      interval: o.communicationInterval,
      messageBytes: minmaxU8Bytes(values),
      overlap: false,
      algorithm: 'ring',
      mixing: new LowPrecisionMixing(ctx, crew.size),
      label: 'compressed difference',
    });
  },
});
