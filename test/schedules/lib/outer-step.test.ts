import { beforeAll, describe, expect, it } from 'vitest';
import { outerStep } from '../../../src/schedules/lib/outer-step.ts';
import { initBackend } from '../../../src/training/tensor-backend.ts';
import { tinySetup } from './setup.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('outerStep', () => {
  const setup = (): ReturnType<typeof tinySetup> => tinySetup({ mode: 'full', workers: 2 });

  it('without an optimizer is the (weighted) mean of the replicas', () => {
    const { trainer } = setup();
    const p = trainer.paramCount;
    const a = trainer.snapshot(new Float32Array(p).fill(1), 1);
    const b = trainer.snapshot(new Float32Array(p).fill(3), 1);
    const x0 = trainer.snapshot(new Float32Array(p), 0);
    expect(Array.from(outerStep(trainer, x0, [a, b], { version: 4 }).params)).toEqual(new Array(p).fill(2));
    expect(Array.from(outerStep(trainer, x0, [a, b], { version: 4, weights: [3, 1] }).params)).toEqual(
      new Array(p).fill(1.5),
    );
    expect(outerStep(trainer, x0, [a, b], { version: 4 }).version).toBe(4);
  });

  it('with plain SGD at learning rate 1 on Δ = x₀ − mean gives the mean again (the family reduction)', () => {
    const { trainer } = setup();
    const p = trainer.paramCount;
    const vals = (k: number): Float32Array => Float32Array.from({ length: p }, (_, i) => Math.sin(i + k));
    const x0 = trainer.snapshot(vals(0), 0);
    const rs = [trainer.snapshot(vals(1), 1), trainer.snapshot(vals(2), 1)];
    const sgd = trainer.optimizer({ kind: 'sgd', lr: 1, options: {} });
    const stepped = outerStep(trainer, x0, rs, { version: 1, opt: sgd });
    const mean = outerStep(trainer, x0, rs, { version: 1 });
    // x₀ − 1·(x₀ − m) = m up to one float32 rounding of the difference.
    for (let i = 0; i < p; i++) expect(stepped.params[i]).toBeCloseTo(mean.params[i]!, 6);
  });

  it('with momentum remembers earlier pseudo-gradients (the outer state persists across rounds)', () => {
    const { trainer } = setup();
    const p = trainer.paramCount;
    const x0 = trainer.snapshot(new Float32Array(p), 0);
    const r = [trainer.snapshot(new Float32Array(p).fill(-1), 1)]; // Δ = 1
    const m = trainer.optimizer({ kind: 'momentum', lr: 0.5, options: { momentum: 0.9 } });
    const x1 = outerStep(trainer, x0, r, { version: 1, opt: m }); // b = 1: x = −0.5
    const x2 = outerStep(trainer, x0, r, { version: 2, opt: m }); // b = 1.9: x = −0.95
    expect(x1.params[0]).toBeCloseTo(-0.5, 6);
    expect(x2.params[0]).toBeCloseTo(-0.95, 6);
  });

  it('with a scale is SlowMo’s slow step: u ← β·u + Δ/γ, x ← x₀ − α·γ·u', () => {
    const { trainer } = setup();
    const p = trainer.paramCount;
    const x0 = trainer.snapshot(new Float32Array(p).fill(1), 0);
    const r = [trainer.snapshot(new Float32Array(p).fill(0.5), 1)]; // Δ = 0.5
    const gamma = 0.25;
    const alpha = 2;
    const beta = 0.5;
    const slow = trainer.optimizer({ kind: 'momentum', options: { momentum: beta } });
    const o = { opt: slow, lr: alpha * gamma, scale: 1 / gamma };
    // u = 0.5/0.25 = 2: x = 1 − 2·0.25·2 = 0; again from x₀ = 1: u = 0.5·2 + 2 = 3: x = 1 − 0.5·3 = −0.5.
    expect(outerStep(trainer, x0, r, { version: 1, ...o }).params[0]).toBeCloseTo(0, 6);
    expect(outerStep(trainer, x0, r, { version: 2, ...o }).params[0]).toBeCloseTo(-0.5, 6);
  });

  it('costs nothing in timing-only mode', () => {
    const { trainer, progress } = tinySetup();
    const x = outerStep(trainer, progress.current, [progress.current, progress.current], { version: 7 });
    expect(x.version).toBe(7);
    expect(x.params.length).toBe(0);
  });
});
