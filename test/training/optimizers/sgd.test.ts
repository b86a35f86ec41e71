import { describe, expect, it } from 'vitest';
import { Sgd } from '../../../src/training/optimizers/sgd.ts';

// Runs `steps` updates with a fixed gradient (independent of p) and returns p after each.
function run(opt: Sgd, p0: number[], g: number[], lr: number, steps: number): number[][] {
  let p = Float32Array.from(p0);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    p = opt.step(p, Float32Array.from(g), lr);
    out.push(Array.from(p));
  }
  return out;
}
const close = (a: number[][], b: number[][]): void =>
  a.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(b[i]![j]!, 6)));

describe('Sgd (PyTorch semantics)', () => {
  it('plain SGD: p ← p − lr·g', () => {
    // p = [1, −2], g = [0.5, 1], lr 0.1: each step subtracts [0.05, 0.1].
    close(run(new Sgd(), [1, -2], [0.5, 1], 0.1, 2), [
      [0.95, -2.1],
      [0.9, -2.2],
    ]);
  });

  it('L2 weight decay adds λ·p to the gradient', () => {
    // λ = 0.1: g' = [0.5 + 0.1, 1 − 0.2] = [0.6, 0.8] → p = [1 − 0.06, −2 − 0.08] = [0.94, −2.08].
    close(run(new Sgd({ weightDecay: 0.1 }), [1, -2], [0.5, 1], 0.1, 1), [[0.94, -2.08]]);
  });

  it('heavy ball: b ← μb + g, p ← p − lr·b', () => {
    // μ = 0.9, lr = 0.1, g = 1, p0 = 1:
    // t1: b = 1,    p = 1 − 0.1 = 0.9
    // t2: b = 1.9,  p = 0.9 − 0.19 = 0.71
    // t3: b = 2.71, p = 0.71 − 0.271 = 0.439
    const o = new Sgd({ momentum: 0.9 });
    close(run(o, [1], [1], 0.1, 3), [[0.9], [0.71], [0.439]]);
    expect([o.name, o.stateSlots, o.steps]).toEqual(['momentum', 1, 3]);
  });

  it('Nesterov: p ← p − lr·(g + μb) with the updated buffer', () => {
    // t1: b = 1,    d = 1 + 0.9·1    = 1.9,   p = 1 − 0.19     = 0.81
    // t2: b = 1.9,  d = 1 + 0.9·1.9  = 2.71,  p = 0.81 − 0.271 = 0.539
    // t3: b = 2.71, d = 1 + 0.9·2.71 = 3.439, p = 0.539 − 0.3439 = 0.1951
    close(run(new Sgd({ momentum: 0.9, nesterov: true }), [1], [1], 0.1, 3), [[0.81], [0.539], [0.1951]]);
  });

  it('keeps the lr outside the velocity: halving lr halves the next step, not the buffer', () => {
    // After t1 (lr 0.1) b = 1; t2 with lr 0.05: b = 1.9, p = 0.9 − 0.095 = 0.805.
    const o = new Sgd({ momentum: 0.9 });
    const p1 = o.step(Float32Array.of(1), Float32Array.of(1), 0.1);
    expect(o.step(p1, Float32Array.of(1), 0.05)[0]).toBeCloseTo(0.805, 6);
  });

  it('rejects bad hyper-parameters and mismatched lengths', () => {
    expect(() => new Sgd({ nesterov: true })).toThrow(/nesterov needs momentum/);
    expect(() => new Sgd({ momentum: 1 })).toThrow(RangeError);
    expect(() => new Sgd({ weightDecay: -1 })).toThrow(RangeError);
    const o = new Sgd({ momentum: 0.5 });
    expect(() => o.step(new Float32Array(2), new Float32Array(3), 0.1)).toThrow(/params has 2 values, grad 3/);
    expect(() => o.step(new Float32Array(2), new Float32Array(2), -1)).toThrow(/lr must be/);
    o.step(new Float32Array(2), new Float32Array(2), 0.1);
    expect(() => o.step(new Float32Array(3), new Float32Array(3), 0.1)).toThrow(/state is for 2 params/);
  });
});
