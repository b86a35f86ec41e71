import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../../../src/training/optimizers/adam.ts';

describe('Adam (PyTorch semantics)', () => {
  it('matches a hand-computed three-step example', () => {
    // lr 0.1, β = (0.9, 0.999), ε = 1e-8, p0 = 1, gradients 2, −1, 0.5.
    // t1: m = 0.2, v = 0.004; m̂ = 0.2/0.1 = 2, √v̂ = √(0.004/0.001) = 2 → p = 1 − 0.1·2/(2+ε) = 0.9000000005
    // t2: m = 0.18 − 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996; m̂ = 0.08/0.19 = 0.4210526,
    //     √v̂ = √(0.004996/0.001999) = 1.5809015 → p = 0.9 − 0.1·0.2663392 = 0.8733663
    // t3: m = 0.072 + 0.05 = 0.122, v = 0.004991004 + 0.00025 = 0.005241004; m̂ = 0.122/0.271 = 0.4501845,
    //     √v̂ = √(0.005241004/0.002997001) = 1.3224075 → p = 0.8733663 − 0.1·0.3404287 = 0.8393234
    const o = new Adam();
    let p = Float32Array.of(1);
    const seen: number[] = [];
    for (const g of [2, -1, 0.5]) {
      p = o.step(p, Float32Array.of(g), 0.1);
      seen.push(p[0]!);
    }
    expect(seen[0]).toBeCloseTo(0.9, 6);
    expect(seen[1]).toBeCloseTo(0.8733663, 6);
    expect(seen[2]).toBeCloseTo(0.8393234, 6);
    expect([o.name, o.stateSlots, o.steps]).toEqual(['adam', 2, 3]);
  });

  it('bias-corrects the moments: a constant gradient moves p by lr every step, from the first', () => {
    // With g constant, m_t = (1−β₁ᵗ)g and v_t = (1−β₂ᵗ)g², so m̂ = g, √v̂ = |g| and each step is
    // lr·g/(|g|+ε) ≈ lr. Without correction the first step would be lr·0.1g/(√0.001·|g|) ≈ 3.16·lr.
    const o = new Adam();
    let p = Float32Array.of(0, 0);
    for (let t = 1; t <= 5; t++) {
      p = o.step(p, Float32Array.of(3, -0.01), 0.01);
      expect(p[0]).toBeCloseTo(-0.01 * t, 6);
      expect(p[1]).toBeCloseTo(0.01 * t, 5);
    }
  });

  it('Adam weight decay is L2: it passes through the normalisation', () => {
    // g = 0, λ = 0.5, p = [1, −2]: g' = λp = [0.5, −1]; first step is lr·sign(g') → [0.9, −1.9].
    const p = new Adam({ weightDecay: 0.5 }).step(Float32Array.of(1, -2), new Float32Array(2), 0.1);
    expect(Array.from(p).map((x) => +x.toFixed(6))).toEqual([0.9, -1.9]);
  });

  it('AdamW decouples decay: with zero gradient p shrinks by exactly (1 − lr·λ)', () => {
    // g = 0 → m = v = 0 and the Adam step is 0/(0+ε) = 0; decay gives p·(1 − 0.1·0.5) = p·0.95.
    const o = new AdamW({ weightDecay: 0.5 });
    const p = o.step(Float32Array.of(1, -2), new Float32Array(2), 0.1);
    expect(Array.from(p)).toEqual([Math.fround(0.95), Math.fround(-1.9)]);
    expect(o.name).toBe('adamw');
    expect(new AdamW().weightDecay).toBe(0.01);
  });

  it('AdamW with a gradient: decay plus the unchanged Adam step', () => {
    // p0 = 1, g = 2, lr 0.1, λ 0.1: shrink to 0.99, then − 0.1 (first Adam step) = 0.89.
    // Adam with L2 λ 0.1 instead: g' = 2.1 → first step still lr·sign → 0.9 (decay invisible).
    expect(new AdamW({ weightDecay: 0.1 }).step(Float32Array.of(1), Float32Array.of(2), 0.1)[0]).toBeCloseTo(0.89, 6);
    expect(new Adam({ weightDecay: 0.1 }).step(Float32Array.of(1), Float32Array.of(2), 0.1)[0]).toBeCloseTo(0.9, 6);
  });

  it('clone copies state; reset forgets it', () => {
    const a = new Adam();
    const p = a.step(Float32Array.of(1), Float32Array.of(2), 0.1);
    const b = a.clone();
    expect(Array.from(a.step(p, Float32Array.of(-1), 0.1))).toEqual(Array.from(b.step(p, Float32Array.of(-1), 0.1)));
    expect(b.steps).toBe(2);
    a.reset();
    expect(a.steps).toBe(0);
    expect(a.step(Float32Array.of(1), Float32Array.of(2), 0.1)[0]).toBeCloseTo(0.9, 6);
    expect(new AdamW({ weightDecay: 0.3 }).clone()).toBeInstanceOf(AdamW);
  });

  it('rejects bad hyper-parameters', () => {
    expect(() => new Adam({ beta1: 1 })).toThrow(RangeError);
    expect(() => new Adam({ eps: 0 })).toThrow(RangeError);
    expect(() => new AdamW({ weightDecay: -0.1 })).toThrow(RangeError);
  });
});
