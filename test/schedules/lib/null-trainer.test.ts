import { describe, expect, it } from 'vitest';
import { NullOptimizerState, NullTrainer } from '../../../src/schedules/lib/null-trainer.ts';
import { PARAM_MATH } from '../../../src/schedules/lib/param-math.ts';
import { EMPTY_GRAD, EMPTY_VEC, type Trainer } from '../../../src/schedules/lib/trainer.ts';

describe('NullTrainer', () => {
  it('describes an empty model with the shared math', () => {
    const t: Trainer = new NullTrainer(600, 4);
    expect(t.full).toBe(false);
    expect(t.paramCount).toBe(0);
    expect(t.layout).toEqual([]);
    expect(t.math).toBe(PARAM_MATH);
    expect(t.dataKeys).toBe(4);
    expect(new NullTrainer(600).dataKeys).toBe(1);
    expect(t.trainSize()).toBe(600);
    expect(new NullTrainer(NaN).trainSize()).toBeNaN();
    expect(t.shardSize(0)).toBeNaN();
    expect(t.lr(17)).toBe(0);
  });

  it('never returns null: empty snapshots, the shared empty gradient', () => {
    const t: Trainer = new NullTrainer(100);
    const s0 = t.initial();
    expect(s0).toEqual({ version: 0, params: EMPTY_VEC });
    expect(s0.params).toBe(EMPTY_VEC);
    const g = t.gradient(s0, 3);
    expect(g).toBe(EMPTY_GRAD);
    expect(t.meanGradient(s0, [0, 1, 2])).toBe(EMPTY_GRAD);
    expect(g.value().grad).toBe(EMPTY_VEC);
    expect(g.value().loss).toBeNaN();
    expect(t.evaluate(s0)).toBeNull();
  });

  it('carries versions through apply, snapshot, compose and average', () => {
    const t: Trainer = new NullTrainer(100);
    const s0 = t.initial();
    const opt = t.optimizer();
    const s1 = t.apply(opt, s0, EMPTY_GRAD, 1);
    const s2 = t.apply(opt, s1, t.math.sub(s1.params, s0.params), 2, { lrScale: 0.5, range: [0, 0] });
    const s5 = t.snapshot(t.math.scale(2, s2.params), 5);
    const s6 = t.compose([{ snapshot: s5, range: [0, 0] }], 6);
    const s7 = t.average([s5, s6], 7, [1, 3]);
    expect([s1, s2, s5, s6, s7].map((s) => s.version)).toEqual([1, 2, 5, 6, 7]);
    for (const s of [s1, s2, s5, s6, s7]) expect(s.params).toBe(EMPTY_VEC);
  });

  it('counts the steps applied through each optimizer state', () => {
    const t = new NullTrainer(100);
    const a = t.optimizer();
    const b = t.optimizer();
    const s = t.initial();
    for (let i = 0; i < 3; i++) t.apply(a, s, EMPTY_GRAD, i + 1);
    t.apply(b, s, EMPTY_VEC, 1);
    expect(a.steps).toBe(3);
    expect(b.steps).toBe(1);
  });

  it('clones and resets optimizer states independently', () => {
    const t = new NullTrainer(100);
    const a = t.optimizer();
    const s = t.initial();
    t.apply(a, s, EMPTY_GRAD, 1);
    t.apply(a, s, EMPTY_GRAD, 2);
    const c = a.clone();
    expect(c).toBeInstanceOf(NullOptimizerState);
    expect(c.steps).toBe(2);
    t.apply(c, s, EMPTY_GRAD, 3);
    expect([a.steps, c.steps]).toEqual([2, 3]);
    a.reset();
    expect([a.steps, c.steps]).toEqual([0, 3]);
  });

  it('takes state slots from a spec and rejects a bad one, as full mode would', () => {
    const t = new NullTrainer(100);
    expect(t.optimizer().stateSlots).toBe(0);
    const nesterov = { kind: 'nesterov', lr: 0.7, options: { momentum: 0.9 } };
    expect(t.optimizer(nesterov).stateSlots).toBe(1);
    expect(t.optimizer(nesterov).stateSlots).toBe(1);
    expect(t.optimizer({ kind: 'adam', options: {} }).stateSlots).toBe(2);
    expect(t.optimizer({ kind: 'sgd', options: {} }).stateSlots).toBe(0);
    expect(t.optimizer(nesterov).clone().stateSlots).toBe(1);
    expect(() => t.optimizer({ kind: 'lion', options: {} })).toThrow(RangeError);
    expect(() => t.optimizer({ kind: 'sgd', options: { momentum: 0.9 } })).toThrow(RangeError);
    expect(() => t.optimizer({ kind: 'sgd', lr: -1, options: {} })).toThrow(RangeError);
  });

  it('rejects an optimizer state it did not make', () => {
    const t = new NullTrainer(100);
    const foreign = { steps: 0, stateSlots: 0, clone: () => foreign, reset: () => undefined };
    expect(() => t.apply(foreign, t.initial(), EMPTY_GRAD, 1)).toThrow(TypeError);
  });
});
