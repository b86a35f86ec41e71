import { describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../src/schedules/index.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { runShape } from '../../src/scenario/schedule-check.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario } from './fixtures.ts';

const FOUR = runShape([{ count: 1, gpusPerNode: 4 }]);

describe('ScheduleDefinition.check', () => {
  it('returns the problems a cluster of this shape has with the options, each starting with the option', () => {
    const ps = SCHEDULES['async-ps']!;
    const opts = { shards: 5, servers: 'colocated', lrScaling: 'none', stagger: true };
    expect(ps.check?.(opts, FOUR)).toEqual([
      'shards must be an integer in [1, 4] (servers are co-located on ranks 0..k-1), got 5',
    ]);
    expect(ps.check?.({ ...opts, shards: 4 }, FOUR)).toEqual([]);
    // Dedicated servers take ranks of their own: one must be left to train.
    expect(ps.check?.({ ...opts, shards: 4, servers: 'dedicated' }, FOUR)).toEqual([
      'shards must be an integer in [1, 3] (dedicated servers take the last k of the 4 ranks and one must train), got 4',
    ]);
    expect(ps.check?.({ ...opts, shards: 3, servers: 'dedicated' }, FOUR)).toEqual([]);
  });

  it('is left out where the descriptors say everything (bucketSize > 0, localSteps >= 1)', () => {
    expect(SCHEDULES['sync-allreduce']!.check).toBeUndefined();
    expect(SCHEDULES['local-sgd']!.check).toBeUndefined();
    expect(SCHEDULES['sync-allreduce']!.options['bucketSize']).toMatchObject({ greaterThan: 0 });
  });

  it('is made by the runner before start: a run forced past validation fails with the same words', async () => {
    // Full mode: the runner reaches the schedule with a real trainer (a tiny Gaussian mixture).
    await initBackend('wasm');
    const s = tinyScenario({ workers: 4, schedule: 'async-ps', scheduleOptions: { shards: 5 } });
    expect(() => runScenario(s, 0)).toThrow(/^async-ps: shards must be an integer in \[1, 4\].*got 5$/);
  });
});

describe('runShape', () => {
  it('lists the GPUs of every node in rank order', () => {
    const shape = runShape([
      { count: 2, gpusPerNode: 8 },
      { count: 1, gpusPerNode: 4 },
    ]);
    expect(shape).toEqual({ workers: 20, nodes: 3, gpusPerNode: [8, 8, 4] });
  });
});
