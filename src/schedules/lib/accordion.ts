/**
 * Accordion (Agarwal, Wang, Lee, Venkataraman, Papailiopoulos, "Adaptive Gradient Communication via
 * Critical Learning Regime Identification", MLSys 2021; spec §21) over one compressor: each tensor of
 * the trained model switches between the compressor's two levels by the critical-regime rule, every
 * `everyEpochs` epochs, and every tensor takes the low level when the learning rate decays.
 *
 * Rule (after Accordion's `auto_scale.py`): the norm of rank 0's uncompressed gradient, accumulated per
 * tensor over an interval, is compared with the previous interval's; a relative change of at least
 * `threshold` (η = 0.5 in the released code) is critical: the low level (low compression), else the
 * high level. Accordion's code compares one epoch's accumulated gradient with the one `switch_freq`
 * epochs earlier; here the gradient is accumulated over the whole interval between decisions and
 * consecutive intervals are compared (so short runs with fractional `everyEpochs` work too); the first
 * interval is critical, as Accordion's epoch 0 is, so the first switch to the high level can come at
 * 2·everyEpochs. Each change is a metric row per tensor, `accordion_level_<tensor>`, with the level
 * option's value. The wire follows the fraction of the trained model's parameters at each level, since
 * the timed profile's tensors need not be the trained model's.
 */
import type { CompressorSpec } from '../../core/options.ts';
import type { ScheduleContext } from '../context.ts';
import { wirePlan, type WireTensor } from './compression/driver.ts';
import type { Compressor, CompressorEntry } from './compression/types.ts';
import type { Crew } from './crew.ts';
import type { CompressedCall } from './gradient-compression.ts';
import type { Vec } from './trainer.ts';

/** Accordion over one compressor (see the file header). */
export class Accordion {
  readonly low: Compressor;
  readonly high: Compressor;
  /** Per tensor of the trained model: 1 at the low level (critical regime). */
  private readonly atLow: Uint8Array;
  private readonly metricNames: readonly string[];
  /** Per tensor: Σ of rank 0's uncompressed gradient over the current interval. */
  private readonly window: Float64Array[];
  /** Per tensor: the interval norms at the previous decision. */
  private previous: Float64Array | null = null;
  /** Epoch of the next decision. */
  private nextAtEpochs: number;
  /** Learning rate at the previous step, to notice a decay. */
  private lastLr = Number.NaN;
  private first = true;

  /** @throws Error in timing-only mode: the rule reads gradient norms, which only full mode computes. */
  constructor(
    private readonly ctx: ScheduleContext,
    entry: CompressorEntry,
    private readonly spec: CompressorSpec & { readonly accordion: NonNullable<CompressorSpec['accordion']> },
  ) {
    if (!ctx.trainer.full)
      throw new Error(
        "accordion decides each tensor's level from gradient norms, which timing-only mode does not compute; use mode: full",
      );
    const a = spec.accordion;
    this.low = entry.create({ ...spec.options, [a.level]: a.low });
    this.high = entry.create({ ...spec.options, [a.level]: a.high });
    const layout = ctx.trainer.layout;
    // Epoch 0 is critical (Accordion's rule): every tensor starts at the low level.
    this.atLow = new Uint8Array(layout.length).fill(1);
    this.metricNames = layout.map((t) => `accordion_level_${t.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`);
    this.window = layout.map((t) => new Float64Array(t.size));
    this.nextAtEpochs = a.everyEpochs;
  }

  /** `accordion powersgd rank 2/1`. */
  get label(): string {
    const a = this.spec.accordion;
    return `accordion ${this.spec.kind} ${a.level} ${String(a.low)}/${String(a.high)}`;
  }

  /** The compressor tensor `i` of the trained model uses now. */
  pick(i: number): Compressor {
    return this.atLow[i] === 1 ? this.low : this.high;
  }

  /** The two levels' plans mixed by the share of the trained model's parameters at each level. */
  wire(tensors: readonly WireTensor[], valueBytes: number): readonly CompressedCall[] {
    const layout = this.ctx.trainer.layout;
    let lowParams = 0;
    let all = 0;
    for (let i = 0; i < layout.length; i++) {
      all += layout[i]!.size;
      if (this.atLow[i] === 1) lowParams += layout[i]!.size;
    }
    const f = all > 0 ? lowParams / all : 1;
    return mixPlans(
      wirePlan(() => this.low, tensors, valueBytes),
      wirePlan(() => this.high, tensors, valueBytes),
      f,
    );
  }

  /**
   * Takes rank 0's uncompressed gradient `g` of this synchronisation and applies the rule; returns
   * whether any tensor changed level (the wire plan must then be made again).
   */
  observe(g: Vec, crew: Crew): boolean {
    const { trainer, progress } = this.ctx;
    const a = this.spec.accordion;
    const layout = trainer.layout;
    for (let i = 0; i < layout.length; i++) {
      const t = layout[i]!;
      const w = this.window[i]!;
      for (let j = 0; j < t.size; j++) w[j]! += g[t.offset + j]!;
    }
    // The learning rate of the optimizer step this synchronisation feeds (global updates so far).
    const lr = trainer.lr(progress.updates);
    const decayed = lr < this.lastLr;
    this.lastLr = lr;
    const epochs = progress.samples / trainer.trainSize();
    let changed = false;
    const set = (i: number, low: boolean): void => {
      const next = low ? 1 : 0;
      if (this.atLow[i] !== next) changed = true;
      this.atLow[i] = next;
    };
    if (epochs >= this.nextAtEpochs) {
      while (this.nextAtEpochs <= epochs) this.nextAtEpochs += a.everyEpochs;
      const norms = new Float64Array(layout.length);
      for (let i = 0; i < layout.length; i++) {
        let s = 0;
        for (const x of this.window[i]!) s += x * x;
        norms[i] = Math.sqrt(s);
        this.window[i]!.fill(0);
      }
      for (let i = 0; i < layout.length; i++) {
        const old = this.previous === null ? Number.NaN : this.previous[i]!;
        // Critical: the accumulated gradient's norm moved by at least η relative to the last interval.
        set(i, !(old > 0) || Math.abs(old - norms[i]!) / old >= a.threshold);
      }
      this.previous = norms;
    }
    if (decayed) for (let i = 0; i < layout.length; i++) set(i, true);
    if (changed || this.first) {
      this.first = false;
      for (let i = 0; i < layout.length; i++) crew.metric(this.metricNames[i]!, this.atLow[i] === 1 ? a.low : a.high);
    }
    return changed;
  }
}

/**
 * Two plans of one compressor at two levels, mixed: fraction `f` of the bytes from `lo`, in whole
 * bytes. Both plans have the same calls (same compressor, collectives and rounds); a call missing from
 * one counts 0.
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
      bytes: Math.round(f * (a?.bytes ?? 0) + (1 - f) * (b?.bytes ?? 0)),
    });
  }
  return out;
}
