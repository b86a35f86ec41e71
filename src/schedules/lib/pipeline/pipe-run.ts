/**
 * What every pipeline schedule shares when it runs on the simulated clock (review schedule-api.md
 * §4.4): one op of one stage group at a time, lowered to waits, compute and sends.
 *
 * An op of micro-batch j on virtual stage vs of replica r starts when its group is free (the caller
 * runs a group's ops one after another: that is the per-device serialisation) and its data has
 * arrived: F on vs > 0 after vs − 1's F of j has been sent to it; B or I on vs < V − 1 after vs + 1's
 * backward has sent the gradient back (the last stage's B follows its own F by program order; a W
 * waits for nothing but its own I). It lasts its stage's nominal time × the slowest straggler factor
 * of the group's t GPUs drawn at its start (tensor-parallel GPUs synchronise every layer), and is
 * booked on each of them as a trace span (F, B, I or W and the micro-batch: the papers' diagrams, one
 * track per GPU). Sends go through the communicator without blocking the sender, as PyTorch's
 * pipelining issues `isend`s: with t > 1 each GPU of the group sends its 1/t to its peer of the next
 * group (Megatron's scatter-gather), and the receiver waits for all t.
 *
 * Activations are held in the ledger (stage-memory.ts) from an F to the end of its B (or W).
 */
import type { Event } from '../../../core/events.ts';
import type { ProcessGenerator } from '../../../core/process.ts';
import type { ScheduleContext } from '../../context.ts';
import type { Crew } from '../crew.ts';
import type { PipeLayout } from './layout.ts';
import type { PipeComputeOp } from './pipe-op.ts';
import type { StageMemory } from './stage-memory.ts';
import type { StageTimes } from './stage-times.ts';

/** Timing of pipeline ops on the clock (see the file header). */
export class PipeRun {
  /** Virtual stages V = p × chunks. */
  readonly V: number;
  private readonly arrived = new Map<number, Event<void>>();
  private readonly gradBack = new Map<number, Event<void>>();

  private readonly spans: boolean;

  constructor(
    private readonly ctx: ScheduleContext,
    private readonly crew: Crew,
    private readonly layout: PipeLayout,
    /** Per replica, per virtual stage c·p + s. */
    private readonly times: readonly (readonly StageTimes[])[],
    private readonly memory: StageMemory,
  ) {
    this.V = times[0]!.length;
    this.spans = ctx.recorder.wantsSpans;
  }

  /**
   * Runs op `x` of replica `r` on device stage `s`: waits for its input, calls `atStart` (the math of
   * an asynchronous pipeline reads the weights of that moment), computes, books, and starts its sends.
   * Returns when the compute ends (the sends go on).
   */
  *op(r: number, s: number, x: PipeComputeOp, atStart?: () => void): ProcessGenerator<void> {
    const p = this.layout.stages;
    const V = this.V;
    const vs = x.chunk * p + s;
    const times = this.times[r]!;
    const t = times[vs]!;
    let wait: Event<void> | undefined;
    if (x.op === 'F') wait = vs > 0 ? this.take(this.arrived, r, vs, x.mb) : undefined;
    else if (x.op !== 'W') wait = vs < V - 1 ? this.take(this.gradBack, r, vs, x.mb) : undefined;
    if (wait !== undefined) yield wait;
    atStart?.();
    const crew = this.crew;
    const start = crew.nowS;
    const group = this.layout.group(r, s);
    let f = 0;
    for (const g of group) f = Math.max(f, this.ctx.compute.factor(g, start));
    const d = (x.op === 'F' ? t.tF : x.op === 'B' ? t.tB : x.op === 'I' ? t.tI : t.tW) * f;
    if (x.op === 'F') this.memory.hold(r, vs, x.mb);
    yield* crew.until(start + d);
    // Labels only when a trace wants them (a 1,024-GPU run books millions of ops).
    const label = !this.spans ? '' : V === p ? `${x.op}${x.mb}` : `${x.op}${x.mb}.${x.chunk}`;
    for (const g of group) crew.book(g, start, d, label);
    // A split backward's I still leaves the activations to its W.
    if (x.op === 'B' || x.op === 'W') this.memory.release(r, vs, x.mb);
    // The next virtual stage runs on the next device (from the last device, the first one's next chunk).
    if (x.op === 'F' && vs < V - 1)
      this.sendGroup(r, vs, vs + 1, t.boundaryBytes, this.spans ? `act ${x.mb}` : '', this.arrived, x.mb);
    if ((x.op === 'B' || x.op === 'I') && vs > 0)
      this.sendGroup(
        r,
        vs,
        vs - 1,
        times[vs - 1]!.boundaryBytes,
        this.spans ? `grad ${x.mb}` : '',
        this.gradBack,
        x.mb,
      );
  }

  /** Forgets every pending arrival (between the batches of a flush schedule). */
  reset(): void {
    this.arrived.clear();
    this.gradBack.clear();
  }

  private key(r: number, vs: number, mb: number): number {
    return (mb * this.V + vs) * this.layout.replicas + r;
  }

  // The waiter and the sender each take the event of (r, vs, mb): the first makes it, the second
  // removes it from the map, so a long asynchronous run keeps only what is in flight.
  private take(m: Map<number, Event<void>>, r: number, vs: number, mb: number): Event<void> {
    const k = this.key(r, vs, mb);
    const e = m.get(k);
    if (e !== undefined) {
      m.delete(k);
      return e;
    }
    const made = this.ctx.sim.event<void>();
    m.set(k, made);
    return made;
  }

  // Each GPU of the group sends its share; a callback per send, not a process (millions at scale).
  private sendGroup(
    r: number,
    from: number,
    to: number,
    bytes: number,
    label: string,
    m: Map<number, Event<void>>,
    mb: number,
  ): void {
    const p = this.layout.stages;
    const done = this.take(m, r, to, mb);
    const src = this.layout.group(r, from % p);
    const dst = this.layout.group(r, to % p);
    const crew = this.crew;
    const spans = this.spans;
    const t = crew.nowS;
    let left = src.length;
    for (let k = 0; k < src.length; k++) {
      const sk = src[k]!;
      crew.send(sk, dst[k]!, bytes).onProcessed(() => {
        const d = crew.nowS - t;
        crew.comm(sk, t, d, 0);
        if (spans) crew.commSpan(sk, label, t, d);
        if (--left === 0) done.succeed();
      });
    }
  }
}
