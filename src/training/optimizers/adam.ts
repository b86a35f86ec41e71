/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) in PyTorch's convention:
 *   Adam:  g ← g + λ·p                     (L2 decay, coupled: it passes through the moments)
 *   AdamW: p ← p·(1 − lr·λ)                (decoupled decay, applied before the moment update)
 *   m ← β₁m + (1−β₁)g;   v ← β₂v + (1−β₂)g²
 *   p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
 * The last line is PyTorch's arrangement of m̂/(√v̂ + ε) with ε added after bias-correcting √v.
 */
import { BaseOptimizer, checkHyper } from './optimizer.ts';

/** Options of `Adam` and `AdamW`. */
export interface AdamOptions {
  /** β₁ in [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** β₂ in [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε > 0. Default 1e-8. */
  readonly eps?: number;
  /** Weight decay λ >= 0. Default 0 for Adam (L2), 0.01 for AdamW (decoupled), as in PyTorch. */
  readonly weightDecay?: number;
}

/** Adam with optional coupled L2 weight decay. */
export class Adam extends BaseOptimizer {
  readonly name: string = 'adam';
  readonly stateSlots = 2;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** True for AdamW: decay shrinks the weights directly instead of entering the gradient. */
  protected readonly decoupled: boolean = false;

  /** @throws RangeError on β outside [0,1), ε <= 0 or λ < 0. */
  constructor(opts: AdamOptions = {}, defaultWeightDecay = 0) {
    super();
    this.beta1 = checkHyper('beta1', opts.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkHyper('beta2', opts.beta2 ?? 0.999, 0, 1);
    this.eps = checkHyper('eps', opts.eps ?? 1e-8, Number.MIN_VALUE);
    this.weightDecay = checkHyper('weightDecay', opts.weightDecay ?? defaultWeightDecay, 0);
  }

  protected fresh(): Adam {
    return new Adam(this.options());
  }

  protected options(): AdamOptions {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }

  protected update(p: Float32Array, g: Float32Array, lr: number, t: number): void {
    const [m, v] = [this.state[0]!, this.state[1]!];
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = this;
    const stepSize = lr / (1 - Math.pow(b1, t));
    const sqrtBc2 = Math.sqrt(1 - Math.pow(b2, t));
    const shrink = this.decoupled ? 1 - lr * wd : 1;
    const l2 = this.decoupled ? 0 : wd;
    for (let i = 0; i < p.length; i++) {
      const pi = p[i]! * shrink;
      const gi = g[i]! + l2 * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      p[i] = pi - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / sqrtBc2 + eps);
    }
  }
}

/** AdamW: Adam with decoupled weight decay (default λ = 0.01, PyTorch's default). */
export class AdamW extends Adam {
  override readonly name = 'adamw';
  protected override readonly decoupled = true;

  /** @throws RangeError as `Adam`. */
  constructor(opts: AdamOptions = {}) {
    super(opts, 0.01);
  }

  protected override fresh(): AdamW {
    return new AdamW(this.options());
  }
}
