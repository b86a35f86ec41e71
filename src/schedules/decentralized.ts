/**
 * Decentralised SGD as BAGUA's `DecentralizedAlgorithm` runs it (spec/algorithms.md §22; Gan et al.,
 * "BAGUA: Scaling up Distributed Learning with System Relaxations", VLDB 2022; the algorithm is D-PSGD,
 * Lian, Zhang, Zhang, Hsieh, Zhang, Liu, "Can Decentralized Algorithms Outperform Centralized
 * Algorithms?", NeurIPS 2017). Code followed: `bagua/torch_api/algorithms/decentralized.py` and
 * `rust/bagua-core/.../comm_ops/decentralized_full_precision_synchronous.rs`.
 *
 * Timeline of worker i at step t (lib/decentralized-round.ts), every worker on its own replica x_i:
 *   forward pre-hook: on a communicating step (t mod communicationInterval = 0) x_i^t is handed to the
 *   exchange, which runs under the forward+backward ─ forward+backward on x_i^t ─ post-backward hook:
 *   wait for the exchange, replace the weights by the average with the peers ─ optimizer step:
 *     x_i^{t+1} = opt(avg_{j ∈ {i} ∪ peers} x_j^t, g_i(x_i^t))
 *   So the average is taken BEFORE the local step, of the weights the gradient was computed on, and the
 *   gradient is applied to the average (lib/decentralized-mixing.ts).
 * Peers (lib/peer-selection.ts): `all`: an all-reduce of the weights (n = params × bytes per value, the
 * size local-sgd averages) once every worker has begun step t; `shift-one`: BAGUA's matching of the
 * lower half of the ranks with the upper half, shifting by one each exchange, each pair sending its
 * full weights both ways at once (n even, as BAGUA requires).
 * BAGUA's default `hierarchical=True` (average inside a node first, then among node leaders) is not
 * built: the exchange is flat, as with `hierarchical=False`.
 *
 * Versions: step t reads and applies at version v₀ + t (τ = 0). The global model that evaluation
 * reads is the mean of the replicas after each step, committed once every worker has finished it.
 * With `all` and interval 1 this is not sync-allreduce: the gradients are taken on the replicas, which
 * differ from their mean by the last local step (x_i^t = x̄^{t−1} − η·g_i), not on the mean.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import { FullPrecisionMixing } from './lib/decentralized-mixing.ts';
import { runDecentralized } from './lib/decentralized-round.ts';
import { defineSchedule } from './types.ts';

/** BAGUA's decentralised SGD. */
export const decentralized = defineSchedule({
  name: 'decentralized',
  summary:
    'every worker trains its own replica; every communicationInterval steps it averages its weights with all workers (all-reduce) or one shifting peer, the exchange overlapping its forward and backward',
  reference:
    'Gan et al., "BAGUA: Scaling up Distributed Learning with System Relaxations", VLDB 2022 (DecentralizedAlgorithm); Lian et al., D-PSGD, NeurIPS 2017 (spec §22)',
  semantics: 'synchronous',
  options: {
    peerSelection: {
      type: 'enum',
      values: ['all', 'shift-one'],
      default: 'all',
      description:
        "'all': average with every worker (an all-reduce of the weights); 'shift-one': average with one peer of the other half of the ranks, shifting each exchange (even worker count)",
    },
    communicationInterval: {
      type: 'number',
      integer: true,
      min: 1,
      default: 1,
      description: 'steps between weight exchanges (BAGUA communication_interval)',
    },
    algorithm: {
      type: 'collective',
      op: 'all-reduce',
      default: 'ring',
      description: "all-reduce algorithm of the weights under peerSelection 'all'",
    },
  },
  check(o, shape) {
    if (o.peerSelection === 'shift-one' && shape.workers % 2 !== 0)
      return [`peerSelection 'shift-one' needs an even number of workers (BAGUA asserts it), got ${shape.workers}`];
    return [];
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const crew = new Crew(ctx);
    yield* runDecentralized(ctx, crew, {
      selection: o.peerSelection,
      interval: o.communicationInterval,
      messageBytes: ctx.compute.gradBytes,
      overlap: true,
      algorithm: o.algorithm,
      mixing: new FullPrecisionMixing(ctx, crew.size),
      label: 'weight exchange',
    });
  },
});
