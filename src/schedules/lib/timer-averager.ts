/**
 * The background model averaging of BAGUA's `AsyncModelAverageAlgorithm` (spec §22; code followed:
 * `bagua/torch_api/algorithms/async_model_average.py` and
 * `rust/bagua-core/.../comm_ops/decentralized_full_precision_asynchronous.rs`), as a block: replicas
 * that workers step on their own, and one averaging process beside them.
 *
 * One round (`_run_async_loop`): copy every replica's current weights (`temp_tensor`, the weights after
 * each worker's last finished step) ─ all-reduce of the copies (n = params × bytes per value) on a
 * communication stream of its own, so compute goes on and the time is hidden (recorded as
 * communication with nothing exposed) ─ when it ends, each worker adds mean − copy_i to its replica
 * (the `async_model_average` kernel: x_i += Σ_j copy_j / N − copy_i), so the local steps it took while
 * the all-reduce was in flight are KEPT on top of the average ─ BAGUA takes that write under the
 * weight lock that the forward pre-hook takes and the post-backward hook releases, so a worker in the
 * middle of a step receives it when its backward pass ends, before its optimizer step (`take`) ─
 * every rank's thread then sleeps `sync_interval_ms` and the next round begins after BAGUA's
 * negotiation broadcast, i.e. when the last rank has written and slept: start_{k+1} = max_i write_i + I.
 * The 1-byte negotiation broadcast itself is not timed (one latency per round).
 *
 * metrics.csv gets one `averaging_round` row (value 1) per completed round, in both modes,
 * and `consensus_distance` of the copies it averaged (full mode).
 */
import type { Event } from '../../core/events.ts';
import type { ProcessGenerator } from '../../core/process.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import type { Crew } from './crew.ts';
import { consensusDistance } from './decentralized-round.ts';

/** An average waiting to be written into one replica. */
interface Pending {
  readonly mean: ParamSnapshot;
  readonly copy: ParamSnapshot;
}

/** Replicas averaged by a timer in the background (see the file header). */
export class TimerAverager {
  /** Each worker's replica (member index of the crew). */
  readonly replicas: ParamSnapshot[];
  /** Changes written into each replica so far: its own steps and the averages it received. */
  readonly versions: number[];
  private readonly pending: (Pending | null)[];
  private unwritten = 0;
  private written: Event<void> | null = null;
  /** Rounds completed (every replica written). */
  rounds = 0;

  constructor(
    private readonly ctx: ScheduleContext,
    private readonly crew: Crew,
    start: ParamSnapshot,
  ) {
    const n = crew.size;
    this.replicas = Array.from({ length: n }, () => start);
    this.versions = new Array<number>(n).fill(start.version);
    this.pending = new Array<Pending | null>(n).fill(null);
    // The all-reduce's `temp_tensor` and `reduced_tensor`.
    for (const r of crew.ranks) ctx.memory.alloc(r, 2 * ctx.compute.gradBytes, 'buffers');
  }

  /**
   * Writes the average waiting for member i, if any (call when its backward pass ends, before its
   * optimizer step); returns whether one was written.
   */
  take(i: number): boolean {
    const p = this.pending[i];
    if (p === null || p === undefined) return false;
    const { math } = this.ctx.trainer;
    const x = this.replicas[i]!;
    this.replicas[i] = this.ctx.trainer.snapshot(
      math.axpy(1, math.sub(p.mean.params, p.copy.params), x.params),
      x.version,
    );
    this.versions[i]!++;
    this.pending[i] = null;
    if (--this.unwritten === 0) this.written!.succeed();
    return true;
  }

  /** Runs rounds every `intervalS` until the run stops (see the file header). */
  *run(intervalS: number, algorithm: string): ProcessGenerator<void> {
    const { ctx, crew } = this;
    const { trainer, progress } = ctx;
    const zeros = new Float64Array(crew.size);
    while (progress.running) {
      const copies = this.replicas.slice();
      const out = yield* crew.allReduce(ctx.compute.gradBytes, { algorithm, record: false });
      crew.commAll(crew.ranks, out.startS, out.timeS, zeros);
      if (crew.traced)
        for (const r of crew.ranks)
          crew.commSpan(r, `model average (all-reduce ${out.algorithm})`, out.startS, out.timeS);
      const mean = trainer.average(copies, progress.current.version);
      this.written = ctx.sim.event<void>();
      this.unwritten = crew.size;
      for (let i = 0; i < crew.size; i++) this.pending[i] = { mean, copy: copies[i]! };
      yield this.written;
      this.rounds++;
      crew.metric('averaging_round', 1);
      if (trainer.full) crew.metric('consensus_distance', consensusDistance(copies, mean));
      yield* crew.until(crew.nowS + intervalS);
    }
  }
}
