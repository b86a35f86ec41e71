import { describe, expect, it } from 'vitest';
import { Simulator } from '../../../src/core/simulator.ts';
import { MemoryRecorder } from '../../../src/results/memory-recorder.ts';
import type { UpdateRecord } from '../../../src/results/recorder.ts';
import { DivergenceWatch } from '../../../src/schedules/lib/divergence-watch.ts';
import { Progress } from '../../../src/schedules/lib/progress.ts';
import { NullTrainer } from '../../../src/schedules/lib/null-trainer.ts';

function watched(): { watch: DivergenceWatch; progress: Progress; inner: MemoryRecorder; sim: Simulator } {
  const sim = new Simulator();
  const inner = new MemoryRecorder({ updates: true, spans: true, traceLimit: 10 });
  const progress = new Progress(sim, new NullTrainer(100), inner, { updates: 1000 }, undefined);
  return { watch: new DivergenceWatch(inner, progress), progress, inner, sim };
}

const row = (versionApplied: number, loss: number | undefined, timeS = 0.5): UpdateRecord => ({
  timeS,
  worker: 1,
  stage: 0,
  versionRead: versionApplied - 1,
  versionApplied,
  loss,
});

describe('DivergenceWatch', () => {
  it('passes every record on unchanged', () => {
    const { watch, inner } = watched();
    expect(watch.wantsUpdates).toBe(true);
    expect(watch.wantsSpans).toBe(true);
    watch.update(row(1, 0.7));
    watch.eval({ timeS: 1, updates: 1, samples: 2, epoch: 0.02, loss: 0.6, accuracy: 0.5 });
    watch.span({ worker: 0, kind: 'compute', name: 'fwd+bwd', startS: 0, durationS: 1 });
    expect([...inner.updateRows()]).toEqual([row(1, 0.7)]);
    expect(inner.evals()).toHaveLength(1);
    expect(inner.spans()).toHaveLength(1);
    watch.metric({ timeS: 0.5, worker: 1, name: 'conflicts', value: 3 });
    expect(inner.metrics()).toEqual([{ timeS: 0.5, worker: 1, name: 'conflicts', value: 3 }]);
  });

  it('ignores finite and missing losses', () => {
    const { watch, progress } = watched();
    watch.update(row(1, 1e30));
    watch.update(row(2, undefined));
    expect(progress.running).toBe(true);
  });

  it('stops the run at the first NaN or infinite loss, naming the update it would have created and its time', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const { watch, progress, sim } = watched();
      watch.update(row(6, 2.3, 0));
      watch.update(row(7, bad, 0));
      expect(progress.running).toBe(false);
      expect(progress.stopReason).toBe(`diverged at update 8 (t = 0 s): non-finite training loss (${String(bad)})`);
      watch.update(row(8, Number.NaN, 0));
      expect(progress.divergence).toBe(progress.stopReason);
      sim.run(progress.done);
      expect(sim.now).toBe(0);
    }
  });

  it("stops at the record's time when it lies ahead (a local step that ends later), so the run covers that step", () => {
    const { watch, progress, sim } = watched();
    watch.update(row(3, Number.NaN, 0.375));
    expect(progress.divergence).toBe('diverged at update 4 (t = 0.375 s): non-finite training loss (NaN)');
    expect(progress.running).toBe(true);
    sim.run(progress.done);
    expect(sim.now).toBe(0.375);
    expect(progress.stopReason).toBe(progress.divergence);
  });

  it('keeps a stop condition reached before that time, and appends the divergence to it', () => {
    const { watch, progress, sim } = watched();
    watch.update(row(3, Number.NaN, 0.375));
    progress.finish('simulated time reached 0.1 s');
    sim.run(progress.done);
    expect(progress.stopReason).toBe(`simulated time reached 0.1 s; ${progress.divergence!}`);
  });
});
