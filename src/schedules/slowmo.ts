/**
 * SlowMo, slow momentum over a Local SGD base algorithm (spec/algorithms.md §11; Wang, Tantia, Ballas,
 * Rabbat, "SlowMo: Improving Communication-Efficient Distributed SGD with Slow Momentum", ICLR 2020,
 * Algorithm 1; the update as fairscale's `SlowMoDistributedDataParallel._perform_local_optimization`).
 *
 * Timeline of one outer iteration t (τ = `slowmoFrequency` steps):
 *   x_{t,0} ─ τ / `localsgdFrequency` Local SGD rounds (lib/averaging-round.ts, the same round as
 *   local-sgd: H = `localsgdFrequency` local steps, then one all-reduce of the model), the last of which
 *   gives the exact average x_{t,τ} ─ the slow-momentum step on that last average:
 *     u ← β·u + (x_{t,0} − x_{t,τ}) / γ_t,    x_{t+1,0} = x_{t,0} − α·γ_t·u
 *   (lib/outer-step.ts: heavy-ball momentum β at learning rate α·γ_t on the pseudo-gradient scaled by
 *   1/γ_t), with γ_t the base learning rate of the last local step.
 * As in fairscale, the slow step replaces nothing in the communication: its all-reduce is the last
 * Local SGD average of the iteration, so the traffic is local-sgd's. Base optimizer states (the
 * scenario's `training.optimizer`, one per worker) persist across rounds and are not reset.
 *
 * β = 0, α = 1 is the base algorithm (local-sgd with H = `localsgdFrequency`) up to float32 rounding of
 * (x₀ − x_τ)/γ and its product with γ. `updates` counts local steps. Every staleness is 0.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { averagingRound, workerReplicas, type OuterUpdate } from './lib/averaging-round.ts';
import { compressionFor, COMPRESSOR_OPTION } from './lib/gradient-compression.ts';
import { Crew } from './lib/crew.ts';
import { defineSchedule } from './types.ts';

/** SlowMo with Local SGD as the base algorithm. */
export const slowmo = defineSchedule({
  name: 'slowmo',
  summary:
    'Local SGD averaging every localsgdFrequency steps; every slowmoFrequency steps a slow-momentum step on the averaged model',
  reference:
    'Wang, Tantia, Ballas, Rabbat, "SlowMo: Improving Communication-Efficient Distributed SGD with Slow Momentum", ICLR 2020 (spec §11)',
  semantics: 'synchronous',
  options: {
    slowmoFrequency: {
      type: 'number',
      integer: true,
      min: 1,
      default: 48,
      description: 'τ: local steps per slow-momentum step (fairscale default 48); a multiple of localsgdFrequency',
    },
    localsgdFrequency: {
      type: 'number',
      integer: true,
      min: 1,
      default: 3,
      description: 'H: local steps between Local SGD averages inside the τ steps (fairscale default 3)',
    },
    momentum: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.5,
      description: 'β: slow momentum in [0, 1) (fairscale default 0.5; 0 with lr 1 is plain Local SGD)',
    },
    lr: { type: 'number', greaterThan: 0, default: 1, description: 'α: slow learning rate (fairscale default 1)' },
    algorithm: {
      type: 'collective',
      op: 'all-reduce',
      default: 'ring',
      description: 'all-reduce algorithm for the averages',
    },
    compressor: COMPRESSOR_OPTION,
  },
  check(o) {
    const out: string[] = [];
    if (o.momentum >= 1) out.push(`momentum must be in [0, 1), got ${o.momentum}`);
    if (o.slowmoFrequency % o.localsgdFrequency !== 0)
      out.push(
        `slowmoFrequency must be a multiple of localsgdFrequency (${o.localsgdFrequency}), got ${o.slowmoFrequency}`,
      );
    return out;
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { trainer, progress } = ctx;
    const crew = new Crew(ctx);
    const replicas = workerReplicas(ctx, crew);
    const compression = compressionFor(ctx, crew, o.compressor);
    const comp = compression === undefined ? {} : { compression };
    const slow = trainer.optimizer({ kind: 'momentum', options: { momentum: o.momentum, weightDecay: 0 } });
    const rounds = o.slowmoFrequency / o.localsgdFrequency;
    // γ_t: the base learning rate of the last local step (fairscale reads group["lr"] at that point).
    const slowStep = (): OuterUpdate => {
      const gamma = trainer.lr(Math.max(0, replicas[0]!.opt.steps - 1));
      // γ = 0 (or the timing-only trainer) moved nothing locally: the slow step then only decays u.
      return { opt: slow, lr: o.lr * gamma, scale: gamma > 0 ? 1 / gamma : 0 };
    };
    while (progress.running) {
      const anchor = progress.current;
      for (let k = 1; k <= rounds && progress.running; k++) {
        const last = k === rounds;
        yield* averagingRound(ctx, crew, replicas, o.localsgdFrequency, {
          algorithm: o.algorithm,
          ...comp,
          ...(last ? { anchor, outer: slowStep } : {}),
        });
      }
    }
  },
});
