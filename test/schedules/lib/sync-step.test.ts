import { describe, expect, it } from 'vitest';
import { Crew } from '../../../src/schedules/lib/crew.ts';
import { SyncStep } from '../../../src/schedules/lib/sync-step.ts';
import { drive, tinySetup } from './setup.ts';

// Ring all-reduce on the fixture's switch: α = 6 µs, B = 12.5 GB/s, T = 2(N−1)α + 2(N−1)/N · n/B.
const ringTime = (n: number, N: number): number => 2 * (N - 1) * 6e-6 + ((2 * (N - 1)) / N) * (n / 12.5e9);

describe('SyncStep', () => {
  it('takes one step: compute, one all-reduce after the slowest, every row at τ = 0, one commit', () => {
    const setup = tinySetup({ workers: 4, paramBytes: 4e6 });
    const crew = new Crew(setup.ctx);
    const step = new SyncStep(setup.ctx, crew, setup.trainer.optimizer(), { kind: 'all-reduce', algorithm: 'ring' });
    const end = drive(setup, function* () {
      const next = yield* step.step();
      expect(next.version).toBe(1);
    });
    // 10 ms of compute on every worker, then the ring: T = 0.01 + ring(4 MB, 4).
    expect(end).toBeCloseTo(0.01 + ringTime(4e6, 4), 12);
    expect(setup.progress.updates).toBe(1);
    expect(setup.progress.samples).toBe(4 * 16);
    const rows = [...setup.recorder.updateRows()];
    expect(rows.map((r) => r.worker)).toEqual([0, 1, 2, 3]);
    for (const r of rows) expect([r.versionRead, r.versionApplied, r.timeS]).toEqual([0, 0, end]);
    expect(Array.from(setup.stats.updates)).toEqual([1, 1, 1, 1]);
  });

  it('is paced by the slowest member', () => {
    const setup = tinySetup({ workers: 3, stragglers: [{ kind: 'constant', options: { factor: 3 }, workers: [1] }] });
    const crew = new Crew(setup.ctx);
    const step = new SyncStep(setup.ctx, crew, setup.trainer.optimizer(), { kind: 'all-reduce', algorithm: 'ring' });
    const end = drive(setup, () => step.step());
    expect(end).toBeCloseTo(0.03 + ringTime(4e6, 3), 12);
    // The fast members wait: 10 ms of compute, the collective, and idle time in between.
    expect(setup.stats.computeS[0]).toBe(0.01);
    expect(setup.stats.computeS[1]).toBeCloseTo(0.03, 15);
  });

  it('with buckets hides part of the communication behind the backward pass, counting it once in busy', () => {
    // A profile timing (layers) so that there is more than one bucket.
    const timing = { kind: 'profile' as const, name: 'resnet50' };
    const base = tinySetup({ workers: 4, timing });
    const plain = drive(base, () =>
      new SyncStep(base.ctx, new Crew(base.ctx), base.trainer.optimizer(), {
        kind: 'all-reduce',
        algorithm: 'ring',
      }).step(),
    );
    const b = tinySetup({ workers: 4, timing });
    const bucketed = drive(b, () =>
      new SyncStep(b.ctx, new Crew(b.ctx), b.trainer.optimizer(), {
        kind: 'all-reduce',
        algorithm: 'ring',
        bucketBytes: 25e6,
      }).step(),
    );
    expect(bucketed).toBeLessThan(plain);
    const computeS = b.stats.computeS[0]!;
    // Busy is compute plus only the exposed communication: less than compute + all communication.
    expect(b.stats.busyS[0]!).toBeLessThan(computeS + b.stats.commS[0]! - 1e-9);
    expect(b.stats.busyS[0]!).toBeCloseTo(bucketed, 9);
  });
});
