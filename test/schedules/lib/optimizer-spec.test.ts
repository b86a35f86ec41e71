import { describe, expect, it } from 'vitest';
import { FullOptimizerState } from '../../../src/schedules/lib/full-optimizer-state.ts';
import { optimizerFromSpec } from '../../../src/schedules/lib/optimizer-spec.ts';

describe('optimizer specs', () => {
  it('builds the named optimizer with its options, registry defaults filling gaps, and keeps its own lr', () => {
    const { optimizer, lr } = optimizerFromSpec({ kind: 'nesterov', lr: 0.7, options: { momentum: 0.9 } });
    expect(optimizer.name).toBe('nesterov');
    expect(optimizer.stateSlots).toBe(1);
    expect(lr).toBe(0.7);
    expect(optimizerFromSpec({ kind: 'adamw', options: {} }).lr).toBeUndefined();
    expect(optimizerFromSpec({ kind: 'adamw', options: {} }).optimizer.stateSlots).toBe(2);
  });

  it('rejects an unknown kind, a bad option and a bad learning rate', () => {
    expect(() => optimizerFromSpec({ kind: 'lamb', options: {} })).toThrow(/unknown optimizer 'lamb'/);
    expect(() => optimizerFromSpec({ kind: 'sgd', options: { momentum: 0.9 } })).toThrow(/unknown option 'momentum'/);
    expect(() => optimizerFromSpec({ kind: 'sgd', lr: -1, options: {} })).toThrow(
      /lr must be a finite number >= 0, got -1/,
    );
    expect(() => optimizerFromSpec({ kind: 'sgd', lr: NaN, options: {} })).toThrow(/lr must be/);
  });
});

describe('FullOptimizerState', () => {
  it('counts steps, clones deeply with its spec lr, and resets', () => {
    const { optimizer, lr } = optimizerFromSpec({ kind: 'momentum', lr: 0.5, options: { momentum: 0.9 } });
    const s = new FullOptimizerState(optimizer, lr);
    const p = Float32Array.of(0, 0);
    const g = Float32Array.of(1, 1);
    const p1 = s.optimizer.step(p, g, 0.5);
    expect(s.steps).toBe(1);
    const c = s.clone() as FullOptimizerState;
    expect(c.lr).toBe(0.5);
    // The clone has the velocity: its next step equals the original's next step.
    expect(Array.from(c.optimizer.step(p1, g, 0.5))).toEqual(Array.from(s.optimizer.step(p1, g, 0.5)));
    s.reset();
    expect(s.steps).toBe(0);
    expect(c.steps).toBe(2);
  });
});
