import { describe, expect, it } from 'vitest';
import { NullStagedTrainer, stageCount } from '../../../src/schedules/lib/null-staged.ts';
import { NullTrainer } from '../../../src/schedules/lib/null-trainer.ts';
import { EMPTY_ACT } from '../../../src/schedules/lib/staged.ts';
import { EMPTY_GRAD, EMPTY_VEC, type Trainer } from '../../../src/schedules/lib/trainer.ts';

describe('NullTrainer.staged', () => {
  it('never returns null: S empty stage snapshots carrying the version, shared empty activations and gradients', () => {
    const t: Trainer = new NullTrainer(100, 2);
    const st = t.staged(4);
    expect(st).toBeInstanceOf(NullStagedTrainer);
    expect(st.stages).toBe(4);
    expect(st.stageParamCounts).toEqual([0, 0, 0, 0]);
    const parts = st.split(t.snapshot(EMPTY_VEC, 7));
    expect(parts).toHaveLength(4);
    for (const p of parts) expect(p).toEqual({ version: 7, params: EMPTY_VEC });
    expect(parts[0]!.params).toBe(EMPTY_VEC);
    const joined = st.join(parts, 9);
    expect(joined.version).toBe(9);
    expect(joined.params).toBe(EMPTY_VEC);
    const x = st.input(1, 32);
    expect(x).toBe(EMPTY_ACT);
    const y = st.forward(3, parts[3]!, x);
    expect(y).toBe(EMPTY_ACT);
    expect(y.rows).toBe(0);
    expect(y.value()).toHaveLength(0);
    const b = st.backward(3, parts[3]!, y, null);
    expect(b.dIn).toBe(EMPTY_ACT);
    expect(b.grad).toBe(EMPTY_GRAD);
    // The same frozen object every time: nothing is allocated per pass at thousands of GPUs.
    expect(st.backward(0, parts[0]!, y, b.dIn)).toBe(b);
  });

  it('takes a list of layers per stage, and rejects a bad count or list', () => {
    expect(new NullTrainer(10).staged([2, 3, 4]).stages).toBe(3);
    expect(stageCount(8)).toBe(8);
    expect(() => new NullTrainer(10).staged(0)).toThrow(RangeError);
    expect(() => new NullTrainer(10).staged(2.5)).toThrow(/integer >= 1, got 2.5/);
    expect(() => new NullTrainer(10).staged([])).toThrow(RangeError);
    expect(() => new NullTrainer(10).staged([2, 0])).toThrow(/\[2, 0\]/);
  });
});
