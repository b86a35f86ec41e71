import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getLrSchedule, getOptimizer, LR_SCHEDULES, OPTIMIZERS } from '../../../src/training/optimizers/registry.ts';

const names = Object.keys(OPTIMIZERS);

describe('OPTIMIZERS and LR_SCHEDULES', () => {
  it('lists every optimizer and schedule with described options and defaults', () => {
    expect(names).toEqual(['sgd', 'momentum', 'nesterov', 'adam', 'adamw']);
    expect(Object.keys(LR_SCHEDULES)).toEqual(['constant', 'step', 'cosine']);
    for (const e of [...Object.values(OPTIMIZERS), ...Object.values(LR_SCHEDULES)]) {
      for (const o of Object.values(e.options)) {
        expect(o.description.length).toBeGreaterThan(3);
        expect(Number.isFinite(o.default)).toBe(true);
      }
    }
    for (const n of names) {
      // Destructured factories work too (they close over their specs instead of using `this`).
      const { create } = getOptimizer(n);
      expect(create().name).toBe(n);
    }
  });

  it('rejects unknown names and options, listing the known ones', () => {
    expect(() => getOptimizer('lamb')).toThrow(/known: sgd, momentum, nesterov, adam, adamw/);
    expect(() => getOptimizer('sgd').create({ momentum: 0.9 })).toThrow(
      /unknown option 'momentum' \(known: weightDecay\)/,
    );
    expect(() => getLrSchedule('step').create({ everySteps: 2.5 })).toThrow(/everySteps must be an integer/);
    expect(getLrSchedule('cosine').create({ lr: 1, totalSteps: 10, warmupSteps: 2 })(0)).toBeCloseTo(0.5, 12);
  });

  it('every optimizer minimises an ill-conditioned quadratic', () => {
    // f(p) = ½ Σ aᵢ (pᵢ − cᵢ)², ∇f = aᵢ(pᵢ − cᵢ), curvatures 1 and 10. SGD is stable for lr < 2/10;
    // Adam's step is ≈ lr per coordinate, so its lr decays (cosine) to settle.
    const a = [1, 10];
    const c = [3, -2];
    const setups: Record<string, { lr: number; steps: number }> = {
      sgd: { lr: 0.15, steps: 300 },
      momentum: { lr: 0.02, steps: 300 },
      nesterov: { lr: 0.02, steps: 300 },
      adam: { lr: 0.1, steps: 2000 },
      adamw: { lr: 0.1, steps: 2000 },
    };
    for (const [name, { lr, steps }] of Object.entries(setups)) {
      const opt = getOptimizer(name).create(name === 'adamw' ? { weightDecay: 0 } : {});
      const sched = getLrSchedule('cosine').create({ lr, totalSteps: steps, floor: lr / 100 });
      let p = Float32Array.of(0, 0);
      for (let t = 0; t < steps; t++) {
        const g = Float32Array.from(p, (x, i) => a[i]! * (x - c[i]!));
        p = opt.step(p, g, sched(t));
      }
      expect(Math.abs(p[0]! - 3), name).toBeLessThan(1e-2);
      expect(Math.abs(p[1]! + 2), name).toBeLessThan(1e-2);
    }
  });

  it('never mutates params or grad, and step equals stepInPlace on a copy and stepInto (property)', () => {
    const vec = fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        vec,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 3 }),
        (name, xs, lr, steps) => {
          const a = getOptimizer(name).create();
          const b = a.clone();
          const c = a.clone();
          let p = Float32Array.from(xs);
          const q = Float32Array.from(xs);
          let r = Float32Array.from(xs);
          for (let k = 0; k < steps; k++) {
            const g = Float32Array.from(xs, (x, i) => x * 0.5 - i);
            const pBefore = p.slice();
            const gBefore = g.slice();
            const next = a.step(p, g, lr);
            expect(next).not.toBe(p);
            expect(p).toEqual(pBefore);
            expect(g).toEqual(gBefore);
            b.stepInPlace(q, g, lr);
            expect(q).toEqual(next);
            const into = new Float32Array(r.length);
            c.stepInto(r, into, g, lr);
            expect(into).toEqual(next);
            r = into;
            p = next;
          }
        },
      ),
    );
  });
});
