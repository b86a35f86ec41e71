/**
 * Federated Averaging (spec/algorithms.md §9; McMahan, Moore, Ramage, Hampson, Agüera y Arcas,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017).
 *
 * Clients are data keys, not GPUs: the training set is split into K shards (`clients`; the scenario's
 * `workload.sharding` decides iid or non-iid) and the clients are placed on the GPUs.
 *
 * Timeline of one round t (global version g = t):
 *   sample m = max(1, round(C·K)) distinct clients (seeded) ─ each is online with probability
 *   `availability` (seeded) ─ the server sends the model to every GPU that hosts an online sampled
 *   client (one model-sized send per GPU, on the network) ─ the clients run E local epochs of batch B
 *   (u_k = ⌈E·n_k/B⌉ steps) with plain local optimizer states, the j-th online client on the j-th client
 *   GPU round-robin, a GPU's clients one after another (lib/local-round.ts) ─ clients not done by the
 *   `deadline` (seconds after the round starts) are dropped ─ every GPU with a kept client sends one
 *   model-sized message back (its clients' n_k-weighted partial sum) ─ x ← Σ n_k w_k / Σ n_k over the
 *   kept clients (lib/outer-step.ts). A round with no kept client leaves the model unchanged.
 *
 * Counting: one global update = one round (the version advances by 1), so `stop.updates` counts
 * communication rounds, as the paper does. Every client step writes one update row on the GPU that ran
 * it, at the version of the round (τ = 0), and credits that GPU one gradient of B samples.
 */
import type { ProcessGenerator } from '../core/process.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import { localRound, type Replica } from './lib/local-round.ts';
import { outerStep } from './lib/outer-step.ts';
import { CLIENT_OPTIONS, clientLayout, clientProblems, clientWork } from './lib/federated.ts';
import { defineSchedule } from './types.ts';

/** Federated Averaging. */
export const fedavg = defineSchedule({
  name: 'fedavg',
  summary:
    'each round a sampled fraction of the K clients (data shards placed on GPUs) trains E local epochs ' +
    'from the global model; the server averages the kept clients weighted by shard size',
  reference:
    'McMahan, Moore, Ramage, Hampson, Agüera y Arcas, "Communication-Efficient Learning of Deep Networks ' +
    'from Decentralized Data", AISTATS 2017 (spec §9)',
  semantics: 'synchronous',
  options: {
    clients: {
      type: 'number',
      integer: true,
      min: 1,
      default: 100,
      description: 'K: clients, each one data shard of the training set (workload.sharding decides how)',
    },
    fraction: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.1,
      description: 'C: fraction of the clients sampled per round (at least 1 client)',
    },
    availability: {
      type: 'number',
      min: 0,
      max: 1,
      default: 1,
      description: 'probability that a sampled client is online in a round (seeded)',
    },
    deadline: {
      type: 'quantity',
      dimension: 'duration',
      greaterThan: 0,
      description:
        'round deadline after the model is sent: clients whose local training ends later are dropped; absent: none',
    },
    ...CLIENT_OPTIONS,
  },
  check(o, shape) {
    const out = clientProblems(o, shape);
    if (!(o.fraction > 0)) out.push(`fraction must be in (0, 1], got ${o.fraction}`);
    if (!(o.availability > 0)) out.push(`availability must be in (0, 1], got ${o.availability}`);
    return out;
  },
  dataKeys(o) {
    return o.clients;
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { trainer, progress, sim } = ctx;
    const { server, hosts } = clientLayout(ctx.workers, o.servers);
    const crew = new Crew(ctx);
    const K = o.clients;
    const m = Math.max(1, Math.round(o.fraction * K));
    const bytes = ctx.compute.gradBytes;
    const sampleRng = ctx.rng.fork('sample');
    const onlineRng = ctx.rng.fork('online');
    const { shardSize, steps: stepsOf } = clientWork(ctx, o, K);
    /** Model-sized sends, all started now, each recorded on its GPU when it arrives; waits for the last. */
    function* transfer(
      pairs: readonly (readonly [number, number])[],
      gpuOf: (p: readonly [number, number]) => number,
      label: string,
    ): ProcessGenerator<void> {
      if (pairs.length === 0) return;
      const t = crew.nowS;
      const evs = pairs.map((p) => {
        const ev = crew.send(p[0], p[1], bytes);
        const g = gpuOf(p);
        ev.onProcessed(() => {
          crew.comm(g, t, crew.nowS - t);
          crew.commSpan(g, label, t, crew.nowS - t);
        });
        return ev;
      });
      yield sim.allOf(evs);
    }
    for (let round = 0; progress.running; round++) {
      const x0 = progress.current;
      const g = x0.version;
      const t0 = crew.nowS;
      // Sample m distinct clients, then keep the online ones (each with probability `availability`).
      const picked = sampleRng
        .fork(round)
        .permutation(K)
        .slice(0, m)
        .sort((a, b) => a - b);
      const on = onlineRng.fork(round);
      const online = picked.filter(() => o.availability >= 1 || on.bernoulli(o.availability));
      const replicas: Replica[] = online.map((k, j) => ({
        snapshot: x0,
        opt: trainer.optimizer(),
        data: k,
        rank: hosts[j % hosts.length]!,
      }));
      const gpus = [...new Set(replicas.map((r) => r.rank!))].sort((a, b) => a - b);
      yield* transfer(
        gpus.map((r) => [server, r] as const),
        (p) => p[1],
        'model to clients',
      );
      const res = yield* localRound(
        ctx,
        crew,
        replicas,
        replicas.map((r) => stepsOf(r.data)),
        g,
        { deadlineS: o.deadline === undefined ? Infinity : t0 + o.deadline },
      );
      const kept = replicas.filter((_, i) => res.kept![i]);
      const perGpu = new Map<number, number>();
      replicas.forEach((r, i) => {
        if (res.kept![i]) perGpu.set(r.rank!, (perGpu.get(r.rank!) ?? 0) + res.stepsEach![i]!);
      });
      const up = [...perGpu.keys()].sort((a, b) => a - b);
      yield* transfer(
        up.map((r) => [r, server] as const),
        (p) => p[0],
        'model to server',
      );
      const next =
        kept.length === 0
          ? trainer.snapshot(x0.params, g + 1)
          : outerStep(
              trainer,
              x0,
              kept.map((r) => r.snapshot),
              trainer.full ? { version: g + 1, weights: kept.map((r) => shardSize(r.data)) } : { version: g + 1 },
            );
      // Credit each GPU its client steps; the round's one global update comes with the last credit.
      for (let i = 0; i < up.length - 1; i++) crew.commit(next, 0, up[i]!, perGpu.get(up[i]!)!);
      if (up.length === 0) crew.commit(next, 1, [], 0);
      else crew.commit(next, 1, up[up.length - 1]!, perGpu.get(up[up.length - 1]!)!);
    }
  },
});
