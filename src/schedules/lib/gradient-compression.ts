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
 * - **Accordion** (Agarwal et al., MLSys 2021; spec §21), when the option asks for it: each proxy
 *   tensor switches between the compressor's two levels by the critical-regime rule, every
 *   `everyEpochs` epochs, and every tensor takes the low level when the learning rate decays. Each
 *   change is a metric row (`accordion_level_<tensor>`, the level option's value). Accordion's code
 *   compares one epoch's accumulated gradient with the one `switch_freq` epochs earlier; here the
 *   gradient is accumulated over the whole interval between decisions and consecutive intervals are
 *   compared (so short runs with fractional `everyEpochs` work too); the first interval is critical,
 *   as Accordion's epoch 0 is, so the first switch to the high level can come at 2·everyEpochs. The wire follows the fraction of proxy
 *   parameters at each level, since the timed profile's tensors need not be the proxy's.
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
import type { Crew } from './crew.ts';
import type { Vec } from './trainer.ts';

/** One collective call of a compressed synchronisation, for one worker. */
export interface CompressedCall {
  readonly collective: 'all-reduce' | 'all-gather';
  /** all-reduce: the message; all-gather: this worker's contribution. */
  readonly bytes: number;
  readonly label: string;
}

/** Accordion's state (see the file header). */
interface AccordionState {
  readonly low: Compressor;
  readonly high: Compressor;
  /** The level option's two values, for the metric rows. */
  readonly lowValue: number;
  readonly highValue: number;
  readonly everyEpochs: number;
  readonly threshold: number;
  /** Per proxy tensor: its metric's name, `accordion_level_<tensor>` in snake case. */
  readonly metricNames: readonly string[];
  /** Per proxy tensor: 1 at the low level (critical regime). */
  readonly atLow: Uint8Array;
  /** Per proxy tensor: Σ of rank 0's uncompressed gradient over the current window. */
  readonly window: Float64Array[];
  /** Per proxy tensor: the window norms at the previous decision. */
  previous: Float64Array | null;
  /** Epoch of the next decision. */
  nextAtEpochs: number;
  /** Learning rate at the previous step, to notice a decay. */
  lastLr: number;
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
  private readonly accordion: AccordionState | null;
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
    const a = spec.accordion;
    this.valueBytes = valueBytes;
    this.tensors = profileTensors(ctx.compute.profile.layers);
    const layout = ctx.trainer.layout;
    if (a === undefined) {
      this.fixed = entry.create(spec.options);
      this.accordion = null;
      this.label = `${spec.kind}${Object.entries(spec.options)
        .filter(([k]) => k === entry.level)
        .map(([k, v]) => ` ${k}=${String(v)}`)
        .join('')}`;
    } else {
      if (!ctx.trainer.full)
        throw new Error(
          "accordion decides each tensor's level from gradient norms, which timing-only mode does not compute; use mode: full",
        );
      const low = entry.create({ ...spec.options, [a.level]: a.low });
      const high = entry.create({ ...spec.options, [a.level]: a.high });
      this.fixed = high;
      this.accordion = {
        low,
        high,
        lowValue: a.low,
        highValue: a.high,
        everyEpochs: a.everyEpochs,
        threshold: a.threshold,
        // Epoch 0 is critical (Accordion's rule): every tensor starts at the low level.
        atLow: new Uint8Array(layout.length).fill(1),
        metricNames: layout.map((t) => `accordion_level_${t.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`),
        window: layout.map((t) => new Float64Array(t.size)),
        previous: null,
        nextAtEpochs: a.everyEpochs,
        lastLr: Number.NaN,
      };
      this.label = `accordion ${spec.kind} ${a.level} ${String(a.low)}/${String(a.high)}`;
    }
    const c = this.fixed;
    this.stateSlots = (c.errorFeedback ? 1 : 0) + c.extraStateSlots;
    const acc = this.accordion;
    this.state = new CompressionState(
      acc === null ? () => c : (i) => (acc.atLow[i] === 1 ? acc.low : acc.high),
      layout,
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
    if (acc === null) return (this.calls = wirePlan(() => this.fixed, this.tensors, this.valueBytes));
    // Accordion: the fraction of proxy parameters at the low level sets the mix of the two plans.
    const layout = this.ctx.trainer.layout;
    let lowParams = 0;
    let all = 0;
    for (let i = 0; i < layout.length; i++) {
      all += layout[i]!.size;
      if (acc.atLow[i] === 1) lowParams += layout[i]!.size;
    }
    const f = all > 0 ? lowParams / all : 1;
    const lo = wirePlan(() => acc.low, this.tensors, this.valueBytes);
    const hi = wirePlan(() => acc.high, this.tensors, this.valueBytes);
    return (this.calls = mixPlans(lo, hi, f));
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
    if (this.accordion !== null && grads.length > 0) this.accordionStep(grads[0]!, step, crew);
    return this.state.mean(grads, ids, step);
  }

  /** Worker `id`'s message, as the receiver decodes it (an asynchronous push). */
  one(grad: Vec, id: number): Vec {
    const n = this.pushes.get(id) ?? 0;
    this.pushes.set(id, n + 1);
    return this.state.one(grad, id, n);
  }

  // Accordion's rule (spec §21), on rank 0's uncompressed gradient.
  private accordionStep(g: Vec, step: number, crew: Crew): void {
    const acc = this.accordion!;
    const { trainer, progress } = this.ctx;
    const layout = trainer.layout;
    for (let i = 0; i < layout.length; i++) {
      const t = layout[i]!;
      const w = acc.window[i]!;
      for (let j = 0; j < t.size; j++) w[j]! += g[t.offset + j]!;
    }
    // The learning rate of the optimizer step this synchronisation feeds (global updates so far).
    const lr = trainer.lr(progress.updates);
    const decayed = lr < acc.lastLr;
    acc.lastLr = lr;
    const epochs = progress.samples / trainer.trainSize();
    let changed = false;
    if (epochs >= acc.nextAtEpochs) {
      while (acc.nextAtEpochs <= epochs) acc.nextAtEpochs += acc.everyEpochs;
      const norms = new Float64Array(layout.length);
      for (let i = 0; i < layout.length; i++) {
        let s = 0;
        for (const x of acc.window[i]!) s += x * x;
        norms[i] = Math.sqrt(s);
        acc.window[i]!.fill(0);
      }
      const prev = acc.previous;
      for (let i = 0; i < layout.length; i++) {
        const old = prev === null ? Number.NaN : prev[i]!;
        // Critical: the accumulated gradient's norm moved by at least η relative to the last window.
        const critical = !(old > 0) || Math.abs(old - norms[i]!) / old >= acc.threshold;
        const next = critical ? 1 : 0;
        if (acc.atLow[i] !== next) changed = true;
        acc.atLow[i] = next;
      }
      acc.previous = norms;
    }
    if (decayed) {
      for (let i = 0; i < layout.length; i++) {
        if (acc.atLow[i] !== 1) changed = true;
        acc.atLow[i] = 1;
      }
    }
    if (changed || step === 0) {
      this.calls = null;
      for (let i = 0; i < layout.length; i++)
        crew.metric(acc.metricNames[i]!, acc.atLow[i] === 1 ? acc.lowValue : acc.highValue);
    }
  }
}

/**
 * Two plans of one compressor at two levels, mixed: fraction `f` of the bytes from `lo`. Both plans
 * have the same calls (same compressor, same collectives and rounds); a call missing from one counts 0.
 */
export function mixPlans(
  lo: readonly CompressedCall[],
  hi: readonly CompressedCall[],
  f: number,
): readonly CompressedCall[] {
  const n = Math.max(lo.length, hi.length);
  const out: CompressedCall[] = [];
  for (let i = 0; i < n; i++) {
    const a = lo[i];
    const b = hi[i];
    const like = (a ?? b)!;
    out.push({
      collective: like.collective,
      label: like.label,
      // Whole bytes: a message is never a fraction of a byte.
      bytes: Math.round(f * (a?.bytes ?? 0) + (1 - f) * (b?.bytes ?? 0)),
    });
  }
  return out;
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
