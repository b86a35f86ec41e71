import { beforeAll, describe, expect, it } from 'vitest';
import { Crew } from '../../../src/schedules/lib/crew.ts';
import { localRound } from '../../../src/schedules/lib/local-round.ts';
import { initBackend } from '../../../src/training/tensor-backend.ts';
import { drive, tinySetup } from './setup.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('localRound', () => {
  it('takes H steps per member back to back, then writes the rows at the times the steps ended', () => {
    const setup = tinySetup({ workers: 2, stragglers: [{ kind: 'constant', options: { factor: 2 }, workers: [1] }] });
    const crew = new Crew(setup.ctx);
    const rs = crew.ranks.map((r) => ({ snapshot: setup.progress.current, opt: setup.trainer.optimizer(), data: r }));
    const end = drive(setup, function* () {
      const round = yield* localRound(setup.ctx, crew, rs, 3, 5);
      expect(round).toEqual({ steps: 3, endS: expect.closeTo(0.06, 12) });
    });
    // Member 1 is twice as slow: 3 × 20 ms; the round waits for it.
    expect(end).toBeCloseTo(0.06, 12);
    const rows = [...setup.recorder.updateRows()];
    // Step-major order; step h of a round at version 5 reads and applies version 5 + h: τ = 0.
    expect(rows.map((r) => [r.worker, r.versionRead, r.versionApplied])).toEqual([
      [0, 5, 5],
      [1, 5, 5],
      [0, 6, 6],
      [1, 6, 6],
      [0, 7, 7],
      [1, 7, 7],
    ]);
    expect(rows.map((r) => r.timeS)).toEqual([0.01, 0.02, 0.02, 0.04, 0.03, 0.06].map((t) => expect.closeTo(t, 12)));
    expect(rs.map((r) => r.snapshot.version)).toEqual([8, 8]);
    // Nothing is committed by the round itself: the outer step does that.
    expect(setup.progress.updates).toBe(0);
  });

  it('writes no row when the run ends inside the round, and keeps only the compute that happened', () => {
    const setup = tinySetup({ workers: 2 });
    const crew = new Crew(setup.ctx);
    const rs = crew.ranks.map((r) => ({ snapshot: setup.progress.current, opt: setup.trainer.optimizer(), data: r }));
    const end = drive(setup, () => localRound(setup.ctx, crew, rs, 16, 0), 0.055);
    expect(end).toBe(0.055);
    expect(setup.recorder.updateRows().length).toBe(0);
    setup.stats.finish(end);
    expect(setup.stats.computeS[0]).toBeCloseTo(0.055, 12);
  });

  it('computes every member step of one step index in one flush (full mode), on the member’s own data', () => {
    const setup = tinySetup({ mode: 'full', workers: 3 });
    const crew = new Crew(setup.ctx);
    const rs = crew.ranks.map((r) => ({ snapshot: setup.progress.current, opt: setup.trainer.optimizer(), data: r }));
    drive(setup, () => localRound(setup.ctx, crew, rs, 2, 0));
    // Different data per member: the replicas drift apart.
    expect(Array.from(rs[0]!.snapshot.params)).not.toEqual(Array.from(rs[1]!.snapshot.params));
    for (const r of setup.recorder.updateRows()) expect(Number.isFinite(r.loss)).toBe(true);
  });

  it('client form: replicas on one rank run one after another, each its own steps; late ones are dropped', () => {
    // Rank 0 hosts clients 0 (2 steps) then 2 (1 step); rank 1 (2× slow) hosts client 1 (2 steps).
    // 10 ms steps: rank 0 ends client 0 at 20 ms and client 2 at 30 ms; rank 1 ends client 1 at 40 ms.
    // A 35 ms deadline drops client 1 (no rows, no math); the round ends when rank 1 is idle, at 40 ms.
    const setup = tinySetup({ workers: 2, stragglers: [{ kind: 'constant', options: { factor: 2 }, workers: [1] }] });
    const crew = new Crew(setup.ctx);
    const x0 = setup.progress.current;
    const rs = [0, 1, 2].map((k) => ({ snapshot: x0, opt: setup.trainer.optimizer(), data: k, rank: k === 1 ? 1 : 0 }));
    const end = drive(setup, function* () {
      const round = yield* localRound(setup.ctx, crew, rs, [2, 2, 1], 4, { deadlineS: 0.035 });
      expect(round.kept).toEqual([true, false, true]);
      expect(round.stepsEach).toEqual([2, 0, 1]);
      expect(round.steps).toBe(1);
    });
    expect(end).toBeCloseTo(0.04, 12);
    const rows = [...setup.recorder.updateRows()];
    expect(rows.map((r) => [r.worker, r.versionRead, r.versionApplied])).toEqual([
      [0, 4, 4],
      [0, 4, 4],
      [0, 4, 4],
    ]);
    expect(rows.map((r) => r.timeS)).toEqual([0.01, 0.02, 0.03].map((t) => expect.closeTo(t, 12)));
    setup.stats.finish(end);
    expect(setup.stats.computeS[0]).toBeCloseTo(0.03, 12);
    expect(setup.stats.computeS[1]).toBeCloseTo(0.04, 12);
  });
});
