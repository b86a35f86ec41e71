/**
 * The math of one step of BAGUA's two synchronous decentralised algorithms (spec §22), per worker, as
 * the Rust core computes it (`comm_ops/decentralized_full_precision_synchronous.rs`,
 * `decentralized_low_precision_synchronous.rs`). lib/decentralized-round.ts times the steps and calls
 * `step` when a worker's step ends; both variants share that loop and differ only here.
 *
 * Full precision (D-PSGD, Lian et al., NeurIPS 2017): each worker keeps one replica x_i. At a
 * communicating step t the weights x_i^t are handed to the exchange in the forward pre-hook, the
 * gradient is computed on x_i^t, and after the backward pass the replica is replaced by the average of
 * its own and its peers' x^t (`copy_back_peer_weight`) before the optimizer steps it:
 *     x_i^{t+1} = opt(avg_{j ∈ {i} ∪ peers(i)} x_j^t,  g_i(x_i^t))
 * (`all`: the mean over every worker; `shift-one`: (x_i + x_peer)/2). A step that does not communicate
 * is a plain local step x_i^{t+1} = opt(x_i^t, g_i(x_i^t)).
 *
 * Low precision (the compressed-difference D-PSGD of Tang, Gan, Zhang, Zhang, Liu, "Communication
 * Compression for Decentralized Training", NeurIPS 2018, DCD-PSGD, with BAGUA's ring and mixing
 * weights 1/3): each worker keeps its parameters p_i, a public copy w_i that its ring neighbours hold
 * bit for bit, and their public copies. After the optimizer step (post-optimizer-step hook):
 *     z_i = opt(p_i, g_i(p_i)) − w_i + (w_{i−1} + w_{i+1} − 2·w_i)/3      (BAGUA: p + w_L/3 + w_R/3 − 5w/3)
 *     w_i ← w_i + Q(z_i),   p_i ← w_i,   and each neighbour adds the same Q(z_i) to its copy of w_i,
 * Q the 8-bit min-max quantiser (lib/compression/minmax-u8.ts). Because every copy of w_i receives the
 * same decoded difference, the neighbours' copies equal w_{i±1} exactly, so the simulator reads the
 * neighbours' own w instead of keeping copies. On a step that does not communicate only p_i moves.
 * One difference from BAGUA: BAGUA quantises a whole bucket with one min and max; the shared quantiser
 * uses chunks of 1,024 values (as ByteGrad here does), whose error is smaller where magnitudes vary.
 */
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import { minmaxU8RoundTrip } from './compression/minmax-u8.ts';
import type { GradientRef, OptimizerState } from './trainer.ts';

/** What a communicating step mixes with: its peers' step-t snapshots (what they share). */
export interface Neighbours {
  /** The peers' shared snapshots, in `peerEdges` order (ring: left, right; shift-one: the peer); empty for `all`. */
  readonly peers: readonly ParamSnapshot[];
  /** The mean of every worker's shared snapshot (`all`), computed once per step by the round. */
  readonly mean: () => ParamSnapshot;
}

/** One decentralised variant's per-worker state and step. */
export interface Mixing {
  /** Worker i's parameters: what its gradient is computed on. */
  params(i: number): ParamSnapshot;
  /** What worker i shares with its peers at the start of its step (full: x_i; low precision: w_i). */
  shared(i: number): ParamSnapshot;
  /** Ends worker i's step: its gradient applied, mixed with `mix` when the step communicates (else null). */
  step(i: number, grad: GradientRef, mix: Neighbours | null, version: number): void;
  /** Parameter-sized buffers each worker keeps beyond its model (BAGUA's peer weights), for memory. */
  readonly bufferSlots: number;
}

/** Full-precision decentralised SGD (see the file header); one optimizer state per worker. */
export class FullPrecisionMixing implements Mixing {
  private readonly x: ParamSnapshot[];
  private readonly opts: OptimizerState[];
  // BAGUA's `peer_weight`: the buffer the exchange averages into.
  readonly bufferSlots = 1;

  constructor(
    private readonly ctx: ScheduleContext,
    n: number,
  ) {
    const x0 = ctx.progress.current;
    this.x = Array.from({ length: n }, () => x0);
    this.opts = Array.from({ length: n }, () => ctx.trainer.optimizer());
  }

  params(i: number): ParamSnapshot {
    return this.x[i]!;
  }

  shared(i: number): ParamSnapshot {
    return this.x[i]!;
  }

  step(i: number, grad: GradientRef, mix: Neighbours | null, version: number): void {
    const { trainer } = this.ctx;
    const own = this.x[i]!;
    let base = own;
    if (mix !== null) {
      if (mix.peers.length === 0) base = mix.mean();
      else base = trainer.average([own, ...mix.peers], version);
    }
    this.x[i] = trainer.apply(this.opts[i]!, base, grad, version);
  }
}

/** Low-precision decentralised SGD on BAGUA's ring (see the file header). */
export class LowPrecisionMixing implements Mixing {
  private readonly p: ParamSnapshot[];
  private readonly w: ParamSnapshot[];
  private readonly opts: OptimizerState[];
  // BAGUA's `weight`, `left_peer_weight` and `right_peer_weight` buckets.
  readonly bufferSlots = 3;

  constructor(
    private readonly ctx: ScheduleContext,
    n: number,
  ) {
    const x0 = ctx.progress.current;
    this.p = Array.from({ length: n }, () => x0);
    this.w = Array.from({ length: n }, () => x0);
    this.opts = Array.from({ length: n }, () => ctx.trainer.optimizer());
  }

  params(i: number): ParamSnapshot {
    return this.p[i]!;
  }

  shared(i: number): ParamSnapshot {
    return this.w[i]!;
  }

  step(i: number, grad: GradientRef, mix: Neighbours | null, version: number): void {
    const { trainer } = this.ctx;
    const { math } = trainer;
    const stepped = trainer.apply(this.opts[i]!, this.p[i]!, grad, version);
    if (mix === null) {
      this.p[i] = stepped;
      return;
    }
    const w = this.w[i]!;
    // One worker is its own left and right neighbour (BAGUA's ring of one).
    const left = mix.peers[0] ?? w;
    const right = mix.peers[1] ?? left;
    const toPeers = math.sub(math.mean([w.params, left.params, right.params]), w.params);
    const z = math.axpy(1, math.sub(stepped.params, w.params), toPeers);
    const next = trainer.snapshot(math.axpy(1, minmaxU8RoundTrip(z), w.params), version);
    this.w[i] = next;
    this.p[i] = next;
  }
}
