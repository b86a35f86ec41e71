/**
 * FedBuff: federated learning with buffered asynchronous aggregation (Nguyen, Malik, Zhan, Yousefpour,
 * Rabbat, Malek, Huba, "Federated Learning with Buffered Asynchronous Aggregation", AISTATS 2022;
 * the asynchronous baseline of FedScale and Flower).
 *
 * Clients are data keys placed on GPUs, as in fedavg. `concurrency` slots train at once; slot j runs on
 * client GPU j mod (client GPUs), and a GPU serves its slots' clients one at a time, from the model's
 * download to the upload (no sharing of a GPU or its link is modelled).
 *
 * Timeline of one slot, with no barrier:
 *   pick a client uniformly among those not training (seeded) ─ the server sends it the current model
 *   x_v (version v read when the send starts) ─ E local epochs of batch B on its GPU (u_k = ⌈E·n_k/B⌉
 *   steps, lib/local-round.ts `trainClients`) ─ it sends its model back ─ the server adds
 *   s(τ)·Δ_k to its buffer, Δ_k = x_v − w_k, τ = t − v with t the server's version now, s(τ) = 1/√(1+τ)
 *   (`stalenessWeight: sqrt`, the paper's choice) or 1 ─ when the buffer holds `bufferSize` (K) deltas:
 *   x_{t+1} = x_t − η_g · (1/K) Σ s(τ_i)·Δ_i (`serverLr` η_g) and the buffer empties ─ the slot's next
 *   client downloads at once.
 *
 * Counting: one global update = one server step (one full buffer): the version advances by 1. Every
 * client step writes one update row on its GPU when the buffer holding its delta is applied, with
 * version_read = v and version_applied = t (τ = t − v), and credits its GPU one gradient of B samples.
 * Deltas in a buffer that is never applied (the run ends first) are never counted.
 * With bufferSize 1, concurrency 1 and η_g = 1 it is sequential local training: x ← w_k.
 */
import type { Event } from '../core/events.ts';
import type { ProcessGenerator } from '../core/process.ts';
import type { ParamSnapshot } from '../training/engine/snapshot.ts';
import type { ScheduleContext } from './context.ts';
import { Crew, type AppliedRow } from './lib/crew.ts';
import { trainClients, type Replica } from './lib/local-round.ts';
import type { Vec } from './lib/trainer.ts';
import { CLIENT_OPTIONS, clientLayout, clientProblems, clientWork } from './lib/federated.ts';
import { defineSchedule } from './types.ts';

/** One client's delta waiting in the server's buffer. */
interface Buffered {
  readonly gpu: number;
  readonly delta: Vec;
  readonly weight: number;
  readonly steps: number;
  readonly rows: readonly AppliedRow[];
  readonly versionRead: number;
}

/** FedBuff. */
export const fedbuff = defineSchedule({
  name: 'fedbuff',
  summary:
    'clients (data shards placed on GPUs) train asynchronously from the model they downloaded; the server ' +
    'buffers their staleness-weighted deltas and applies the mean of every K',
  reference:
    'Nguyen, Malik, Zhan, Yousefpour, Rabbat, Malek, Huba, "Federated Learning with Buffered Asynchronous ' +
    'Aggregation", AISTATS 2022',
  semantics: 'asynchronous',
  options: {
    clients: {
      type: 'number',
      integer: true,
      min: 1,
      default: 100,
      description: 'clients, each one data shard of the training set (workload.sharding decides how)',
    },
    concurrency: {
      type: 'number',
      integer: true,
      min: 1,
      default: 10,
      description: 'clients training at once (at most clients)',
    },
    bufferSize: {
      type: 'number',
      integer: true,
      min: 1,
      default: 10,
      description: 'K: client deltas per server step',
    },
    serverLr: {
      type: 'number',
      min: 0,
      default: 1,
      description: 'server learning rate η_g on the mean buffered delta (1: the mean of the client models when τ = 0)',
    },
    stalenessWeight: {
      type: 'enum',
      values: ['sqrt', 'none'],
      default: 'sqrt',
      description: "'sqrt': each delta is weighted 1/√(1+τ) (the paper's); 'none': 1",
    },
    ...CLIENT_OPTIONS,
  },
  check(o, shape) {
    const out = clientProblems(o, shape);
    if (o.concurrency > o.clients) out.push(`concurrency must be at most clients (${o.clients}), got ${o.concurrency}`);
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
    const bytes = ctx.compute.gradBytes;
    const gpuTurn = new Map<number, Event<void>>();
    const busy = new Set<number>();
    const buffer: Buffered[] = [];
    const { steps: stepsOf } = clientWork(ctx, o, K);
    /** A model-sized send, recorded on `gpu`. */
    function* send(src: number, dst: number, gpu: number, label: string): ProcessGenerator<void> {
      const t = crew.nowS;
      yield crew.send(src, dst, bytes);
      crew.comm(gpu, t, crew.nowS - t);
      crew.commSpan(gpu, label, t, crew.nowS - t);
    }
    /** The server step on a full buffer: x ← x − η_g · (1/K) Σ s(τ)Δ, then the rows and credits. */
    function flush(): void {
      const x = progress.current;
      const t = x.version;
      const scaled = buffer.map((b) => trainer.math.scale(b.weight, b.delta));
      const mean = trainer.math.scale(1 / buffer.length, trainer.math.sum(scaled));
      const next: ParamSnapshot = trainer.snapshot(trainer.math.axpy(-o.serverLr, mean, x.params), t + 1);
      const rows: AppliedRow[] = [];
      const perGpu = new Map<number, number>();
      for (const b of buffer) {
        for (const r of b.rows) rows.push({ ...r, versionRead: b.versionRead, versionApplied: t });
        perGpu.set(b.gpu, (perGpu.get(b.gpu) ?? 0) + b.steps);
      }
      buffer.length = 0;
      rows.sort((a, b) => a.timeS! - b.timeS! || a.worker - b.worker);
      for (const r of rows) crew.row(r);
      const gpus = [...perGpu.keys()].sort((a, b) => a - b);
      // The one global update comes with the last credit, after every GPU's steps are counted.
      for (let i = 0; i < gpus.length - 1; i++) crew.commit(next, 0, gpus[i]!, perGpu.get(gpus[i]!)!);
      const last = gpus[gpus.length - 1]!;
      crew.commit(next, 1, last, perGpu.get(last)!);
    }
    function* slot(j: number): ProcessGenerator<void> {
      const gpu = hosts[j % hosts.length]!;
      const pick = ctx.rng.fork('clients').fork(j);
      while (progress.running) {
        let k = pick.int(0, K - 1);
        while (busy.has(k)) k = pick.int(0, K - 1);
        busy.add(k);
        // A GPU serves its slots' clients one at a time, download to upload: wait for the one before.
        const before = gpuTurn.get(gpu);
        const mine = sim.event<void>();
        gpuTurn.set(gpu, mine);
        if (before !== undefined && !before.processed) yield before;
        const x = progress.current;
        yield* send(server, gpu, gpu, 'model to client');
        const replica: Replica = { snapshot: x, opt: trainer.optimizer(), data: k, rank: gpu };
        const work = trainClients(ctx, crew, [replica], stepsOf(k), x.version);
        yield* crew.until(work.endS);
        yield* send(gpu, server, gpu, 'model to server');
        mine.succeed();
        busy.delete(k);
        if (!progress.running) return;
        const tau = progress.current.version - x.version;
        buffer.push({
          gpu,
          delta: trainer.math.sub(x.params, replica.snapshot.params),
          weight: o.stalenessWeight === 'sqrt' ? 1 / Math.sqrt(1 + tau) : 1,
          steps: work.stepsEach[0]!,
          rows: work.rows,
          versionRead: x.version,
        });
        if (buffer.length >= o.bufferSize) flush();
      }
    }
    const slots = [];
    for (let j = 0; j < o.concurrency; j++) slots.push(sim.process(slot(j), `fedbuff slot ${j}`));
    yield sim.allOf(slots);
  },
});
