/**
 * A sharded parameter server (spec §3, §1.6), the core of every asynchronous schedule: async-ps, and
 * as policies (`PsPolicy`) the staleness-aware learning rate, DC-ASGD's compensated gradient and SSP's
 * cached view. SSP's clock gate is `ClockGate`, which the worker loop holds.
 *
 * Shard j holds the contiguous slice j of the parameter vector (1/k of it) and its own optimizer state,
 * on server rank `servers[j]`: co-located on the workers' ranks 0 .. k − 1, or on dedicated ranks of
 * their own (the last k ranks of the run, which then do not train). A co-located worker reaches its
 * own shard without the network, so with co-location it runs faster than the others.
 *
 * Timeline of a push from worker w: each slice travels to its server; the server applies it the
 * moment it arrives, in arrival order, bumps the shard's version, records τ = the shard's version
 * before the apply − the version the worker read, and at once sends the shard back. That reply is
 * the worker's next pull, so **a worker's pull reads the model just after its own push was applied**,
 * whatever else lands at the same instant. This is the rule that gives a mean staleness of exactly
 * N − 1 in steady state on N workers (each apply is seen by the N − 1 other workers' open reads), with
 * or without staggered starts and however events tie. A worker's update counts once all k slices
 * have landed.
 *
 * Versions: the global version counts applies over all shards; each shard keeps its own, which is what
 * the rows record (one row per shard, `stage` = shard, each at the time its slice was applied, written
 * when the last slice has landed). A read made of replies sent at different
 * times is composed from each shard's slice at its own time (an inconsistent snapshot, spec §3).
 * Servers apply instantly: their compute is not modelled.
 */
import type { Event, Waiter } from '../../core/events.ts';
import type { ProcessGenerator } from '../../core/process.ts';
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import type { ScheduleContext } from '../context.ts';
import type { Crew } from './crew.ts';
import type { GradientRef, OptimizerState, ParamRange, Vec } from './trainer.ts';

/** Where the servers run. */
export type ServerPlacement = 'colocated' | 'dedicated';

/** What a policy sees when a gradient slice is about to be applied. */
export interface ApplyContext {
  readonly worker: number;
  readonly shard: number;
  /** The shard's staleness for this slice, in shard versions. */
  readonly tau: number;
}

/** What a gradient transform sees: the slice's context plus the weights the worker read and the server holds. */
export interface TransformContext extends ApplyContext {
  readonly read: ParamSnapshot;
  readonly current: ParamSnapshot;
  readonly range: ParamRange;
}

/** Per-schedule behaviour on top of the plain server (each hook optional). */
export interface PsPolicy {
  /** Multiplies the learning rate of one applied slice (the staleness-aware rate, spec §6). */
  lrScale?(at: ApplyContext): number;
  /**
   * Replaces the gradient applied to one shard (DC-ASGD's g + λ·g⊙g⊙(w_now − w_read), spec §7): gets
   * the whole gradient vector and returns a whole vector, of which the shard's range is applied.
   */
  transform?(grad: Vec, at: TransformContext): Vec;
  /** What a worker computes on instead of the fresh read (SSP's cache, spec §4); default the read. */
  view?(worker: number, fresh: PsRead): PsRead;
  /**
   * Called after each applied slice with the shard's model before and after it (SSP's lazy view keeps
   * the per-(worker, clock) deltas from it). Timing-only runs call it too, with empty snapshots.
   */
  applied?(at: ApplyContext, before: ParamSnapshot, after: ParamSnapshot, range: ParamRange): void;
}

/** A worker's view of the servers: the weights it read and each shard's version in them. */
export interface PsRead {
  readonly snapshot: ParamSnapshot;
  readonly versions: Int32Array;
}

/** The ranks that train and the ranks that serve, for `workers` ranks in all. */
export function serverLayout(
  workers: number,
  shards: number,
  placement: ServerPlacement,
): { trainers: number[]; servers: number[] } {
  const all = Array.from({ length: workers }, (_, i) => i);
  if (placement === 'colocated') return { trainers: all, servers: all.slice(0, shards) };
  return { trainers: all.slice(0, workers - shards), servers: all.slice(workers - shards) };
}

/** Problems with a layout before anything runs (empty when it can run). */
export function serverLayoutProblems(workers: number, shards: number, placement: ServerPlacement): string[] {
  if (placement === 'colocated' && shards > workers) {
    return [`shards must be an integer in [1, ${workers}] (servers are co-located on ranks 0..k-1), got ${shards}`];
  }
  if (placement === 'dedicated' && shards >= workers) {
    return [
      `shards must be an integer in [1, ${workers - 1}] ` +
        `(dedicated servers take the last k of the ${workers} ranks and one must train), got ${shards}`,
    ];
  }
  return [];
}

/** The parameter server of one run (see the file header). */
export class ParamServer {
  /** Server rank of each shard. */
  readonly servers: readonly number[];
  private model: ParamSnapshot;
  private readonly versions: Int32Array;
  private readonly opts: OptimizerState[];
  private readonly ranges: readonly ParamRange[];
  private readonly shardBytes: number;
  /** Bytes of one slice of a push (a compressed push is smaller than a pull's shard). */
  private readonly pushShardBytes: number;
  private readonly applyOpts: readonly { readonly range: ParamRange; readonly lrScale: number }[];
  /** Each worker's push in flight, by rank (made on its first push, then reused). */
  private readonly pushes: (PushState | undefined)[] = [];

  constructor(
    private readonly ctx: ScheduleContext,
    private readonly crew: Crew,
    servers: readonly number[],
    private readonly policy: PsPolicy = {},
    o: { readonly pushBytes?: number } = {},
  ) {
    const k = servers.length;
    if (k < 1) throw new RangeError('a parameter server needs at least one shard');
    const p = ctx.trainer.paramCount;
    this.servers = servers;
    this.model = ctx.progress.current;
    this.versions = new Int32Array(k);
    this.ranges = Array.from(
      { length: k },
      (_, j) => [Math.floor((j * p) / k), Math.floor(((j + 1) * p) / k)] as const,
    );
    this.opts = this.ranges.map(() => ctx.trainer.optimizer());
    this.applyOpts = this.ranges.map((range) => ({ range, lrScale: 1 }));
    this.shardBytes = ctx.compute.gradBytes / k;
    this.pushShardBytes = (o.pushBytes ?? ctx.compute.gradBytes) / k;
  }

  /** Pulls every shard as it is now (a worker's first read, or a fresh one after waiting). */
  *pull(w: number): ProcessGenerator<PsRead> {
    const { crew } = this;
    const read: PsRead = { snapshot: this.model, versions: Int32Array.from(this.versions) };
    const t = crew.nowS;
    const pulls: Event<void>[] = [];
    for (const s of this.servers) if (s !== w) pulls.push(crew.send(s, w, this.shardBytes));
    if (pulls.length > 0) yield this.ctx.sim.allOf(pulls);
    this.recordComm(w, 'pull', t);
    return this.policy.view?.(w, read) ?? read;
  }

  /**
   * Pushes `grad`, computed on `read`, slice by slice; each server applies its slice on arrival and
   * replies with its shard as it is just after that apply. Returns the read made of the replies.
   */
  *push(w: number, grad: GradientRef, read: PsRead): ProcessGenerator<PsRead> {
    const wait = this.beginPush(w, grad, read);
    if (wait !== null) yield wait;
    return this.endPush(w);
  }

  /**
   * `push` in two halves, for a worker loop that waits itself (no generator per update): starts the
   * push and returns the event to wait for, or null when every reply is already in (all shards are
   * the worker's own); then `endPush(w)` gives the read. One push per worker at a time.
   */
  beginPush(w: number, grad: GradientRef, read: PsRead): Event<void> | null {
    const k = this.servers.length;
    let p = this.pushes[w];
    if (p === undefined) this.pushes[w] = p = new PushState(this, w, k, this.model);
    p.start(this.crew.nowS, grad, read, this.ctx.sim.event<void>());
    for (let j = 0; j < k; j++) {
      const s = this.servers[j]!;
      if (s === w) this.land(p, j);
      else this.crew.send(w, s, this.pushShardBytes).notify(p.landers[j]!);
    }
    return p.arrived < k ? p.all : null;
  }

  /** The read made of the replies of `w`'s push, once they are all in (see `beginPush`). */
  endPush(w: number): PsRead {
    const p = this.pushes[w]!;
    this.recordComm(w, 'push+pull', p.t);
    const snapshot = this.compose(p.parts);
    if (this.policy.view === undefined) return p.reply(snapshot);
    // A view may keep the read (SSP's cache): it gets one of its own.
    const fresh: PsRead = { snapshot, versions: p.versions };
    p.versions = new Int32Array(this.servers.length);
    return this.policy.view(w, fresh);
  }

  /**
   * Slice j of `p`'s push has reached its server: apply it, and send the shard back. The worker's
   * update lands with its last slice: its rows are written then (each at its own time), so a run
   * stopped between two slices of one push counts none of them, in the rows as in the counts.
   * @internal Called by `PushState`.
   */
  land(p: PushState, j: number): void {
    const { crew } = this;
    const w = p.worker;
    const k = this.servers.length;
    const rows = p.rows;
    const at = 4 * p.landed;
    const read = p.read.versions[j]!;
    rows[at] = j;
    rows[at + 1] = read;
    rows[at + 2] = this.apply(w, j, p.grad, p.read, read);
    rows[at + 3] = crew.nowS;
    p.parts[j] = this.model;
    p.versions[j] = this.versions[j]!;
    // The global model is the server's after every apply.
    if (++p.landed === k) {
      for (let r = 0; r < 4 * k; r += 4) crew.rowAt(w, rows[r]!, rows[r + 1]!, rows[r + 2]!, rows[r + 3]!, p.grad);
      crew.commit(this.model, 1, w, 1);
    } else crew.commit(this.model, 0, w, 0);
    const s = this.servers[j]!;
    if (s === w) p.arrive();
    else crew.send(s, w, this.shardBytes).notify(p);
  }

  // One slice of worker w's gradient, read at shard version `read`, applied to shard j now; returns
  // the shard's version it was applied at.
  private apply(w: number, j: number, grad: GradientRef, from: PsRead, read: number): number {
    const { ctx, policy } = this;
    const at = this.versions[j]!;
    const tau = at - read;
    const range = this.ranges[j]!;
    // Without a learning-rate policy every apply of shard j gets the same options: made once.
    const opts =
      policy.lrScale === undefined
        ? this.applyOpts[j]!
        : { range, lrScale: policy.lrScale({ worker: w, shard: j, tau }) };
    const g: GradientRef | Vec =
      policy.transform === undefined
        ? grad
        : policy.transform(grad.value().grad, {
            worker: w,
            shard: j,
            tau,
            read: from.snapshot,
            current: this.model,
            range,
          });
    const before = this.model;
    this.model = ctx.trainer.apply(this.opts[j]!, this.model, g, this.model.version + 1, opts);
    this.versions[j] = at + 1;
    policy.applied?.({ worker: w, shard: j, tau }, before, this.model, range);
    return at;
  }

  // A read made of replies: one snapshot when every shard replied with the same one.
  private compose(parts: readonly ParamSnapshot[]): ParamSnapshot {
    const first = parts[0]!;
    let same = true;
    for (let j = 1; j < parts.length && same; j++) same = parts[j] === first;
    if (same) return first;
    let version = 0;
    for (const p of parts) version = Math.max(version, p.version);
    return this.ctx.trainer.compose(
      parts.map((snapshot, j) => ({ snapshot, range: this.ranges[j]! })),
      version,
    );
  }

  private recordComm(w: number, label: string, startS: number): void {
    const d = this.crew.nowS - startS;
    this.crew.comm(w, startS, d);
    if (d > 0) this.crew.commSpan(w, label, startS, d);
  }
}

/**
 * One worker's push in flight, reused from push to push: its waiters (one per shard's arrival at its
 * server; the push itself for each reply) are made once per worker, not per push, and its rows wait in
 * one typed array for the last slice. Only `parts` and the read's versions are per push where they
 * escape. At 4,096 workers an update's cost is mostly memory latency on per-worker state, so the state
 * is kept in as few objects as it can be.
 */
class PushState implements Waiter {
  grad!: GradientRef;
  read!: PsRead;
  /** When the push started, seconds. */
  t = 0;
  landed = 0;
  arrived = 0;
  all!: Event<void>;
  readonly parts: ParamSnapshot[];
  versions: Int32Array;
  private readonly reads: { snapshot: ParamSnapshot; readonly versions: Int32Array }[];
  private flip = 0;
  /** The rows of the slices landed so far, in landing order: shard, version read, version applied, time. */
  readonly rows: Float64Array;
  /** Per shard: its slice has reached its server. */
  readonly landers: readonly Waiter[];

  constructor(
    server: ParamServer,
    readonly worker: number,
    private readonly k: number,
    first: ParamSnapshot,
  ) {
    this.parts = new Array<ParamSnapshot>(k);
    this.versions = new Int32Array(k);
    this.reads = [0, 1].map(() => ({ snapshot: first, versions: new Int32Array(k) }));
    this.rows = new Float64Array(4 * k);
    this.landers = Array.from({ length: k }, (_, j) => new Lander(server, this, j));
  }

  /** A reply has reached the worker. */
  arrive(): void {
    if (++this.arrived === this.k) this.all.succeed();
  }

  /** @internal The push is the waiter of each of its replies. */
  _onEvent(): void {
    this.arrive();
  }

  start(t: number, grad: GradientRef, read: PsRead, all: Event<void>): void {
    this.t = t;
    this.grad = grad;
    this.read = read;
    this.all = all;
    this.landed = 0;
    this.arrived = 0;
  }

  /**
   * The read made of this push's replies, in one of two reads this worker alternates between: the
   * worker holds only its latest read, which the next push reads from while it fills the other, so
   * a read is never overwritten while in use and a push allocates no read. Only without a view
   * policy (which could keep reads).
   */
  reply(snapshot: ParamSnapshot): PsRead {
    const r = this.reads[this.flip]!;
    this.flip ^= 1;
    r.snapshot = snapshot;
    r.versions.set(this.versions);
    return r;
  }
}

/** Tells the server that slice `shard` of a push has reached its server. */
class Lander implements Waiter {
  constructor(
    private readonly server: ParamServer,
    private readonly push: PushState,
    private readonly shard: number,
  ) {}

  /** @internal */
  _onEvent(): void {
    this.server.land(this.push, this.shard);
  }
}
