/**
 * The analytic timeline of a {@link PipeProgram}: plays every rank's op list in order, each op starting
 * as soon as its rank is free and its data has arrived, with fixed op times. No simulator and no
 * gradients: this is the closed-form view (spec §26 F1–F8) that the event-driven executor must agree
 * with, and what `dtsim pipeline` draws.
 */
import type { PipeComputeOp, PipeOp, PipeProgram } from './pipe-op.ts';

/** Shape and op times of a timeline; times are per op, i.e. per chunk when chunks > 1. */
export interface TimelineOptions {
  readonly stages: number;
  readonly microBatches: number;
  /** Model chunks per rank (virtual stages c·S + d); 1 unless interleaved. */
  readonly chunks?: number;
  readonly tF: number;
  /** Full backward (B). */
  readonly tB: number;
  /** Input-gradient backward (I); default tB/2. */
  readonly tI?: number;
  /** Weight-gradient backward (W); default tB/2. */
  readonly tW?: number;
  /** Delay from an op's end to a dependent op on another rank; default 0. */
  readonly tComm?: number;
}

/** One timed op. */
export interface TimedOp {
  readonly rank: number;
  readonly op: PipeComputeOp;
  readonly start: number;
  readonly end: number;
}

/** The timeline of one batch. */
export interface Timeline {
  readonly stages: number;
  readonly chunks: number;
  /** Every compute op, in the order it was placed. */
  readonly ops: readonly TimedOp[];
  /** Per rank, its ops in program order. */
  readonly byRank: readonly (readonly TimedOp[])[];
  readonly makespan: number;
  /** Idle share of stages × makespan. */
  readonly bubble: number;
  /**
   * Per rank, the most (micro-batch, chunk) activation sets held at once: an F allocates one, a B (or,
   * when the backward is split, the W, which still needs the activations) frees it.
   */
  readonly peakActivations: readonly number[];
}

const key = (op: string, mb: number, vs: number): string => `${op}${mb}@${vs}`;

function describe(o: PipeComputeOp): string {
  return `${o.op}${o.mb}${o.chunk === 0 ? '' : ` (chunk ${o.chunk})`}`;
}

/**
 * Checks that rank `rank`'s program runs F then B (or F, I, W) exactly once per micro-batch and chunk.
 * @throws Error naming the rank and the offending op.
 */
export function checkProgram(rank: number, ops: readonly PipeOp[], microBatches: number, chunks: number): void {
  const seen = new Set<string>();
  for (const o of ops) {
    if (!Number.isInteger(o.chunk) || o.chunk < 0 || o.chunk >= chunks)
      throw new Error(`rank ${rank}: op ${o.op} has chunk ${o.chunk}, outside 0..${chunks - 1}`);
    if (o.op === 'step') continue;
    if (!Number.isInteger(o.mb) || o.mb < 0 || o.mb >= microBatches)
      throw new Error(`rank ${rank}: ${describe(o)} has micro-batch outside 0..${microBatches - 1}`);
    const k = key(o.op, o.mb, o.chunk);
    if (seen.has(k)) throw new Error(`rank ${rank}: ${describe(o)} appears twice`);
    const need = o.op === 'F' ? [] : o.op === 'W' ? ['I'] : ['F'];
    for (const n of need)
      if (!seen.has(key(n, o.mb, o.chunk))) throw new Error(`rank ${rank}: ${describe(o)} comes before its ${n}`);
    if (o.op === 'I' && seen.has(key('B', o.mb, o.chunk)))
      throw new Error(`rank ${rank}: ${describe(o)} after a full B of the same micro-batch`);
    seen.add(k);
  }
  for (let c = 0; c < chunks; c++)
    for (let mb = 0; mb < microBatches; mb++) {
      const has = (op: string): boolean => seen.has(key(op, mb, c));
      const where = `rank ${rank}: micro-batch ${mb}${chunks === 1 ? '' : ` of chunk ${c}`}`;
      if (!has('F')) throw new Error(`${where} has no F`);
      if (has('B') === (has('I') || has('W')) || has('I') !== has('W'))
        throw new Error(`${where} needs exactly one B, or one I and one W`);
    }
}

/**
 * Times `program` on `stages` ranks. An op waits for its rank's previous op and for its data: F of a
 * micro-batch on virtual stage v after its F on v−1; B or I on v after the B or I on v+1 (on the last
 * virtual stage, after its own F); W after its own I. Cross-rank data arrives `tComm` later.
 * @throws Error if a program is malformed, or if the ranks deadlock, naming each blocked rank's next op
 *   and what it waits for.
 */
export function timeline(program: PipeProgram, opts: TimelineOptions): Timeline {
  const { stages: S, microBatches: M, tF, tB } = opts;
  const v = opts.chunks ?? 1;
  const tI = opts.tI ?? tB / 2;
  const tW = opts.tW ?? tB / 2;
  const tComm = opts.tComm ?? 0;
  for (const [n, x] of Object.entries({ tF, tB, tI, tW, tComm }))
    if (!(Number.isFinite(x) && x >= 0)) throw new Error(`timeline: ${n} must be a finite number >= 0, got ${x}`);
  const duration = { F: tF, B: tB, I: tI, W: tW };
  const programs = Array.from({ length: S }, (_, r) => {
    const ops = program(r, S, M, v);
    checkProgram(r, ops, M, v);
    return ops.filter((o): o is PipeComputeOp => o.op !== 'step');
  });
  const V = S * v;
  const vsOf = (rank: number, o: PipeComputeOp): number => o.chunk * S + rank;
  const rankOf = (vs: number): number => vs % S;
  // The finished ops: end time by (op, mb, virtual stage).
  const done = new Map<string, number>();
  const endOf = (op: string, mb: number, vs: number): number | undefined => done.get(key(op, mb, vs));
  /** What an op waits for: [op names that satisfy it, mb, virtual stage]. */
  const dependency = (vs: number, o: PipeComputeOp): [readonly string[], number] | null => {
    if (o.op === 'F') return vs === 0 ? null : [['F'], vs - 1];
    if (o.op === 'W') return [['I'], vs];
    return vs === V - 1 ? [['F'], vs] : [['B', 'I'], vs + 1];
  };
  const next = new Array<number>(S).fill(0);
  const free = new Array<number>(S).fill(0);
  const placed: TimedOp[] = [];
  const byRank: TimedOp[][] = programs.map(() => []);
  let remaining = programs.reduce((s, p) => s + p.length, 0);
  while (remaining > 0) {
    let progressed = false;
    for (let r = 0; r < S; r++) {
      for (;;) {
        const o = programs[r]![next[r]!];
        if (o === undefined) break;
        const vs = vsOf(r, o);
        const dep = dependency(vs, o);
        let ready = 0;
        if (dep !== null) {
          const [names, dvs] = dep;
          const ends = names.map((n) => endOf(n, o.mb, dvs)).filter((e): e is number => e !== undefined);
          if (ends.length === 0) break;
          ready = ends[0]! + (rankOf(dvs) === r ? 0 : tComm);
        }
        const start = Math.max(free[r]!, ready);
        const end = start + duration[o.op];
        const t: TimedOp = { rank: r, op: o, start, end };
        placed.push(t);
        byRank[r]!.push(t);
        done.set(key(o.op, o.mb, vs), end);
        free[r] = end;
        next[r]!++;
        remaining--;
        progressed = true;
      }
    }
    if (!progressed) {
      const blocked = programs.flatMap((p, r) => {
        const o = p[next[r]!];
        if (o === undefined) return [];
        const [names, dvs] = dependency(vsOf(r, o), o)!;
        return [
          `rank ${r} waits at ${describe(o)} for ${names.join(' or ')}${o.mb} on rank ${rankOf(dvs)}` +
            (v === 1 ? '' : ` (virtual stage ${dvs})`),
        ];
      });
      throw new Error(`pipeline deadlock: ${blocked.join('; ')}`);
    }
  }
  const makespan = Math.max(0, ...free);
  const busy = placed.reduce((s, t) => s + (t.end - t.start), 0);
  const bubble = makespan === 0 ? 0 : 1 - busy / (S * makespan);
  const peakActivations = programs.map((p) => {
    const split = new Set(p.filter((o) => o.op === 'I').map((o) => `${o.mb}/${o.chunk}`));
    let held = 0;
    let peak = 0;
    for (const o of p) {
      if (o.op === 'F') peak = Math.max(peak, ++held);
      else if (o.op === 'B' || (o.op === 'W' && split.has(`${o.mb}/${o.chunk}`))) held--;
    }
    return peak;
  });
  return { stages: S, chunks: v, ops: placed, byRank, makespan, bubble, peakActivations };
}
