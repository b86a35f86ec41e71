/**
 * Gradient compression as a data-parallel schedule uses it (spec §20–21): one object per run, built
 * from the schedule's `compressor` option, that gives
 *
 * - **the wire**: the collective calls one worker makes per synchronisation, priced on the TIMED
 *   profile's tensor shapes (compression/driver.ts `profileTensors`, `wirePlan`) at the run's
 *   communication bytes per value;
 * - **the values**: the mean of the workers' compressed gradients (or pseudo-gradients) of the TRAINED
 *   proxy, with per-worker error feedback (compression/driver.ts `CompressionState`), or one worker's
 *   message as the receiver decodes it (asynchronous pushes);
 * - **Accordion** (lib/accordion.ts), when the option asks for it: each tensor at one of the
 *   compressor's two levels, decided at each synchronisation.
 *
 * The only other cost is the one the issue names: compression needs every worker's own gradient, so a
 * synchronous step gives up the merged pass (one gradient request per worker). Encoding time is not
 * charged (an honest gap: PowerSGD's and top-k's kernels are a few percent of a step on GPUs).
 */
import type { CompressorSpec } from '../../core/options.ts';
import { wait, type ProcessGenerator } from '../../core/process.ts';
import { profileParams } from '../../workload/memory.ts';
import type { ScheduleContext } from '../context.ts';
import { COMPRESSORS } from './compressors.ts';
import { CompressionState, profileTensors, wirePlan, type WireTensor } from './compression/driver.ts';
import type { Compressor } from './compression/types.ts';
import { Accordion } from './accordion.ts';
import type { Crew } from './crew.ts';
import type { Vec } from './trainer.ts';

/** One collective call of a compressed synchronisation, for one worker. */
export interface CompressedCall {
  readonly collective: 'all-reduce' | 'all-gather';
  /** all-reduce: the message; all-gather: this worker's contribution. */
  readonly bytes: number;
  readonly label: string;
}

/** A run's gradient compression (see the file header). */
export class GradientCompression {
  /** e.g. `top-k ratio=0.01`, or `accordion powersgd rank 2/1`. */
  readonly label: string;
  /** Parameter-sized vectors per worker it keeps (residuals and factors), for memory. */
  readonly stateSlots: number;
  private readonly state: CompressionState;
  private readonly tensors: readonly WireTensor[];
  private readonly valueBytes: number;
  private readonly accordion: Accordion | null;
  private readonly fixed: Compressor;
  private calls: readonly CompressedCall[] | null = null;
  private steps = 0;
  private readonly pushes = new Map<number, number>();

  /**
   * @param valueBytes bytes per value on the wire (the run's communication precision).
   * @throws Error for Accordion in timing-only mode: its rule reads gradient norms, which only full
   *   mode computes.
   */
  constructor(
    private readonly ctx: ScheduleContext,
    spec: CompressorSpec,
    valueBytes: number,
  ) {
    const entry = COMPRESSORS[spec.kind];
    if (entry === undefined) throw new Error(`unknown compressor "${spec.kind}"`);
    this.valueBytes = valueBytes;
    this.tensors = profileTensors(ctx.compute.profile.layers);
    const { accordion } = spec;
    const acc = accordion === undefined ? null : new Accordion(ctx, entry, { ...spec, accordion });
    this.accordion = acc;
    this.fixed = acc?.high ?? entry.create(spec.options);
    this.label =
      acc?.label ??
      `${spec.kind}${Object.entries(spec.options)
        .filter(([k]) => k === entry.level)
        .map(([k, v]) => ` ${k}=${String(v)}`)
        .join('')}`;
    const c = this.fixed;
    this.stateSlots = (c.errorFeedback ? 1 : 0) + c.extraStateSlots;
    this.state = new CompressionState(
      acc === null ? () => c : (i) => acc.pick(i),
      ctx.trainer.layout,
      ctx.rng.fork('compression'),
    );
  }

  /**
   * Books each member's compression state (residuals, factors) in the memory ledger, at 4 bytes per
   * value of the timed profile's parameters.
   */
  bookMemory(crew: Crew): void {
    const bytes = this.stateSlots * profileParams(this.ctx.compute.profile) * 4;
    if (bytes > 0) for (const r of crew.ranks) this.ctx.memory.alloc(r, bytes, 'buffers');
  }

  /** The collective calls of one synchronisation of the whole gradient, per worker. */
  wire(): readonly CompressedCall[] {
    if (this.calls !== null) return this.calls;
    const acc = this.accordion;
    this.calls =
      acc === null
        ? wirePlan(() => this.fixed, this.tensors, this.valueBytes)
        : acc.wire(this.tensors, this.valueBytes);
    return this.calls;
  }

  /** Bytes one worker sends per synchronisation (every call summed): an asynchronous push. */
  pushBytes(): number {
    let b = 0;
    for (const c of this.wire()) b += c.bytes;
    return b;
  }

  /**
   * The mean of the members' compressed gradients (rank order; `ids` key the error-feedback residuals),
   * after Accordion's decision for this step.
   */
  mean(grads: readonly Vec[], ids: readonly number[], crew: Crew): Vec {
    const step = this.steps++;
    if (this.accordion !== null && grads.length > 0 && this.accordion.observe(grads[0]!, crew)) this.calls = null;
    return this.state.mean(grads, ids, step);
  }

  /** Worker `id`'s message, as the receiver decodes it (an asynchronous push). */
  one(grad: Vec, id: number): Vec {
    const n = this.pushes.get(id) ?? 0;
    this.pushes.set(id, n + 1);
    return this.state.one(grad, id, n);
  }
}

/** When a compressed synchronisation's calls ran, seconds. */
export interface CompressedSyncTime {
  readonly startS: number;
  readonly endS: number;
}

/**
 * Runs `calls` (each at `share` of its bytes: a DDP bucket's share of the gradient) one after another
 * over `crew`: all-reduces with `algorithm`, all-gathers with the ring (or `auto` when the schedule
 * asks for it), every worker contributing its bytes. Writes one span per call on every member when
 * traced; the caller accounts the time as communication.
 */
export function* runCompressedCalls(
  ctx: ScheduleContext,
  crew: Crew,
  calls: readonly CompressedCall[],
  share: number,
  algorithm: string,
): ProcessGenerator<CompressedSyncTime> {
  let startS = crew.nowS;
  let endS = startS;
  let first = true;
  for (const c of calls) {
    const bytes = c.bytes * share;
    if (!(bytes > 0)) continue;
    const out =
      c.collective === 'all-reduce'
        ? yield* crew.allReduce(bytes, { algorithm, record: false })
        : yield* wait(
            ctx.comm.allGather(crew.ranks, bytes * crew.size, { algorithm: algorithm === 'auto' ? 'auto' : 'ring' }),
          );
    if (first) startS = out.startS;
    first = false;
    endS = out.startS + out.timeS;
    if (crew.traced) {
      const label = `${c.collective} ${c.label} ${(bytes / 1e6).toFixed(2)} MB`;
      for (const r of crew.ranks) crew.commSpan(r, label, out.startS, out.timeS);
    }
  }
  return { startS, endS };
}

/** The `compressor` option every data-parallel schedule declares, described once. */
export const COMPRESSOR_OPTION = {
  type: 'compressor',
  description:
    'gradient compressor (dtsim list compressors): a name such as top-k, { kind: powersgd, rank: 2 }, or ' +
    '{ kind: accordion, compressor: powersgd, low: 2, high: 1 }; absent: no compression',
} as const;

/**
 * The run's compression for `spec` (undefined: none), with each member's state booked in the memory
 * ledger, at the communication bytes per value of the run.
 * @throws Error for Accordion where `o.accordion` is false (asynchronous pushes: no synchronous step
 *   at which to decide), or in timing-only mode.
 */
export function compressionFor(
  ctx: ScheduleContext,
  crew: Crew,
  spec: CompressorSpec | undefined,
  o: { readonly accordion?: boolean } = {},
): GradientCompression | undefined {
  if (spec === undefined) return undefined;
  if (spec.accordion !== undefined && o.accordion === false)
    throw new Error(
      "accordion decides levels at synchronous steps; this schedule's pushes are asynchronous: give a plain compressor",
    );
  const c = new GradientCompression(ctx, spec, ctx.compute.wireBytesPerValue);
  c.bookMemory(crew);
  return c;
}

/**
 * What `check` reports for an asynchronous schedule's compressor: Accordion decides its levels at
 * synchronous steps, which such a schedule does not take.
 */
export function asyncCompressorProblems(spec: CompressorSpec | undefined, schedule: string): string[] {
  return spec?.accordion === undefined
    ? []
    : [
        `compressor accordion decides levels at synchronous steps, and ${schedule} pushes asynchronously; give a plain compressor`,
      ];
}
