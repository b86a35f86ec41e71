/**
 * The worker loop of BAGUA's synchronous decentralised algorithms (spec §22), shared by the
 * `decentralized` and `low-precision-decentralized` schedules; their math is a `Mixing`
 * (lib/decentralized-mixing.ts), their peers a `PeerSelection` (lib/peer-selection.ts).
 *
 * Timeline of worker i at step t (one process per worker, no global barrier):
 *   read its weights, forward+backward (straggler-scaled) on its own batch ─ on a communicating step
 *   (t mod `interval` = 0) the exchange of step t: `all`: one all-reduce of the weights over every
 *   worker, started when the last worker has begun step t; pairs (`shift-one`, `ring`): for each of
 *   its edges a send of the message in each direction at once, started when both ends are ready ─
 *   the step ends when its compute and its exchanges are both done ─ the `Mixing` step ─ step t + 1.
 * With `overlap` (full precision: BAGUA hands the weights over in the forward pre-hook) a worker is
 * ready to exchange when its step starts, so the exchange runs under the compute; without it
 * (low precision: the post-optimizer-step hook) only when its compute has ended. A worker waits only
 * for its own peers: under `shift-one` and `ring` neighbours pace each other, not the whole crew.
 *
 * Versions (spec §0.2): replicas advance in lock-step indices; step t of every worker reads version
 * v₀ + t (its own replica, at its t-th step) and is applied at v₀ + t, so τ = 0. The global model for
 * evaluation is the mean of the replicas after step t, committed as version v₀ + t + 1 (one update,
 * one gradient per worker) when the last worker has finished step t; the rows of step t are written
 * then, at the times each worker's step ended, so a run stopped in between counts none of them.
 * metrics.csv gets `consensus_distance` = sqrt(mean_i ‖x_i − x̄‖²) per commit (full mode only).
 */
import type { Event } from '../../core/events.ts';
import type { ProcessGenerator } from '../../core/process.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import type { AppliedRow, Crew } from './crew.ts';
import type { Mixing, Neighbours } from './decentralized-mixing.ts';
import { peerEdges, type PeerSelection } from './peer-selection.ts';

/** How a decentralised run exchanges. */
export interface DecentralizedOptions {
  readonly selection: PeerSelection;
  /** Steps between exchanges (BAGUA's `communication_interval`): steps t with t mod interval = 0 exchange. */
  readonly interval: number;
  /** Bytes of the all-reduce (`all`), or of each message in each direction of an edge. */
  readonly messageBytes: number;
  /** Whether a worker is ready to exchange when its step starts (true) or when its compute ends. */
  readonly overlap: boolean;
  /** All-reduce algorithm under `all`. */
  readonly algorithm: string;
  readonly mixing: Mixing;
  /** Label of the exchange in traces. */
  readonly label: string;
}

/** One step's shared state: what each worker shared, what each ended with, and the step's rows. */
interface StepBook {
  readonly shared: ParamSnapshot[];
  readonly after: ParamSnapshot[];
  readonly rows: AppliedRow[];
  done: number;
  mean: ParamSnapshot | undefined;
}

/** An exchange that starts once `needed` workers have arrived. */
interface Meeting {
  arrived: number;
  startS: number;
  endS: number;
  readonly done: Event<void>;
}

/** Runs every worker of `crew` (all ranks of the run, rank = member index) until the run stops. */
export function* runDecentralized(ctx: ScheduleContext, crew: Crew, o: DecentralizedOptions): ProcessGenerator<void> {
  const { sim, trainer, progress } = ctx;
  const n = crew.size;
  const v0 = progress.current.version;
  const mixing = o.mixing;
  for (const r of crew.ranks) ctx.memory.alloc(r, mixing.bufferSlots * ctx.compute.gradBytes, 'buffers');
  const books = new Map<number, StepBook>();
  const meetings = new Map<string, Meeting>();

  const book = (t: number): StepBook => {
    let b = books.get(t);
    if (b === undefined)
      books.set(t, (b = { shared: new Array(n), after: new Array(n), rows: [], done: 0, mean: undefined }));
    return b;
  };

  /** Arrives at meeting `key` of `needed` workers; the last to arrive starts `exchange`. */
  const meet = (key: string, needed: number, exchange: () => Event<unknown>): Meeting => {
    let m = meetings.get(key);
    if (m === undefined) meetings.set(key, (m = { arrived: 0, startS: 0, endS: 0, done: sim.event<void>() }));
    const meeting = m;
    if (++meeting.arrived === needed) {
      meetings.delete(key);
      meeting.startS = crew.nowS;
      const ev = exchange();
      ev.onProcessed(() => {
        meeting.endS = crew.nowS;
        meeting.done.succeed();
      });
    }
    return meeting;
  };

  const commit = (t: number): void => {
    const b = books.get(t)!;
    books.delete(t);
    const model = trainer.average(b.after, v0 + t + 1);
    for (const r of b.rows) crew.row(r);
    crew.commit(model, 1);
    if (trainer.full) crew.metric('consensus_distance', consensusDistance(b.after, model));
  };

  function* worker(i: number): ProcessGenerator<void> {
    const rank = crew.ranks[i]!;
    for (let t = 0; progress.running; t++) {
      const b = book(t);
      const startS = crew.nowS;
      const x = mixing.params(i);
      b.shared[i] = mixing.shared(i);
      const grad = trainer.gradient(x, rank);
      const c = crew.stepTime(rank, startS);
      crew.book(rank, startS, c, 'fwd+bwd');
      const computeEnd = startS + c;
      const communicates = t % o.interval === 0;
      // One worker exchanges with itself (BAGUA's ring of one): no time, but the step still mixes.
      if (communicates && n > 1) {
        if (!o.overlap) yield* crew.until(computeEnd);
        const readyS = crew.nowS;
        const k = t / o.interval;
        const edges = peerEdges(o.selection, i, n, k);
        const joined: Meeting[] =
          o.selection === 'all'
            ? [
                meet(`${t}`, n, () =>
                  sim.process(crew.allReduce(o.messageBytes, { algorithm: o.algorithm, record: false })),
                ),
              ]
            : edges.map((e) =>
                meet(`${t}:${e.edge}`, 2, () =>
                  sim.allOf([
                    crew.send(rank, crew.ranks[e.peer]!, o.messageBytes),
                    crew.send(crew.ranks[e.peer]!, rank, o.messageBytes),
                  ]),
                ),
              );
        for (const m of joined) if (!m.done.processed) yield m.done;
        let s = Infinity;
        let e = -Infinity;
        for (const m of joined) {
          s = Math.min(s, m.startS);
          e = Math.max(e, m.endS);
        }
        // The exchange hides under the worker's own compute as far as it overlaps it.
        crew.comm(rank, s, e - s, Math.max(0, e - Math.max(s, computeEnd)));
        crew.waitSpan(rank, 'wait for peers', readyS, s - readyS);
        crew.commSpan(rank, () => `${o.label} (${o.selection})`, s, e - s);
      }
      const mix: Neighbours | null = communicates
        ? {
            peers: peerEdges(o.selection, i, n, t / o.interval).map((ed) => b.shared[ed.peer]!),
            mean: () => (b.mean ??= trainer.average(b.shared, v0 + t)),
          }
        : null;
      yield* crew.until(computeEnd);
      mixing.step(i, grad, mix, v0 + t + 1);
      b.after[i] = mixing.params(i);
      b.rows.push({ worker: rank, versionRead: v0 + t, versionApplied: v0 + t, grad, timeS: crew.nowS });
      if (++b.done === n) commit(t);
    }
  }
  yield sim.allOf(crew.ranks.map((_, i) => sim.process(worker(i), `decentralized worker ${i}`)));
}

/** sqrt(mean_i ‖x_i − x̄‖²): how far the replicas are from their mean. */
export function consensusDistance(replicas: readonly ParamSnapshot[], mean: ParamSnapshot): number {
  let s = 0;
  for (const r of replicas) {
    const a = r.params;
    const m = mean.params;
    for (let j = 0; j < a.length; j++) {
      const d = a[j]! - m[j]!;
      s += d * d;
    }
  }
  return Math.sqrt(s / replicas.length);
}
