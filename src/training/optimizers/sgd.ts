/**
 * SGD with optional heavy-ball or Nesterov momentum and L2 weight decay, in PyTorch's `torch.optim.SGD`
 * convention (dampening 0):
 *   g ← g + λ·p                       (L2 decay: added to the gradient)
 *   b ← μ·b + g                       (b₀ = 0, so the first step gives b = g as PyTorch's clone does)
 *   d ← g + μ·b  (Nesterov)  or  d ← b (heavy ball)  or  d ← g (μ = 0)
 *   p ← p − lr·d
 * Note the learning rate multiplies the buffer, not the gradient inside it (algorithms.md §2:
 * u = μu + ḡ; w = w − η·u), so changing lr mid-run does not rescale the accumulated velocity.
 */
import { BaseOptimizer, checkHyper } from './optimizer.ts';

/** Options of `Sgd`. */
export interface SgdOptions {
  /** Momentum μ in [0, 1). Default 0 (plain SGD). */
  readonly momentum?: number;
  /** Use Nesterov momentum (needs μ > 0). Default false. */
  readonly nesterov?: boolean;
  /** L2 weight decay λ >= 0, added to the gradient. Default 0. */
  readonly weightDecay?: number;
}

/** SGD / heavy-ball momentum / Nesterov (PyTorch semantics). */
export class Sgd extends BaseOptimizer {
  readonly name: string;
  readonly stateSlots: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  /** @throws RangeError on μ outside [0,1), λ < 0, or Nesterov without momentum. */
  constructor(opts: SgdOptions = {}) {
    super();
    this.momentum = checkHyper('momentum', opts.momentum ?? 0, 0, 1);
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = checkHyper('weightDecay', opts.weightDecay ?? 0, 0);
    if (this.nesterov && this.momentum === 0) throw new RangeError('nesterov needs momentum > 0');
    this.name = this.nesterov ? 'nesterov' : this.momentum > 0 ? 'momentum' : 'sgd';
    this.stateSlots = this.momentum > 0 ? 1 : 0;
  }

  protected fresh(): Sgd {
    return new Sgd({ momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay });
  }

  protected update(p: Float32Array, g: Float32Array, lr: number): void {
    this.updateInto(p, p, g, lr);
  }

  // One pass from `src` into `out` (which may be `src`), one loop per variant, each value read once;
  // `b` is the buffer value as stored (float32), which is what the step uses, as PyTorch does. The
  // same arithmetic, in the same order, as the formulas in the header.
  protected override updateInto(src: Float32Array, out: Float32Array, g: Float32Array, lr: number): void {
    const mu = this.momentum;
    const wd = this.weightDecay;
    const n = src.length;
    if (mu === 0) {
      for (let i = 0; i < n; i++) {
        const pi = src[i]!;
        out[i] = pi - lr * (g[i]! + wd * pi);
      }
      return;
    }
    const buf = this.state[0]!;
    if (this.nesterov) {
      for (let i = 0; i < n; i++) {
        const pi = src[i]!;
        const gi = g[i]! + wd * pi;
        const b = Math.fround(mu * buf[i]! + gi);
        buf[i] = b;
        out[i] = pi - lr * (gi + mu * b);
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const pi = src[i]!;
      const b = Math.fround(mu * buf[i]! + (g[i]! + wd * pi));
      buf[i] = b;
      out[i] = pi - lr * b;
    }
  }
}
