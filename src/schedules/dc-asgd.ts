/**
 * DC-ASGD, asynchronous SGD with delay compensation (spec/algorithms.md §7), after Zheng et al.,
 * "Asynchronous Stochastic Gradient Descent with Delay Compensation", ICML 2017.
 *
 * Timeline: async-ps's (lib/async-workers.ts): each worker pulls, computes on its own batch, pushes the
 * k slices; each server applies its slice on arrival and replies with its shard. The only change is at
 * apply time (`ParamServer`'s `transform` policy): the gradient g, computed on the weights w_read the
 * worker read, is applied to the server's current weights w_now as
 *   g + λ · g ⊙ g ⊙ (w_now − w_read)
 * (a first-order Taylor correction with the Hessian approximated by the diagonal of g gᵀ). w_read is
 * the snapshot the worker's read was made of, so the paper's per-worker backup w_bak(m) costs nothing
 * here. `compensation`:
 *   - `constant`: λ = `lambda` (default 0.04, MXNet's DCASGD `lamda`);
 *   - `adaptive` (DC-ASGD-a): per element, MeanSquare ← m·MeanSquare + (1 − m)·g⊙g on the shard that
 *     applies the slice (each shard keeps its own over its range, updated once per applied slice,
 *     before it is used), and λ = λ0 / √(MeanSquare + ε); defaults λ0 = 2, m = 0.95, ε = 1e-7
 *     (spec §7 [R]; the same defaults as public DC-ASGD-a implementations).
 * λ = 0 applies g unchanged: async-ps exactly.
 *
 * Workers start at seeded random offsets within their first step by default.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { lrScaling, runAsyncWorkers, PS_OPTIONS } from './lib/async-workers.ts';
import { asyncCompressorProblems, compressionFor, COMPRESSOR_OPTION } from './lib/gradient-compression.ts';
import { Crew } from './lib/crew.ts';
import { ParamServer, serverLayout, serverLayoutProblems, type TransformContext } from './lib/param-server.ts';
import type { Vec } from './lib/trainer.ts';
import { defineSchedule } from './types.ts';

/** Asynchronous parameter server with delay-compensated gradients. */
export const dcAsgd = defineSchedule({
  name: 'dc-asgd',
  summary:
    'asynchronous parameter server that applies each stale gradient with a delay compensation ' +
    'g + λ·g⊙g⊙(w_now − w_read), λ constant or adaptive',
  reference:
    'Zheng et al., "Asynchronous Stochastic Gradient Descent with Delay Compensation", ICML 2017; ' +
    'lr/τ: Zhang et al., IJCAI 2016',
  semantics: 'asynchronous',
  options: {
    compensation: {
      type: 'enum',
      values: ['constant', 'adaptive'],
      default: 'constant',
      description: "'constant': λ = lambda; 'adaptive' (DC-ASGD-a): λ = lambda0 / √(MeanSquare + epsilon) per element",
    },
    lambda: {
      type: 'number',
      min: 0,
      default: 0.04,
      description: 'constant compensation λ (0: plain async-ps)',
    },
    lambda0: {
      type: 'number',
      min: 0,
      default: 2,
      description: 'adaptive: λ0 in λ = λ0 / √(MeanSquare + ε)',
    },
    meanSquareMomentum: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.95,
      description: 'adaptive: m in MeanSquare ← m·MeanSquare + (1 − m)·g⊙g',
    },
    epsilon: {
      type: 'number',
      greaterThan: 0,
      default: 1e-7,
      description: 'adaptive: ε in λ = λ0 / √(MeanSquare + ε)',
    },
    ...PS_OPTIONS,
    compressor: COMPRESSOR_OPTION,
  },
  check(o, shape) {
    return [
      ...serverLayoutProblems(shape.workers, o.shards, o.servers),
      ...asyncCompressorProblems(o.compressor, 'dc-asgd'),
    ];
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { trainer } = ctx;
    const { trainers, servers } = serverLayout(ctx.workers, o.shards, o.servers);
    const crew = new Crew(ctx, trainers);
    const adaptive = o.compensation === 'adaptive';
    // One MeanSquare vector; shard j only ever touches its own range of it.
    const meanSquare = new Float32Array(adaptive ? trainer.paramCount : 0);
    const m = o.meanSquareMomentum;
    const compensate = (g: Vec, at: TransformContext): Vec => {
      const out = g.slice();
      const now = at.current.params;
      const old = at.read.params;
      const [a, b] = at.range;
      for (let x = a; x < b; x++) {
        const gx = g[x]!;
        let lambda = o.lambda;
        if (adaptive) {
          const ms = (meanSquare[x] = m * meanSquare[x]! + (1 - m) * gx * gx);
          lambda = o.lambda0 / Math.sqrt(ms + o.epsilon);
        }
        out[x] = gx + lambda * gx * gx * (now[x]! - old[x]!);
      }
      return out;
    };
    // Timing-only runs have no vectors: the compensation changes no time, so it is left out there.
    // With a compressor, the server compensates what the compressed push decodes to.
    const compression = compressionFor(ctx, crew, o.compressor, { accordion: false });
    const ps = new ParamServer(
      ctx,
      crew,
      servers,
      { ...lrScaling(o.lrScaling), ...(trainer.full ? { transform: compensate } : {}) },
      compression === undefined ? {} : { pushBytes: compression.pushBytes() },
    );
    yield* runAsyncWorkers(ctx, crew, ps, trainers, {
      stagger: o.stagger,
      name: 'dc-asgd',
      ...(compression === undefined ? {} : { compression }),
    });
  },
});
