import { describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../src/schedules/index.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { tinyScenario } from './fixtures.ts';

describe('ScheduleDefinition.check', () => {
  it('rejects options a cluster of this many workers cannot run, as start does', () => {
    expect(() => SCHEDULES['async-ps']!.check({ shards: 5 }, 4)).toThrow(/async-ps shards must be an integer in \[1, 4\].*got 5/);
    expect(() => SCHEDULES['async-ps']!.check({ shards: 4 }, 4)).not.toThrow();
    expect(() => SCHEDULES['sync-allreduce']!.check({ bucketSize: 0 }, 4)).toThrow(/bucketSize must be > 0 bytes, got 0/);
    expect(() => SCHEDULES['local-sgd']!.check({ localSteps: 0 }, 4)).toThrow(/localSteps must be an integer >= 1, got 0/);
  });

  it('is what start applies: a run with options check refuses fails the same way', () => {
    const s = tinyScenario({ workers: 4, schedule: 'async-ps', scheduleOptions: { shards: 5 }, mode: 'timing-only' });
    expect(() => runScenario(s, 0)).toThrow(/async-ps shards must be an integer in \[1, 4\]/);
  });
});
