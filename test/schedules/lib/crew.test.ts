import { describe, expect, it } from 'vitest';
import { Crew, rankRange } from '../../../src/schedules/lib/crew.ts';
import { EMPTY_GRAD } from '../../../src/schedules/lib/trainer.ts';
import { drive, tinySetup } from './setup.ts';

// Ring all-reduce on the fixture's switch: α = 6 µs, B = 12.5 GB/s, T = 2(N−1)α + 2(N−1)/N · n/B.
const ringTime = (n: number, N: number): number => 2 * (N - 1) * 6e-6 + ((2 * (N - 1)) / N) * (n / 12.5e9);

describe('Crew', () => {
  it('books a step on every member without an event, as intervals that end in the future', () => {
    const setup = tinySetup({ trace: true });
    const crew = new Crew(setup.ctx);
    const d = crew.computeAll(0, 'fwd+bwd');
    expect(Array.from(d)).toEqual([0.01, 0.01, 0.01, 0.01]);
    expect(setup.sim.now).toBe(0);
    expect(Array.from(setup.stats.computeS)).toEqual([0.01, 0.01, 0.01, 0.01]);
    // A stop at 4 ms keeps 4 ms of each booked step, in the totals and the trace.
    setup.stats.finish(0.004);
    expect(setup.stats.computeS[0]).toBeCloseTo(0.004, 15);
    expect(setup.recorder.spans(0.004).map((s) => s.durationS)).toEqual([0.004, 0.004, 0.004, 0.004]);
  });

  it('starts member i at its own time when given one per member', () => {
    const setup = tinySetup();
    const crew = new Crew(setup.ctx, [1, 3]);
    crew.computeAll(Float64Array.of(0, 0.5), 'step');
    setup.stats.finish(0.505);
    expect(Array.from(setup.stats.computeS)).toEqual([0, 0.01, 0, expect.closeTo(0.005, 12)]);
  });

  it('waits for a step with compute(), and records it once it is done', () => {
    const setup = tinySetup();
    const crew = new Crew(setup.ctx);
    const end = drive(setup, function* () {
      const c = yield* crew.compute(2, 'fwd+bwd');
      expect(c).toBe(0.01);
    });
    expect(end).toBe(0.01);
    expect(setup.stats.computeS[2]).toBe(0.01);
  });

  it('all-reduces over its members and records the collective on each', () => {
    const setup = tinySetup();
    const crew = new Crew(setup.ctx, [0, 1, 2]);
    const end = drive(setup, function* () {
      const out = yield* crew.allReduce(3e6, { algorithm: 'ring' });
      expect(out.timeS).toBeCloseTo(ringTime(3e6, 3), 15);
    });
    expect(end).toBeCloseTo(ringTime(3e6, 3), 15);
    const t = ringTime(3e6, 3);
    expect(Array.from(setup.stats.commS)).toEqual([
      expect.closeTo(t, 15),
      expect.closeTo(t, 15),
      expect.closeTo(t, 15),
      0,
    ]);
  });

  it('sends point to point through the communicator, so the bytes are counted per rank and per link', () => {
    const setup = tinySetup();
    const crew = new Crew(setup.ctx);
    const end = drive(setup, function* () {
      yield crew.send(1, 2, 1.25e6);
    });
    // α + n/B = 6 µs + 100 µs.
    expect(end).toBeCloseTo(6e-6 + 1e-4, 12);
    expect(setup.comm.bytesSentPerRank[1]).toBe(1.25e6);
    expect(setup.comm.sends).toBe(1);
    expect(setup.ctx.network.linkBytes().reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1.25e6);
  });

  it('writes update rows only for updates that have landed', () => {
    const setup = tinySetup();
    const crew = new Crew(setup.ctx);
    expect(() => crew.row({ worker: 0, versionRead: 0, versionApplied: 0, grad: EMPTY_GRAD, timeS: 0.01 })).toThrow(
      /when updates land/,
    );
    crew.row({ worker: 0, versionRead: 0, versionApplied: 2, grad: EMPTY_GRAD });
    const rows = [...setup.recorder.updateRows()];
    // Timing-only: no loss (an empty cell), never the empty gradient's NaN.
    expect(rows).toEqual([{ timeS: 0, worker: 0, stage: 0, versionRead: 0, versionApplied: 2, loss: undefined }]);
  });

  it('passes a pipeline row backward version through to the recorder', () => {
    const setup = tinySetup();
    const crew = new Crew(setup.ctx);
    crew.row({ worker: 1, stage: 2, versionRead: 3, versionBackward: 5, versionApplied: 6, grad: EMPTY_GRAD });
    crew.row({ worker: 1, stage: 2, versionRead: 3, versionApplied: 6, grad: EMPTY_GRAD });
    const rows = [...setup.recorder.updateRows()];
    expect(rows[0]).toEqual({
      timeS: 0,
      worker: 1,
      stage: 2,
      versionRead: 3,
      versionBackward: 5,
      versionApplied: 6,
      loss: undefined,
    });
    expect('versionBackward' in rows[1]!).toBe(false);
  });

  it('commits the model, the updates, the samples and the per-worker counts together', () => {
    const setup = tinySetup({ batchSize: 16 });
    const crew = new Crew(setup.ctx);
    const { progress, stats } = setup;
    const v1 = { version: 3, params: new Float32Array(0) };
    crew.commit(v1, 3); // a round of 3 local steps on all 4 workers
    expect(progress.current).toBe(v1);
    expect(progress.updates).toBe(3);
    expect(progress.samples).toBe(4 * 3 * 16);
    expect(Array.from(stats.updates)).toEqual([3, 3, 3, 3]);
    crew.commit(v1, 1, 2, 1); // one asynchronous push of worker 2
    expect(progress.samples).toBe(4 * 3 * 16 + 16);
    expect(Array.from(stats.updates)).toEqual([3, 3, 4, 3]);
  });

  it('rankRange lists 0 .. n − 1', () => {
    expect(rankRange(4)).toEqual([0, 1, 2, 3]);
    expect(rankRange(0)).toEqual([]);
  });
});
