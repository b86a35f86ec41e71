import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { Store } from '../../src/core/store.ts';
import type { ProcessGenerator } from '../../src/core/process.ts';
import type { Seconds } from '../../src/core/units.ts';

const s = (x: number) => x as Seconds;

describe('Store', () => {
  it('hands items to getters in FIFO order, waiting while empty', () => {
    const sim = new Simulator();
    const box = new Store<string>(sim);
    const got: string[] = [];
    sim.process(
      (function* (): ProcessGenerator<void> {
        for (let i = 0; i < 3; i++) {
          const x: string = yield box.get();
          got.push(`${x}@${sim.now}`);
        }
      })(),
    );
    sim.process(
      (function* (): ProcessGenerator<void> {
        yield sim.timeout(s(1));
        yield box.put('a');
        yield box.put('b');
        yield sim.timeout(s(2));
        yield box.put('c');
      })(),
    );
    sim.run();
    expect(got).toEqual(['a@1', 'b@1', 'c@3']);
  });

  it('blocks putters while full', () => {
    const sim = new Simulator();
    const box = new Store<number>(sim, 1);
    const putAt: number[] = [];
    sim.process(
      (function* (): ProcessGenerator<void> {
        for (let i = 0; i < 3; i++) {
          yield box.put(i);
          putAt.push(sim.now);
        }
      })(),
    );
    sim.process(
      (function* (): ProcessGenerator<void> {
        for (let i = 0; i < 3; i++) {
          yield sim.timeout(s(5));
          yield box.get();
        }
      })(),
    );
    sim.run();
    expect(putAt).toEqual([0, 5, 10]);
    expect(box.size).toBe(0);
  });

  it('cancels a pending get and rejects a bad capacity', () => {
    const sim = new Simulator();
    const box = new Store<number>(sim);
    const g = box.get();
    expect(box.cancelGet(g)).toBe(true);
    box.put(1);
    sim.run();
    expect(g.triggered).toBe(false);
    expect(box.peekAll()).toEqual([1]);
    expect(() => new Store(sim, 0)).toThrow(RangeError);
  });
});
